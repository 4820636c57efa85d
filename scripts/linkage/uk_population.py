#!/usr/bin/env python3
"""An independent generator of realistic person files for testing record linkage.

    python3 scripts/linkage/uk_population.py --records N --seed S --out FILE.csv

Written as an outside tester would write it: without looking at the linkage engine or at the
project's own person generator. It models a safeguarding-style multi-agency person file for
England and Wales. Everything is synthetic: names come from generic, widely used name lists and
from composed name parts, postcodes are in areas that do not exist (outward codes start with Q or
Z, which no real postcode area uses apart from ZE), towns are invented, NHS numbers start with 9
(a range not issued to patients) and UPNs use local-authority numbers above any real one.

What it models
* Ethnic naming clusters in realistic national shares (English, Welsh, Irish, Scottish,
  Pakistani, Bangladeshi, Indian Hindu, Sikh, other Muslim (Arab/Kurdish/Afghan), Somali, West
  African, Caribbean, Polish, Romanian, Chinese), each with its own given and family names, so
  given and family names are strongly correlated (Muhammad/Mohammed + Khan/Hussain/Ali/Ahmed,
  Gurpreet + Singh/Kaur, Mohamed + Ali, Piotr + Nowak) and some full names are far commoner than
  the product of their parts. Clusters live in different kinds of area (Welsh surnames in Welsh
  areas, Pakistani families in northern mill towns, ...), so common names also share districts.
* Heavy-tailed surnames (English: Zipf-like over ~40,000 names, the rarest composed from
  surname parts), sex- and cohort-dependent given names (fashions of the 1950s ... 2010s),
  middle names, nicknames, spelling variants, sex-inflected Polish surnames, Singh/Kaur,
  Begum/Bibi, Somali patronymic surnames, women's marriage surnames, double-barrelled and step
  surnames for children.
* Households: children (mostly born 2000-2015) with siblings who share surname and address, twins
  (same DOB, surname, address), parents (born ~1960-1999), sons named after their fathers, and
  single adults; ~2.25 records per person, heavily skewed.
* Sources with their own recording habits (police, children's social care, health, school,
  charity), their own person ids (with duplicate registrations), and per-record corruption:
  typos, nicknames, alternative spellings, case, swapped names, changed surnames, middle name as
  given name, DOB errors and placeholders, partial dates, postcode formats, moves, missing fields.
Records are shuffled; `true_id` names the person.

Every rate is a named constant below. The run is deterministic for a seed (name vocabularies are
built from a fixed seed; only the sample depends on --seed). Standard library only.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter

# ---------------------------------------------------------------------------------------------
# Rates and shapes (all probabilities unless said otherwise)
# ---------------------------------------------------------------------------------------------

VOCAB_SEED = 20240131  # name vocabularies and geography: fixed, independent of --seed

# Share of people by naming cluster (England and Wales, census-like; Irish/Scottish include
# heritage surnames; "other_muslim" is Arab, Kurdish, Afghan, Iranian).
CLUSTER_SHARES = {
    "english": 0.698, "welsh": 0.045, "irish": 0.035, "scottish": 0.020,
    "pakistani": 0.030, "bangladeshi": 0.011, "indian_hindu": 0.019, "sikh": 0.010,
    "other_muslim": 0.012, "somali": 0.006, "west_african": 0.024, "caribbean": 0.014,
    "polish": 0.018, "romanian": 0.011, "chinese": 0.007,
}
MIXED_PARENTS_RATE = 0.07        # a family's mother comes from another cluster
MIXED_CHILD_GIVEN_FROM_MOTHER = 0.5  # a child of mixed parents takes given names from the mother's cluster
ANGLO_GIVEN_RATE = {             # a person of this cluster has an English given name
    "polish": 0.10, "romanian": 0.08, "chinese": 0.45, "west_african": 0.30, "indian_hindu": 0.06,
    "sikh": 0.04, "pakistani": 0.02, "bangladeshi": 0.02, "other_muslim": 0.04, "somali": 0.01,
    "irish": 0.55, "welsh": 0.70, "scottish": 0.75, "caribbean": 0.45,
}

# Households and ages
FAMILY_HOUSEHOLD_SHARE = 0.56    # households built around a child; the rest are single adults
CHILDREN_PER_FAMILY = {1: 0.30, 2: 0.34, 3: 0.20, 4: 0.10, 5: 0.04, 6: 0.02}
BIRTH_GAP_YEARS = {1: 0.15, 2: 0.30, 3: 0.25, 4: 0.15, 5: 0.10, 7: 0.05}
TWIN_RATE = 0.016                # per birth: a twin is born with the child
TWINS_SAME_SEX = 0.67
TWINS_SIMILAR_NAMES = 0.25       # twin names share an initial (Jack/Jake, Olivia/Oliver-style)
SIBLING_IN_DATA = 0.45           # a sibling of the child the family is known for is also in the file
MOTHER_IN_DATA = 0.35
FATHER_PRESENT = 0.70            # the father is known at all
FATHER_IN_DATA = 0.20            # ... and is in the file
FATHER_LIVES_ELSEWHERE = 0.60    # unmarried parents: the father has his own address
CHILD_IN_CARE = 0.20             # a child in the file has been in care: more moves
IN_CARE_EXTRA_MOVE = 0.50
PARENTS_MARRIED = 0.55
CHILD_TAKES_MOTHERS_SURNAME = 0.30   # unmarried parents
CHILD_DOUBLE_BARRELLED = 0.04        # unmarried parents: Mother-Father surname
CHILD_STEP_SURNAME = 0.04            # child also known by a step-parent's surname
STEP_SURNAME_USED = 0.30             # ... in this share of registrations
SON_NAMED_AFTER_FATHER = 0.02        # "Jr": same given name (and surname) as the father
DAUGHTER_NAMED_AFTER_MOTHER = 0.008
CHILD_FEMALE = 0.55                  # safeguarding children: more girls
SINGLE_ADULT_MALE = 0.62             # single adults: suspects and vulnerable adults
INDEX_CHILD_BIRTH = (2000, 2016, 2006)   # triangular (low, high, mode)
SINGLE_ADULT_BIRTH = [((1985, 2003), 0.56), ((1960, 1984), 0.40), ((1940, 1959), 0.04)]
MOTHER_AGE_AT_FIRST_BIRTH = (26.0, 5.5)  # mean, sd (clipped 16-44)
FATHER_OLDER_THAN_MOTHER = (2.5, 4.0)

# Names
HAS_MIDDLE_NAME = {"english": 0.72, "welsh": 0.70, "irish": 0.70, "scottish": 0.72,
                   "pakistani": 0.35, "bangladeshi": 0.30, "indian_hindu": 0.25, "sikh": 0.10,
                   "other_muslim": 0.25, "somali": 0.15, "west_african": 0.75, "caribbean": 0.65,
                   "polish": 0.20, "romanian": 0.30, "chinese": 0.45}
TWO_MIDDLE_NAMES = 0.10
MUHAMMAD_PREFIX = {"pakistani": 0.32, "bangladeshi": 0.36, "other_muslim": 0.12}  # boys: Muhammad + calling name
MUHAMMAD_CALLING_NAME = 0.85     # ... who have a calling name after Muhammad (Muhammad Zain)
MUHAMMAD_SPELLINGS = "Muhammad:5 Mohammed:6 Mohammad:2 Mohamed:1 Muhammed:0.5"
MD_BANGLADESHI = "Mohammed:5 Muhammad:2 Md:2 Mohammad:1"
MUHAMMAD_FORMS = ("Muhammad", "Mohammed", "Mohammad", "Mohamed", "Muhammed", "Md")
ABDUL_PREFIX = {"pakistani": 0.04, "bangladeshi": 0.08, "other_muslim": 0.03, "somali": 0.0}
MARRIED_SURNAME = {"english": 0.42, "welsh": 0.42, "irish": 0.42, "scottish": 0.42,
                   "caribbean": 0.30, "polish": 0.55, "romanian": 0.5, "west_african": 0.45,
                   "indian_hindu": 0.5, "chinese": 0.15, "pakistani": 0.25, "bangladeshi": 0.15,
                   "other_muslim": 0.10, "somali": 0.0, "sikh": 0.0}  # adult women born <= 1996
MARRIED_DURING_WINDOW = 0.15     # the change falls inside the records' time window
MAIDEN_NAME_STILL_USED = 0.10    # a registration after the change still has the maiden name
MARRIED_DOUBLE_BARREL = 0.05     # ... or has Maiden-Married
SIKH_USES_SINGH_KAUR = 0.55      # Singh/Kaur as surname (else the family name; the other is an alias)
SOUTH_ASIAN_FEMALE_SURNAME = {"pakistani": (0.40, 0.10), "bangladeshi": (0.55, 0.15)}  # Begum/Bibi..., (born<1990, later)
HAS_ALIAS = {"adult_male": 0.12, "adult_female": 0.08, "child": 0.06}
TWO_ALIASES = 0.25
ALIAS_KINDS = (0.35, 0.30, 0.20, 0.15)  # other surname, other given name, wholly other name, own-name spelling
CHINESE_NAME_AS_MIDDLE = 0.6     # a Chinese person with an English given name has a Chinese middle name
WIFE_TAKES_HUSBANDS_SURNAME = {"english": 0.85, "welsh": 0.85, "irish": 0.85, "scottish": 0.85,
                               "caribbean": 0.7, "polish": 0.9, "romanian": 0.9, "west_african": 0.8,
                               "indian_hindu": 0.85, "chinese": 0.3, "pakistani": 0.5,
                               "bangladeshi": 0.3, "other_muslim": 0.2}  # married parents
UNMARRIED_MOTHER_MARRIED_BEFORE = 0.30  # ... so her surname changed at an earlier marriage

# Records per person (mean ~2.25); TAIL is the share with 10+ records, drawn from a power law.
RECORDS_PER_PERSON = {1: 0.55, 2: 0.20, 3: 0.095, 4: 0.055, 5: 0.033, 6: 0.022, 7: 0.015,
                      8: 0.010, 9: 0.007}
RECORDS_TAIL = (10, 60, 2.5)     # min, max, power-law exponent for 10+ (share = 1 - sum above)

SOURCES = ["police", "childrens_social_care", "health", "school", "charity"]
CHILD_SOURCE_WEIGHTS = {"police": 0.24, "childrens_social_care": 0.30, "health": 0.20,
                        "school": 0.16, "charity": 0.10}
ADULT_SOURCE_WEIGHTS = {"police": 0.50, "childrens_social_care": 0.12, "health": 0.25,
                        "school": 0.0, "charity": 0.13}
# A further record in a source where the person is registered creates a new registration
# (a duplicate person id) with this probability.
DUPLICATE_REGISTRATION = {"police": 0.05, "childrens_social_care": 0.04, "health": 0.015,
                          "school": 0.03, "charity": 0.10}
REKEY_FIELD = {"police": 0.20, "childrens_social_care": 0.12, "health": 0.05, "school": 0.06,
               "charity": 0.25}  # a later record of a registration re-keys a field
SCHOOL_DUPLICATE_NEW_UPN = 0.5   # a duplicate school registration has a new UPN

# Address history
ADDRESSES_PER_PERSON = {1: 0.63, 2: 0.24, 3: 0.08, 4: 0.05}   # children in care move more (x1.5)
HOUSEHOLD_MOVED = 0.20           # the household moved during the window (siblings share it)
MOVE_SCOPE = {"district": 0.45, "area": 0.35, "elsewhere": 0.20}
ADDRESS_CURRENT = {"police": 0.95, "childrens_social_care": 0.85, "health": 0.80, "school": 0.85,
                   "charity": 0.70}  # else the registration's older address

# Per-source habits. PRESENT: probability a field is filled in.
PRESENT = {
    #                       postcode town  nhs   upn   pnc   sex   other(middle)
    "police":                (0.80, 0.80, 0.03, 0.00, 0.85, 0.97, 0.10),
    "childrens_social_care": (0.90, 0.55, 0.55, 0.35, 0.03, 0.98, 0.25),
    "health":                (0.97, 0.75, 0.95, 0.00, 0.00, 0.995, 0.50),
    "school":                (0.94, 0.45, 0.02, 0.97, 0.00, 0.995, 0.35),
    "charity":               (0.35, 0.55, 0.01, 0.01, 0.00, 0.85, 0.05),
}
# DOB habits: missing, year only (e.g. age only), of which written as YYYY-01-01 placeholder
DOB_HABITS = {
    "police":                (0.07, 0.07, 0.35),
    "childrens_social_care": (0.04, 0.02, 0.30),
    "health":                (0.005, 0.003, 0.5),
    "school":                (0.005, 0.002, 0.5),
    "charity":               (0.42, 0.20, 0.20),
}
DOB_FORMATS = {  # ISO YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY (unpadded)
    "police": (0.60, 0.38, 0.02), "childrens_social_care": (0.80, 0.18, 0.02),
    "health": (0.90, 0.10, 0.0), "school": (0.70, 0.29, 0.01), "charity": (0.40, 0.52, 0.08),
}
DOB_DAY_MONTH_SWAP = 0.010       # when the day is <= 12
DOB_ONE_DIGIT = 0.010
DOB_YEAR_OFF_BY_ONE = 0.006
DOB_JUNK = 0.0008                # 01/01/1900
DOB_ERROR_FACTOR = {"police": 1.6, "childrens_social_care": 1.0, "health": 0.4, "school": 0.6,
                    "charity": 2.0}
# Names
TYPO_RATE = {"police": 0.025, "childrens_social_care": 0.015, "health": 0.006, "school": 0.01,
             "charity": 0.04}    # per name field per record
NICKNAME_RATE = {"police": 0.15, "childrens_social_care": 0.10, "health": 0.02, "school": 0.10,
                 "charity": 0.35}   # when the name has short forms
ANGLICISED_RATE = {"police": 0.12, "childrens_social_care": 0.08, "health": 0.03, "school": 0.15,
                   "charity": 0.25}  # Pawel -> Paul
SPELLING_VARIANT_RATE = {"police": 0.14, "childrens_social_care": 0.10, "health": 0.05,
                         "school": 0.06, "charity": 0.15}  # Mohammed -> Muhammad, Clarke -> Clark
DROP_DIACRITICS = {"police": 0.75, "childrens_social_care": 0.5, "health": 0.4, "school": 0.35,
                   "charity": 0.6}
CALLING_NAME_AS_GIVEN = {"police": 0.45, "childrens_social_care": 0.40, "health": 0.15,
                         "school": 0.50, "charity": 0.60}  # Muhammad Zain -> Zain
CALLING_NAME_WITH_PREFIX = 0.15  # ... -> "Muhammad Zain" in the given name field
MIDDLE_AS_GIVEN = 0.015
CHINESE_MIDDLE_AS_GIVEN = 0.18   # the Chinese name rather than the English one
SWAP_GIVEN_FAMILY = {"police": 0.012, "childrens_social_care": 0.008, "health": 0.003,
                     "school": 0.004, "charity": 0.015}
SWAP_FACTOR_CLUSTER = {"chinese": 8.0, "other_muslim": 2.5, "somali": 2.5, "pakistani": 1.8,
                       "bangladeshi": 1.8, "west_african": 1.5}
POLISH_WRONG_GENDER_FORM = 0.08  # a woman's -ska surname recorded as -ski
SINGH_KAUR_SWITCH = 0.25         # the registration uses the other of Singh/Kaur vs family name
CHARITY_FAMILY_INITIAL = 0.20    # "Jess B."
CHARITY_FAMILY_MISSING = 0.04
GIVEN_INITIAL_ONLY = 0.004
CASE_STYLE = {  # as written, UPPER, lower, Title-cased by the system (McDonald -> Mcdonald)
    "police": (0.30, 0.62, 0.01, 0.07), "childrens_social_care": (0.75, 0.10, 0.02, 0.13),
    "health": (0.55, 0.40, 0.0, 0.05), "school": (0.85, 0.05, 0.01, 0.09),
    "charity": (0.75, 0.05, 0.12, 0.08),
}
APOSTROPHE_DROPPED = 0.10        # O'Brien -> OBrien / O Brien
HYPHEN_FORMS = {"hyphen": 0.60, "space": 0.15, "first": 0.10, "second": 0.15}
POLICE_ALIAS_IN_OTHER_NAMES = 0.60
POLICE_ALIAS_AS_MAIN = 0.15      # the police registration's main name is an alias
POLICE_FORMER_SURNAME_ALIAS = 0.30  # a changed surname: the former one among the aliases
# Sex
SEX_FLIPPED = 0.003
SEX_CODES = {"police": (("M", "F"), 0.9, ("Male", "Female")),
             "childrens_social_care": (("Male", "Female"), 0.8, ("M", "F")),
             "health": (("M", "F"), 0.92, ("1", "2")),
             "school": (("M", "F"), 1.0, ("M", "F")),
             "charity": (("Male", "Female"), 0.7, ("male", "female"))}
SEX_UNKNOWN_CODE = {"police": "U", "childrens_social_care": "Not known", "health": "9",
                    "school": "", "charity": ""}
SEX_UNKNOWN_SHARE = 0.4          # of missing sex: written as an unknown code rather than blank
# Identifiers
PNC_HOLDER = {"adult_male": 0.35, "adult_female": 0.12, "child": 0.10}
NHS_TYPO = 0.005                 # one digit changed (usually fails the check digit)
NHS_TRANSPOSED = 0.003
NHS_OF_RELATIVE = 0.001          # a sibling's or parent's number
NHS_FORMATS = (0.70, 0.25, 0.05)     # 9991234567, 999 123 4567, 999-123-4567
UPN_TYPO = 0.003
PNC_FORMATS = (0.80, 0.15, 0.05)     # 15/123456X, 2015/123456X, 15/0123456X
PNC_TYPO = 0.004
# Postcodes and towns
POSTCODE_FORMATS = {"standard": 0.72, "nospace": 0.14, "lower": 0.06, "lower_nospace": 0.03,
                    "double_space": 0.02, "district_only": 0.03}
POSTCODE_TYPO = 0.005
POSTCODE_STYLE_KEPT = 0.90       # a registration writes postcodes the same way each time
TOWN_VARIANT = 0.05              # "Upper Quenby" -> "Quenby", or the area's main town

# Record times are spread evenly over the records' window (about 2014-2024); moves, marriages
# and registrations are ordered in that time.

# ---------------------------------------------------------------------------------------------
# Name data (generic, widely used names; written for this generator)
# ---------------------------------------------------------------------------------------------

ENGLISH_SURNAMES = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin
Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson
Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills
Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham
Pearson Stewart Fletcher Walsh Hart Lawrence Elliott Burton Rees Gibson Reynolds Kennedy Lane
Rose Hudson Andrews Hunter Gardner Spencer Saunders Hamilton Payne Marsh Berry Grant Wells Burns
Day Cole Fox Ryan Hayes Holland Armstrong Atkinson Pearce Dean Lawson Bird Porter Ross Robertson
Stone Watts Doyle Webster Chambers Booth Hopkins Perry Lowe Barrett Reid Fraser Gill Sutton
Francis Newman Moss Jordan Jennings Reed Parry Douglas West Hawkins Rowe Riley Burke Gordon
Sharp Dawson Oliver Warren Cunningham Nicholson Kirk Howard Johnston Harper Little Rhodes Griffin
Lamb Norris Cooke Brooks Newton Wallace Hale Ball Fowler Sims Bates Byrne Bradley Sanders
Pritchard Walters Hardy Nash Read Kemp Long Mann Goodwin Kay Chandler Fuller Hewitt Holt Tucker
Skinner Barber Norton Freeman Slater Summers Poole Stephens Lucas Hammond Page Dunn Holden
Pollard Baxter Whitehead Glover Crawford Burgess Heath Howell Field Fleming Godfrey Greenwood
Myers Bishop Quinn Lord Sheppard Frost Steele Charlton Parsons Osborne Joyce Davidson Bowen
Potter Lambert Hurst Vaughan Yates Rowley Dyer Moran Boyle Ashton Whittaker Randall Pickering
Gough Buckley Stevenson Sharpe Fitzgerald Cross Metcalfe Farmer Kirby Bolton Barlow Conway
Gregory Hilton Hodgson Preston Blake Thorpe Walton Garner Henderson Carr Wade Nelson Coleman
Mccarthy Pugh Hodges Fry Alexander Bull Knowles Bond Hancock Coates Waters Morton Pike Chadwick
Wheeler Hobbs Goddard Sykes Bentley Craig Swift Flynn Lynch Kerr Birch Akers Mellor Ingram
Whitaker Sheldon Rowlands Benson Dobson Houghton Stanley Nolan Horton Howe Mahoney Peacock
Gilbert Bloggs Reeves Hussey Abbott Shepherd Copeland Farrell Fenton Thornton Banks Mccoy
Stokes Gale Riches Dalton Spooner Tate Wyatt Leach Clements Bradshaw Duffy Rayner Gallagher
"""
# Excluded above: names that belong to the naming clusters (Patel, Khan, Singh, Ali, ...).
# Weights: Zipf (rank + 5)^-0.9 over the list and then composed names, falling as rank^-1.3 after
# rank 40,000, to 150,000 names; except that the first 20 take these relative sizes (Smith well
# ahead; Welsh names are topped up by the Welsh cluster).
ENGLISH_SURNAME_COUNT = 150000
ENGLISH_SURNAME_ZIPF = (5.0, 0.9, 40000, 1.3)   # offset, exponent, bend rank, exponent after it
ENGLISH_TOP20_PERCENT = "1.30 0.70 0.52 0.55 0.50 0.38 0.33 0.36 0.31 0.35 0.31 0.30 0.31 0.30 0.29 0.28 0.26 0.25 0.26 0.25"

SURNAME_PREFIXES = """
Ash Ather Ayl Bar Black Brad Bram Brom Brough Bur Cal Carr Chad Chest Clif Cold Crom Dar Den Dun
East Ed Ell Elm Fair Farn Fen Gar Gold Green Hal Ham Har Hart Hath Hay Hazel Heath Hep Hol Horn
Hud Ing Kel Ken Kirk Knight Lang Lath Lin Lock Lyn Mar Mid Mill Mor Moss Net Nor Old Oak Ox Pen
Pick Pils Quar Rad Rams Red Ren Rock Rom Ros Roth Row Sal Sand Shel Shep Shir Stan Stap Stock
Sud Sum Swin Tad Thorn Thur Tod Tow Up Wad Wal War Wed Wen West Whit Wig Wil Win Wood Wor Yar
Yew Ald Bel Bil Bos Bre Bux Cad Cart Chil Cot Craw Cut Dal Dray Dux Ead Ems Ever Ged Gos Grin
Had Haw Hen Ick Kers Kim Lap Lax Mab Mel Mun Nut Ock Orm Pad Pel Pol Pud Rud Rush Scar Sed Sher
Shot Skel Sow Spal Tal Tem Thack Tick Twy Wes Wick Wim Wrag Yard Abb Alder Bick Bland Brock Bun
Catt Chap Clay Cross Dod Dud Ew Flet Fox Gil Grim Hack Hadd Hem Hux Kin Knott Lamb Mat Mow Nick
Pym Rick Sill Slat Snow Stain Stubb Tuck Twist Wals Weth Whal Wool
"""
SURNAME_SUFFIXES = """
ton ley worth field ford by ham well wood shaw croft bury den man combe stone hurst dale thwaite
more wick land ridge gate house brook cliffe low sall stock ington ingham mere cote grave hall
thorpe stead lock borough bridge burn holme way ney sley don er ett ings bourne hope tree cock
all bank hay lake marsh moor stow wade well ridge ings ock erton
"""
AWKWARD = re.compile(r"(.)\1\1|(..+)\2|ss$")  # Mossstock, Stanleyley, Hodgss
SURNAME_MIDDLES = ["er", "el", "en", "ing", "ers", "s", "e", "ley", "den"]
PATRONYMIC_STEMS = """
Tom Hodg Dick Wat Rob Hugh Gib Jenk Wilk Hawk Perk Sim Daw Mal Pat Ad Wil Rich Jack Dob Hob Hutch
Nick Phil Harr Stev Mat Bart Col Law Ran Hen Wal Gil Raw Ib Jeff Pen Tib Nel Judd Dodd Hick Hitch
Dav Hamm Sand Watt Rodg Ell Ferr Mart Sym Jam Wynn Gild Arn Ald Cutt Dix Gedd Hask Jopl Pask
"""
PATRONYMIC_ENDINGS = ["son", "s", "kins", "kin", "ett", "ings", "cock", "ison", "en", "er", "e", "ey"]

# Given names by sex and birth cohort for the English cluster (rank order, commonest first).
ENGLISH_GIVEN = {
    ("M", 1950): """David John Peter Michael Alan Robert Stephen Paul Brian Graham Philip Anthony
        Colin Christopher Geoffrey William James Keith Terence Barry Malcolm Richard Ian Derek
        Roger Raymond Kenneth Andrew Trevor Martin Kevin Ronald Roy Gary Thomas Nigel Dennis
        Leslie Patrick Edward""",
    ("F", 1950): """Susan Linda Christine Margaret Janet Patricia Carol Elizabeth Mary Anne Ann Jane
        Jean Valerie Barbara Pauline Sandra Gillian Kathleen Lesley Jacqueline Maureen Brenda
        Sheila Marilyn Diane Hilary Wendy Angela Judith Helen Catherine Denise Sally Elaine Julie
        Rosemary Joan Irene Jennifer""",
    ("M", 1960): """David Paul Andrew Mark John Michael Stephen Ian Robert Richard Christopher Peter
        Simon Anthony Kevin Gary Steven Martin James Philip Alan Neil Nigel Timothy Colin Graham
        Jonathan Nicholas Adrian Keith Darren Shaun Dean Wayne Lee Carl Russell Jeremy Trevor
        Barry""",
    ("F", 1960): """Susan Julie Karen Jacqueline Deborah Tracey Jane Helen Diane Sharon Alison Amanda
        Elizabeth Sarah Sandra Dawn Nicola Angela Carol Caroline Linda Lorraine Joanne Catherine
        Lisa Michelle Jennifer Wendy Beverley Gillian Christine Janet Denise Anne Elaine Kim Tina
        Paula Louise Maria""",
    ("M", 1970): """Paul Mark David Andrew Richard Christopher James Simon Michael Matthew Stephen
        Lee John Robert Darren Daniel Steven Jason Nicholas Jonathan Ian Neil Peter Stuart Anthony
        Martin Kevin Craig Philip Gary Scott Dean Carl Adam Wayne Thomas Benjamin Timothy Jamie
        Ben""",
    ("F", 1970): """Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Samantha Karen Amanda Rachel
        Louise Julie Clare Rebecca Sharon Victoria Caroline Susan Alison Catherine Elizabeth Deborah
        Donna Tracey Natalie Kelly Zoe Kerry Dawn Lucy Katherine Laura Jennifer Anna Joanna Angela
        Hayley Tracy""",
    ("M", 1980): """Christopher James David Daniel Michael Matthew Andrew Richard Paul Mark Thomas
        Adam Robert John Lee Benjamin Steven Jonathan Craig Stephen Simon Nicholas Peter Anthony
        Alexander Gary Ian Ryan Luke Jamie Stuart Philip Darren William Gareth Martin Kevin Scott
        Dean Joseph""",
    ("F", 1980): """Sarah Laura Gemma Emma Rebecca Claire Victoria Samantha Rachel Amy Jennifer
        Nicola Katie Lisa Kelly Natalie Louise Michelle Hayley Hannah Stacey Charlotte Lucy Kirsty
        Amanda Jessica Danielle Zoe Joanne Leanne Catherine Kerry Stephanie Jade Helen Elizabeth
        Holly Carly Kimberley Sophie""",
    ("M", 1990): """Thomas James Jack Daniel Matthew Ryan Joshua Luke Samuel Jordan Adam Michael
        Alexander Christopher Benjamin Joseph Liam Jake William Andrew George Lewis Oliver David
        Robert Callum Jamie Kieran Connor Nathan Aaron Bradley Ashley Scott Sam Jonathan Harry
        Dean Kyle Reece""",
    ("F", 1990): """Rebecca Lauren Jessica Charlotte Hannah Sophie Amy Emily Laura Emma Chloe Sarah
        Lucy Katie Bethany Georgia Jade Danielle Stephanie Megan Samantha Natasha Victoria Holly
        Shannon Rachel Abigail Eleanor Zoe Alice Kirsty Gemma Nicole Jasmine Leah Naomi Kayleigh
        Olivia Ellie Courtney""",
    ("M", 2000): """Jack Thomas Joshua James Daniel Harry Samuel Joseph Matthew Callum Luke William
        Lewis Oliver Ryan Benjamin George Liam Jordan Adam Alexander Jake Connor Cameron Nathan
        Kieran Ethan Charlie Alfie Dylan Tyler Jacob Bradley Max Reece Kyle Owen Brandon Rhys
        Mason""",
    ("F", 2000): """Chloe Emily Megan Jessica Sophie Lauren Charlotte Hannah Olivia Ellie Amy Lucy
        Bethany Georgia Katie Holly Emma Abigail Molly Grace Rebecca Leah Jade Ella Mia Shannon
        Courtney Amelia Caitlin Eleanor Paige Niamh Millie Evie Isabelle Keira Phoebe Erin Rachel
        Danielle""",
    ("M", 2010): """Oliver Jack Harry Jacob Charlie Thomas George Oscar James William Noah Alfie
        Joshua Leo Archie Ethan Joseph Freddie Samuel Alexander Logan Daniel Isaac Max Benjamin
        Mason Lucas Edward Harrison Jake Dylan Riley Finley Theo Sebastian Adam Zachary Arthur
        Teddy Jaxon""",
    ("F", 2010): """Olivia Amelia Emily Isla Ava Jessica Isabella Lily Ella Mia Sophia Charlotte
        Poppy Sophie Grace Evie Ruby Freya Daisy Chloe Isabelle Phoebe Sienna Florence Millie Alice
        Evelyn Matilda Scarlett Harper Lola Willow Rosie Elsie Esme Erin Ivy Layla Lucy Maisie""",
}
# Less common English given names (any cohort), a long flat pool.
ENGLISH_GIVEN_POOL = {
    "M": """Aaron Abel Adrian Aiden Alan Albert Alec Alfred Alistair Allan Ambrose Angus Archibald
        Arnold Ashley Austin Barnaby Bernard Blake Bobby Brendan Brett Bruce Bryan Byron Calvin
        Casey Cecil Chester Clifford Clive Conrad Curtis Cyril Dale Damian Damon Denis Derek
        Dominic Donald Douglas Duncan Dwayne Eddie Elliot Elliott Eric Ernest Eugene Felix Fergus
        Frank Frankie Frederick Gabriel Gavin Geoffrey Gerald Gilbert Glen Glenn Gordon Grant
        Gregory Guy Harold Harvey Hayden Henry Herbert Howard Hugh Hugo Isaac Ivan Jacob Jared
        Jasper Jay Jeffrey Jerome Jesse Jimmy Joel Jude Julian Justin Karl Keith Kenneth Kurt Lance
        Laurence Lawrence Leon Leonard Lewis Lloyd Louis Lucas Marcus Marc Maurice Max Miles Morgan
        Murray Nathaniel Neville Noel Norman Oscar Patrick Percy Quentin Ralph Ray Rex Ricky Robin
        Rodney Roland Ronnie Rory Ross Rupert Sidney Spencer Stanley Stuart Terry Toby Tony Tristan
        Troy Vernon Victor Vincent Walter Warren Wesley Will Zach Zachary Reggie Ronnie Albie Tommy
        Frankie Stanley Jenson Tobias Elliott Harley Kai Bailey Jensen Brody Ollie""",
    "F": """Abbie Ada Adele Agnes Aimee Alexandra Alexis Alice Alicia Alison Amber Amelia Andrea
        Annabel Annie Antonia Audrey Ava Barbara Beatrice Becky Belinda Bella Bernadette Beth
        Beverley Bonnie Brooke Bryony Caitlin Cara Carla Carly Carmen Caroline Cassandra Celia
        Charlene Cheryl Chelsea Clara Colleen Connie Daisy Dana Daphne Darcy Debbie Delia Dolores
        Dora Doreen Dorothy Edith Eileen Elaine Eleanor Eliza Ellen Elsie Esther Eva Eve Evelyn
        Faith Felicity Fiona Frances Freya Georgina Geraldine Gina Gloria Greta Harriet Hazel Heidi
        Henrietta Hilda Holly Imogen India Ingrid Iris Isabel Ivy Jacqui Jasmine Jean Jenna Jill
        Jo Jodie Josephine Joy Judy Julia Juliet June Justine Kate Kay Kayla Kerry Kim Kirsten
        Lara Leah Leanne Lena Lily Lindsay Lois Lorna Lottie Lydia Lynne Mabel Madeleine Maisie
        Marion Marie Martha Matilda Maxine Melanie Melissa Miranda Miriam Mollie Nadine Nancy Naomi
        Nina Nora Norma Olive Pamela Patsy Pearl Penelope Penny Phoebe Polly Rachael Rita Robyn
        Rosa Rose Rosie Roxanne Ruby Ruth Sabrina Sadie Sally Shirley Sienna Stella Sylvia Tamsin
        Tania Tara Teresa Tessa Thea Valerie Vanessa Vera Violet Vivienne Willow Yvonne Zara Harper
        Aria Luna Nevaeh Ellie-Mae Lacey Paige Tilly Darcie Lexi Macy""",
}
MODERN_GIVEN_PARTS = {
    "M": (["Kay", "Jay", "Bray", "Ry", "Tay", "Jax", "Zay", "Kai", "Lex", "Bro", "Ty", "Ja", "Ka",
           "Ma", "De", "Tre", "Ra", "Ken", "Cor", "Lan"],
          ["den", "don", "lan", "son", "ton", "ler", "lor", "den", "dyn", "vin", "ron", "ley",
           "lin", "quan", "shaun", "dell"]),
    "F": (["Kay", "Jay", "Bray", "Ry", "Tay", "Mad", "Lay", "Ak", "Ser", "Kay", "Ash", "Mck",
           "Brook", "Rai", "Lexi", "Sky", "Ja", "Ka", "Sha", "Ta"],
          ["leigh", "lee", "lyn", "lynn", "na", "ana", "ella", "elle", "ia", "isha", "anna",
           "ley", "lie", "nie", "dee", "cie", "nae"]),
}

WELSH_GIVEN = {"M": "Rhys Dylan Gareth Gethin Owain Dafydd Iwan Emyr Huw Aled Ieuan Osian Rhodri "
                    "Cai Tomos Elis Gruffydd Llyr Morgan Evan Ioan Steffan Geraint Alun",
               "F": "Carys Cerys Ffion Sian Rhian Nia Megan Catrin Lowri Angharad Bethan Eleri "
                    "Heledd Mared Elin Gwen Seren Efa Alaw Manon Nerys Glenys Myfanwy Non"}
WELSH_SURNAMES = ("Jones:14 Williams:9 Davies:9 Evans:6 Thomas:5.5 Roberts:4 Hughes:3.5 Lewis:3.2 "
                  "Morgan:3 Griffiths:2.8 Price:2.2 Owen:2.2 Lloyd:1.8 Rees:1.8 Jenkins:1.8 "
                  "Powell:1.5 James:1.6 Phillips:1.5 Edwards:1.6 Morris:1.4 Harris:1.2 Parry:1.1 "
                  "Pugh:0.9 Bowen:0.8 Vaughan:0.7 Howells:0.6 Pritchard:0.6 Watkins:0.7 "
                  "Prosser:0.3 Llewellyn:0.5 Meredith:0.3 Gwynne:0.2 Probert:0.2 Prothero:0.15 "
                  "Bevan:0.5 Jarman:0.15 Bowden:0.2 Gittins:0.15 Humphreys:0.5 Rowlands:0.5 "
                  "Ellis:0.6 Matthews:0.6 Richards:0.9 John:0.4 Pryce:0.2 Cadwaladr:0.05")
IRISH_GIVEN = {"M": "Patrick Sean Michael John Kevin Brendan Declan Ciaran Conor Liam Niall Eoin "
                    "Padraig Cian Oisin Darragh Ronan Aidan Finn Colm Seamus Fergal Donal Cormac",
               "F": "Mary Bridget Siobhan Niamh Aoife Roisin Sinead Orla Ciara Grainne Maeve "
                    "Aisling Caoimhe Clodagh Saoirse Eimear Deirdre Majella Fiona Sorcha Ailbhe"}
IRISH_SURNAMES = ("Murphy:6 Kelly:5 O'Brien:4 Byrne:3.5 Ryan:3.5 O'Connor:3.2 O'Neill:3 "
                  "O'Sullivan:2.8 Walsh:3 Doyle:2.5 McCarthy:2.5 Gallagher:2 Doherty:2.2 "
                  "Kennedy:1.8 Lynch:1.8 Murray:1.8 Quinn:1.8 Moore:1.5 McLaughlin:1.5 Carroll:1.4 "
                  "Connolly:1.4 Daly:1.4 O'Connell:1.3 Dunne:1.2 Brennan:1.2 Burke:1.2 Collins:1.2 "
                  "O'Reilly:1.1 Farrell:1 Fitzgerald:1 Maguire:1 Nolan:1 Flynn:1 O'Callaghan:0.9 "
                  "O'Donnell:0.9 Duffy:0.9 O'Mahony:0.8 Boyle:0.9 Healy:0.8 O'Shea:0.8 Sweeney:0.8 "
                  "Hayes:0.8 Kavanagh:0.8 Power:0.7 McGrath:0.7 Moran:0.7 Brady:0.7 Casey:0.6 "
                  "Foley:0.6 Fitzpatrick:0.6 O'Leary:0.6 McDonnell:0.5 McMahon:0.5 Donnelly:0.6 "
                  "Regan:0.5 Donovan:0.5 Burns:0.5 Flanagan:0.5 Barry:0.5 Kane:0.5 Griffin:0.5 "
                  "Kenny:0.5 Sheehan:0.4 Ward:1.2 Whelan:0.4 Lyons:0.4 Higgins:0.4 Cullen:0.4 "
                  "Keane:0.4 Maher:0.4 McKenna:0.4 Hogan:0.4 O'Keeffe:0.3 Magee:0.3 McNamara:0.3 "
                  "McDermott:0.3 Moloney:0.3 O'Rourke:0.3 Buckley:0.3 McDonagh:0.5 Joyce:0.5 "
                  "Maughan:0.3 Connors:0.4 Doran:0.2 Cassidy:0.3 Mulligan:0.2 Tierney:0.2")
SCOTTISH_GIVEN = {"M": "Alistair Hamish Callum Fraser Euan Ewan Ross Craig Iain Angus Gregor "
                       "Lachlan Murray Struan Finlay Ruaridh",
                  "F": "Fiona Morag Eilidh Kirsty Mhairi Ailsa Isla Catriona Shona Iona Kirstin "
                       "Morven Rhona Lorna"}
SCOTTISH_SURNAMES = ("Macdonald:3 Campbell:3 Stewart:2.5 Robertson:2.5 Thomson:2.4 Anderson:2.3 "
                     "Scott:2 Murray:2 MacLeod:1.8 Reid:1.8 Ross:1.6 Paterson:1.5 Fraser:1.5 "
                     "Mackenzie:1.5 Mackay:1.4 Grant:1.2 Hamilton:1.2 Graham:1.2 Kerr:1.1 "
                     "Ferguson:1.1 Johnston:1.1 Hunter:1 Cameron:1 Duncan:1 Gibson:0.9 Kennedy:0.9 "
                     "Morrison:1 Henderson:0.9 McLean:1 Wallace:0.8 Crawford:0.7 Gordon:0.7 "
                     "Sinclair:0.7 McIntosh:0.6 Milne:0.6 Munro:0.6 Ritchie:0.5 Watt:0.5 Baird:0.4 "
                     "Forbes:0.5 Lindsay:0.5 Buchanan:0.5 Bruce:0.5 McGregor:0.6 McMillan:0.5 "
                     "Docherty:0.6 Houston:0.3 McAllister:0.4 Ogilvie:0.2 Cochrane:0.3 Laing:0.3 "
                     "Drummond:0.3 Galbraith:0.2 McKenzie:0.6 Rennie:0.2 Urquhart:0.2")

PAKISTANI_GIVEN = {
    ("M", "old"): """Tariq Shahid Imran Khalid Asif Nadeem Kamran Zahid
        Arshad Javed Sajid Zubair Amjad Naveed Rizwan Waheed Shabir Rashid Aamir Adil Arif
        Faisal Irfan Majid Shakeel Sohail Waqar Yasir Zafar Azhar Ishfaq Haroon Pervez Nasir
        Shafiq Mushtaq Tahir Babar Usman Akram""",
    ("M", "young"): """Zain Ibrahim Yusuf Adam Ayaan Hamza Ali Bilal Usman Umar
        Zakariya Ismail Rayyan Haris Hassan Saad Abdullah Musa Ahmed Idris Ilyas Haider Arham
        Daniyal Shayan Ammar Faizan Hashim Waleed Sami Aryan Imran Adnan Zubair Danyal Aayan
        Mustafa Taimur""",
    ("F", "old"): """Nasreen Shazia Parveen Rukhsana Samina Yasmin Nazia Shabana Zahida Tahira
        Farzana Saima Sadia Robina Naseem Fozia Bushra Kausar Razia Shamim Nusrat Rubina Ghazala
        Asma Sumaira Zarina Shaheen Noreen Humaira Ambreen""",
    ("F", "young"): """Aisha Maryam Fatima Zainab Hafsa Khadija Amina Ayesha Zara Inaaya Iqra Hira
        Sana Alisha Aleena Eman Noor Safa Anaya Hajra Mariam Sumaya Ruqayyah Laiba Mahnoor Alishba
        Areeba Hannah Hiba Aliza Anum Kinza Aqsa Nimra Mehwish""",
}
PAKISTANI_SURNAMES = ("Khan:12 Hussain:9 Ali:6.5 Ahmed:5 Mahmood:4 Iqbal:4 Shah:3 Butt:3 Malik:3 "
                      "Rashid:2 Javed:2 Riaz:1.5 Aslam:1.5 Saleem:1.5 Anwar:1.5 Yousaf:1.5 "
                      "Bashir:1.5 Hanif:1.2 Latif:1.2 Sadiq:1.2 Akram:1.2 Nawaz:1.2 Ashraf:1.2 "
                      "Haq:1 Chaudhry:1 Sheikh:1 Raja:1 Mughal:0.8 Qureshi:1 Mirza:0.8 Arshad:1 "
                      "Azam:0.8 Rafiq:1 Shafiq:0.8 Zaman:1 Younis:0.8 Sabir:0.6 Nazir:0.8 "
                      "Siddique:0.8 Khalid:0.8 Saeed:0.8 Tariq:0.8 Abbas:0.8 Mehmood:0.8 Ishaq:0.6 "
                      "Ilyas:0.6 Zafar:0.6 Jamil:0.6 Habib:0.6 Rehman:0.8 Aziz:0.8 Farooq:0.8 "
                      "Mir:0.6 Bhatti:0.6 Dar:0.6 Minhas:0.5 Rana:0.5 Kiani:0.5 Abbasi:0.5 Jan:0.6 "
                      "Din:0.5 Hameed:0.6 Majid:0.5 Sultan:0.5 Karim:0.5 Akhtar:1.5 Hassan:0.8")
PAKISTANI_FEMALE_SURNAMES = "Bibi:4 Begum:3 Akhtar:4 Kausar:2 Parveen:2 Nasreen:1 Khatoon:0.7 Sultana:1"
BANGLADESHI_GIVEN = {
    ("M", "old"): """Shahid Jamal Kamal Faruk Anwar Abul Nurul Shamsul
        Moinul Ruhul Abdur Mizanur Habibur Mahbub Shahab Jalal Rafiq Motin Sirajul Aminul Delwar
        Ashik Forhad Suhel Shahed Sadik""",
    ("M", "young"): """Ibrahim Yusuf Adam Ayaan Rayyan Zakaria Ismail Hamza Imran
        Yahya Musa Abdullah Sami Arif Rahim Tanvir Sayeed Shafi Nabil Rubel Shakil Shahin Sabbir
        Tahmid Nafis Rafi Zayn Mahir""",
    ("F", "old"): """Rahima Hasina Rina Shamima Nazma Salma Ruksana Shirin Jahanara Momtaz Rokeya
        Shahnaz Hosneara Fatema Ayesha Sufia Lutfa Razia Jesmin Nasima Rehana Kulsum Amena""",
    ("F", "young"): """Aisha Fatima Maryam Sumaiya Tasnim Nusrat Sadia Tahmina Jannat Farhana
        Sabrina Shamima Ruma Mim Tania Nadia Sharmin Afsana Rumana Mahira Raisa Zara Ayesha Hafsa
        Inaya Safiya Tahsin""",
}
BANGLADESHI_SURNAMES = ("Ahmed:6 Rahman:10 Islam:8 Uddin:8 Miah:7 Ali:6 Hussain:4 Hossain:4 "
                        "Khan:4 Chowdhury:4 Alam:3 Haque:3 Karim:2 Sheikh:1.5 Ullah:2 Hoque:2 "
                        "Amin:1.5 Aziz:1 Rashid:1 Kabir:1 Mahmud:1 Sarkar:1 Talukder:0.8 "
                        "Mollah:0.6 Begum:2 Bibi:0.5 Siddique:0.8 Hasan:1.5 Akhtar:0.5 Zaman:1 "
                        "Bakth:0.4 Choudhury:1.5")
BANGLADESHI_FEMALE_SURNAMES = "Begum:10 Khatun:3 Bibi:1.5 Akhter:1 Sultana:1.5 Nessa:0.5"
INDIAN_HINDU_GIVEN = {
    ("M", "old"): """Rajesh Amit Sunil Anil Vijay Sanjay Ashok Dinesh Mahesh Nilesh Hitesh Jayesh
        Kishor Ramesh Suresh Pravin Bharat Manoj Naresh Mukesh Deepak Rakesh Pankaj Hemant
        Kamlesh Dilip Mehul Vinod Arun Rajiv""",
    ("M", "young"): """Arjun Rohan Krishna Dev Aarav Vihaan Aryan Ishaan Neil Nikhil Rahul Karan
        Vikram Pranav Jay Raj Ravi Dhruv Kabir Shiv Yash Aditya Anish Sahil Om Reyansh Veer""",
    ("F", "old"): """Sunita Geeta Rekha Hema Bhavna Hetal Kalpana Usha Jyoti Manisha Nita Asha
        Smita Shobha Kiran Meena Nirmala Pushpa Sarita Anita Daksha Rita Harsha Parul Varsha""",
    ("F", "young"): """Priya Anjali Pooja Neha Nisha Meera Riya Diya Anaya Shreya Divya Krisha
        Aanya Isha Kavya Tara Sana Maya Asha Jiya Mira Nikita Roshni Sonia Tanvi""",
}
INDIAN_HINDU_SURNAMES = ("Patel:10 Shah:5 Mistry:3 Parmar:2.5 Solanki:2 Chauhan:2 Sharma:3 "
                         "Kumar:3 Gupta:2 Joshi:2 Mehta:1.5 Desai:1.5 Lad:1 Rana:1 Chavda:1 "
                         "Makwana:1 Gohil:0.8 Vaghela:0.8 Pandya:0.8 Trivedi:0.8 Bhatt:1 Thakkar:0.8 "
                         "Lakhani:0.6 Kotecha:0.6 Rao:1 Reddy:1 Naidu:0.6 Iyer:0.6 Nair:1 Pillai:0.6 "
                         "Menon:0.6 Chopra:1 Kapoor:1 Malhotra:1 Verma:1 Sinha:0.6 Mishra:0.8 "
                         "Pandey:0.8 Yadav:0.6 Das:0.8 Ghosh:0.6 Bose:0.5 Varsani:0.5 Hirani:0.5 "
                         "Dattani:0.4 Raval:0.5 Soni:0.6 Tailor:0.6 Lal:0.6 Chandra:0.5 Amin:0.8")
SIKH_GIVEN = {  # many Sikh names are used for both sexes
    "U": """Harpreet Gurpreet Manpreet Jaspreet Amandeep Ramandeep Navdeep Sukhdeep Kuldeep Jasvir
        Harjit Jasbir Rajinder Sukhwinder Jaswinder Kulwinder Ravinder Parminder Baljit Balwinder
        Paramjit Gurdeep Hardeep Mandeep Inderjit Amrit Navneet Manjit Gurjit Prabhjot Tejinder""",
    "M": "Satnam Karanveer Arjan Gurveer Jasraj Sukhraj Harman Ekam Fateh Ajit Manveer Tejpal Ranjit",
    "F": "Simran Harleen Jasleen Harnoor Jasmeet Gurnoor Navjot Rajveer Manvir Simrat Ishpreet Amreen",
}
SIKH_SURNAMES = ("Gill:5 Sandhu:4 Sidhu:3 Dhillon:3 Bains:2.5 Johal:2 Sahota:2 Virdi:2 Grewal:2 "
                 "Sangha:1.5 Atwal:1.5 Bhogal:1.5 Kang:1.5 Mann:1.5 Randhawa:1.5 Basra:1.2 "
                 "Dhaliwal:1.5 Hayer:1.2 Purewal:1.2 Rai:1 Chahal:1 Sohal:1 Bassi:1 Kalsi:1 "
                 "Matharu:1 Panesar:1 Sehmi:0.8 Heer:0.8 Uppal:0.8 Thind:0.8 Rehal:0.6 Nijjar:0.6 "
                 "Takhar:0.6 Dosanjh:0.6 Khera:0.6 Pannu:0.6 Sanghera:0.6 Bal:0.8 Brar:1 Sekhon:0.8")
OTHER_MUSLIM_GIVEN = {
    "M": """Mohammed Ahmed Ali Omar Hassan Hussein Mustafa Khalid Yousef Ibrahim Abdullah Karim
        Hamza Ahmad Amir Reza Hadi Samir Tariq Walid Ziad Rami Bilal Sherzad Karwan Rebwar Hawre
        Dilshad Aram Zana Mahmoud Saleh Jamal Faris Yasin Idris Nasser Sami Adel Hamid""",
    "F": """Fatima Zahra Maryam Noor Sara Layla Amina Rana Hala Huda Yasmin Shirin Leila Nadia
        Rania Dilan Hana Zeinab Sana Lina Mariam Jana Hiba Aya Reem Dalia Shilan Roza Nasrin Soraya
        Parisa Mina Zainab""",
}
OTHER_MUSLIM_SURNAMES = ("Ahmed:4 Mohammed:5 Ali:5 Hassan:4 Hussein:4 Ibrahim:3 Abdullah:3 "
                         "Mahmoud:2.5 Saleh:2 Karim:2 Rahimi:2 Ahmadi:2.5 Mohammadi:2 Hosseini:1.5 "
                         "Rezaei:1 Amiri:1.5 Jafari:1 Sharif:1.5 Aziz:1.5 Abbas:1.5 Omar:2 "
                         "Othman:1.5 Khalil:1.5 Said:1.5 Nasser:1 Haddad:1 Mansour:1 Yousif:1 "
                         "Hamid:1.5 Qasim:1 Faraj:0.8 Salim:1 Jamal:1 Kareem:0.8 Rashid:1 Azizi:1 "
                         "Hamdan:0.6 Darwish:0.6 Aziz:1 Mustafa:1.5 Amin:1.2 Rasul:0.8 Hama:1 "
                         "Mahmud:0.8 Nouri:0.6 Kadir:0.8 Osman:1")
SOMALI_MALE = """Mohamed Abdi Ahmed Ali Abdirahman Abdullahi Hassan Hussein Ibrahim Omar Yusuf
    Mustafa Khalid Bashir Liban Mahad Abdikarim Zakariye Mohamud Osman Farah Jama Warsame Aden
    Said Nur Ismail Yasin Dahir Hersi Duale Elmi Gedi Guled Jibril Musse Roble Samatar Abdiaziz
    Abdiwali Hamza Faisal Sharmarke Abdulkadir"""
SOMALI_FEMALE = """Fadumo Hodan Amina Sahra Ayan Hawa Khadra Maryan Asha Deqa Ifrah Nimco Sagal
    Ubah Hibaaq Layla Hamdi Muna Idil Ikran Sumaya Najma Zamzam Safiya Filsan Ruqiya Anisa Hani
    Nasra Saado Shukri Sucdi Yasmin Fartun Halima"""
WEST_AFRICAN_GIVEN = {
    "M": """David Daniel Samuel Emmanuel Joshua Michael Victor Joseph Tobi Tolu Ayo Chidi Chinedu
        Emeka Obinna Kelechi Ifeanyi Oluwaseun Oluwatobi Oluwadamilare Olumide Babatunde Adebayo
        Oluwafemi Chukwuemeka Kwame Kofi Kwaku Yaw Kwabena Kojo Kwesi Nana Ebenezer Godwin Femi
        Tunde Segun Kayode Uche Nnamdi Ikenna Chisom Somto Daniel Israel Elijah Jeremiah Caleb""",
    "F": """Favour Precious Blessing Grace Esther Deborah Faith Joy Peace Praise Divine Temitope
        Funmilayo Adaeze Chiamaka Chioma Ngozi Nneka Ifeoma Oluwakemi Oluwaseyi Folake Bukola Titi
        Yetunde Akosua Ama Abena Adwoa Efua Afia Akua Adjoa Gifty Mercy Comfort Patience Rebecca
        Esther Hannah Mary Ruth Abigail Miracle Success""",
}
WEST_AFRICAN_SURNAMES = ("Mensah:6 Owusu:4 Boateng:4 Asante:3 Osei:3 Agyeman:2 Appiah:2 Ansah:2 "
                         "Amoah:2 Acheampong:2 Addo:1.5 Annan:1 Quaye:1 Darko:1.5 Danso:1.5 "
                         "Frimpong:1.5 Opoku:2 Sarpong:1.5 Yeboah:2 Gyamfi:1 Ofori:1.5 Kyei:1 "
                         "Bonsu:1 Antwi:1.5 Amponsah:1.5 Asamoah:1.5 Badu:1 Tetteh:1.5 Adjei:1.5 "
                         "Boakye:1.5 Okafor:3 Okonkwo:2.5 Okoro:2 Nwosu:2 Eze:2.5 Obi:2 "
                         "Nwachukwu:1.5 Onyeka:1 Okeke:2 Uche:1 Adeyemi:3 Adebayo:3 Olawale:2 "
                         "Oladele:1.5 Ogunleye:1.5 Adeleke:1.5 Bello:2 Ibrahim:1.5 Ajayi:2.5 "
                         "Afolabi:1.5 Babatunde:1.5 Oyelaran:0.5 Akinola:1.5 Balogun:1.5 "
                         "Coker:1 Oni:1 Ojo:1.5 Olaniyan:1 Abiodun:1 Adewale:1.5 Adeniyi:1.5")
YORUBA_PREFIXES = ["Ade", "Ola", "Olu", "Oluwa", "Ayo", "Ogun", "Oye", "Aki", "Fola", "Bola",
                   "Kola", "Ige", "Ifa", "Ala", "Owo", "Olo", "Ako", "Afo"]
YORUBA_SUFFIXES = ["yemi", "wale", "bayo", "tunde", "kunle", "sola", "dele", "wumi", "seun", "femi",
                   "toyin", "mide", "banjo", "lade", "niyi", "rinde", "goke", "jide", "kanmi",
                   "tola", "leye", "bisi", "doyin", "labi", "wole", "sanya", "runmi"]
IGBO_PARTS = (["Chukwu", "Nwa", "Oko", "Onye", "Obi", "Eze", "Ndu", "Ike", "Uzo", "Ibe", "Ani",
               "Ugo"],
              ["emeka", "ma", "di", "nna", "kwe", "nkwo", "ro", "ye", "li", "agu", "buike", "ogu",
               "chi", "eze", "oma", "fo", "nso", "ike"])
CARIBBEAN_GIVEN = {
    ("M", "old"): """Winston Clive Delroy Errol Lloyd Leroy Desmond Everton Junior Wesley Lenford
        Carlton Neville Rudolph Hopeton Dalton Linford Cecil Vincent Trevor""",
    ("M", "young"): """Tyrone Jermaine Marcus Kemar Tyrese Jayden Kai Andre Dwayne Jamal Reuben
        Isaiah Elijah Malachi Jordan Nathaniel Kyle Tyreke Leon Dante Jahmal Kadeem Jerome Shaquille
        Kareem Tristan Ashton Javon""",
    ("F", "old"): """Marcia Beverley Janice Yvonne Claudette Sonia Paulette Maxine Donna Hyacinth
        Joy Pauline Merline Gloria Sharon Jacqueline Audrey Valerie Carol Norma""",
    ("F", "young"): """Shanice Chantelle Keisha Tia Jade Aaliyah Kayla Nia Jada Amani Shakira
        Tiana Renee Imani Ebony Tanisha Chanel Kiara Janelle Tamara Leah Simone Naomi Latoya
        Monique Sade Alisha Destiny""",
}
CARIBBEAN_SURNAMES = ("Campbell:4 Brown:5 Williams:5 Thomas:3 Francis:3 Clarke:3 Grant:3 "
                      "Johnson:3 Henry:3 Robinson:3 Bailey:2.5 Lewis:2.5 Reid:2.5 Gordon:2 "
                      "Morgan:2 Samuels:1.5 Richards:2 Wright:2 Allen:2 Walker:2 James:2 Harris:2 "
                      "Edwards:2 Simpson:1.5 Stewart:1.5 Forbes:1.5 McKenzie:1.5 Spence:1 Facey:0.6 "
                      "Dacres:0.4 Bryan:1 Powell:1.5 Wilson:2 Anderson:1.5 Smith:3 Jones:1.5 "
                      "Taylor:2 Thompson:2 Green:1.5 Hall:1.5 Graham:1.5 Miller:1.5 Davis:1.5 "
                      "Scott:1.5 Phillips:1.2 Barrett:1.2 Blake:1.2 Mullings:0.5 Bennett:1.2 "
                      "Duncan:0.8 Ellis:1 Gayle:1 Hinds:0.8 Joseph:1.5 Lindo:0.6 Morrison:1 "
                      "Nelson:1 Palmer:1 Rose:1 Sinclair:0.8 Watson:1 Hylton:0.6 Bogle:0.4")
POLISH_GIVEN = {
    "M": """Piotr Krzysztof Tomasz Paweł Michał Marcin Kamil Jakub Łukasz Adam Mateusz Dawid Bartosz
        Szymon Filip Wojciech Grzegorz Marek Rafał Damian Maciej Sebastian Patryk Daniel Przemysław
        Artur Dariusz Janusz Andrzej Robert Oskar Kacper Antoni Nikodem Igor Wiktor Aleksander""",
    "F": """Anna Katarzyna Magdalena Agnieszka Joanna Monika Małgorzata Aleksandra Natalia Karolina
        Zuzanna Julia Maja Ewa Paulina Justyna Weronika Martyna Marta Dorota Beata Sylwia Iwona
        Kinga Wiktoria Oliwia Lena Hanna Amelia Zofia Emilia Izabela Dominika Patrycja Kamila""",
}
# (male form, female form); adjectival -ski/-cki/-dzki surnames inflect, the rest do not.
POLISH_SURNAMES = ("Nowak:8 Kowalski:6 Wiśniewski:4 Wójcik:4 Kowalczyk:4 Kamiński:3.5 "
                   "Lewandowski:3.5 Zieliński:3 Szymański:3 Woźniak:3 Dąbrowski:3 Kozłowski:2.5 "
                   "Jankowski:2 Mazur:2 Kwiatkowski:2 Krawczyk:2 Piotrowski:2 Grabowski:2 "
                   "Nowakowski:1.5 Pawłowski:1.5 Michalski:1.5 Nowicki:1.5 Adamczyk:1.5 Dudek:1.5 "
                   "Zając:1.5 Wieczorek:1.5 Jabłoński:1.5 Król:1.5 Majewski:1.5 Olszewski:1.5 "
                   "Jaworski:1.2 Malinowski:1.2 Stępień:1.2 Górski:1.2 Rutkowski:1.2 Sikora:1.2 "
                   "Walczak:1.2 Baran:1.2 Laskowski:1 Ostrowski:1 Wróblewski:1 Marciniak:1 "
                   "Kubiak:1 Kalinowski:1 Wilk:1 Lis:1 Mazurek:1 Kaczmarek:1.5 Sobczak:1 "
                   "Czarnecki:1 Sadowski:1 Zawadzki:1 Chmielewski:1 Borkowski:1 Sokołowski:1 "
                   "Szczepański:1 Kaczmarczyk:0.8 Pietrzak:1 Kołodziej:0.8 Głowacki:0.8")
POLISH_STEMS = """Bor Brz Chor Cies Dłu Gaw Gol Jas Kacz Kal Kęd Kon Kos Kr Kur Lip Mal Mar Mich
    Mił Nad Ol Orz Pas Pol Rad Ryb Sad Siem Sob Stan Świer Tar Wal Wit Wol Zab Zal Żuk Bart Czaj
    Dom Fil Grz Herm Jak Klim Lach Lesz Mot Now Pięt Rog Szew Tom Urb Wys Zięb"""
POLISH_STEM_ENDINGS = [("owski", "owska"), ("ewski", "ewska"), ("iński", "ińska"), ("czyk", "czyk"),
                       ("ak", "ak"), ("iak", "iak"), ("ek", "ek"), ("ecki", "ecka")]
ROMANIAN_GIVEN = {
    "M": """Andrei Alexandru Ionuț Florin Mihai Gabriel Adrian Marius Ștefan Cristian Daniel
        Constantin Ion Vasile Gheorghe Nicolae Bogdan Răzvan Cătălin Cosmin Sorin Valentin Dragoș
        Ciprian Darius David Luca Matei Eduard Robert""",
    "F": """Maria Elena Ioana Andreea Alina Mihaela Ana Gabriela Cristina Florentina Daniela
        Nicoleta Ionela Roxana Alexandra Bianca Denisa Larisa Raluca Diana Mădălina Georgiana Sara
        Antonia Ariana Daria Cristiana Loredana""",
}
ROMANIAN_SURNAMES = ("Popescu:4 Ionescu:2.5 Popa:3 Pop:3 Radu:2 Dumitru:2 Stan:2 Stoica:1.5 "
                     "Gheorghe:1.5 Matei:1.5 Ciobanu:1.5 Rusu:1.5 Munteanu:1.5 Constantin:1.5 "
                     "Șerban:1 Moldovan:1.5 Lungu:1 Marin:1.5 Tudor:1 Florea:1 Nistor:1 Dinu:1 "
                     "Cristea:1 Dobre:1 Barbu:1 Niță:1 Oprea:1 Sandu:1 Toma:1 Ene:1 Mihai:1 Ilie:1 "
                     "Lazăr:1 Vasile:1 Bălan:1 Ursu:1 Preda:1 Neagu:1 Zamfir:0.8 Anghel:0.8 "
                     "Suciu:0.8 Voicu:0.8 Moraru:1 Sârbu:0.8 Lupu:0.8 Gavrilă:0.6 Iordache:0.8")
ROMANIAN_STEMS = "Vlad Pet Dragom Stoian Mar Nicol Tud Grig Costin Mih Ion Radul Bucur Manol Dobr Iord"
ROMANIAN_ENDINGS = ["escu", "eanu", "aru", "ache", "oiu", "ică"]
CHINESE_GIVEN = {
    "M": """Wei Jun Lei Hao Jie Ming Yang Bo Tao Peng Hui Jian Xin Yu Zhiwei Haoran Yiming Zihan
        Yuxuan Junjie Chun Kin Ka Wing Chi Man Kwok Hon Siu""",
    "F": """Jing Min Yan Ying Fang Ling Mei Li Na Xiaoyu Jiayi Yutong Xin Hui Qian Ting Lan Yue
        Xiaoling Wing Mei-Ling Siu Ka Yee Man Suet""",
}
CHINESE_SURNAMES = ("Wang:6 Li:6 Zhang:5 Liu:4 Chen:5 Yang:3 Huang:3 Zhao:2 Wu:3 Zhou:2 Xu:2 "
                    "Sun:1.5 Ma:1.5 Zhu:1.5 Hu:1.5 Guo:1.5 He:1.5 Lin:2 Luo:1 Gao:1 Wong:5 Chan:5 "
                    "Cheung:3 Lam:3 Ng:3 Lee:3 Leung:2.5 Lau:2.5 Ho:2 Tang:2 Yip:1.5 Chow:1.5 "
                    "Tsang:1.5 Fung:1 Kwok:1 Yeung:1.5 Choi:1 Tam:1 Man:0.8 Poon:0.8 Lo:1 Mak:0.8")

# Short forms. The key is the formal name; the values are what records use instead.
NICKNAMES = """
Elizabeth: Liz Lizzie Beth Betty Eliza Libby | Katherine: Kate Katie Kath Kathy Kat
Catherine: Cath Cathy Kate Katie | Kathryn: Kate Kath | Margaret: Maggie Meg Peggy Marge
Rebecca: Becky Becca Bex | Jennifer: Jen Jenny | Jessica: Jess Jessie | Samantha: Sam Sammy
Charlotte: Charlie Lottie | Victoria: Vicky Vikki Tori | Alexandra: Alex Lexi | Abigail: Abbie Abi Abby
Nicola: Nicky Nic | Natalie: Nat | Natasha: Tash Tasha | Amelia: Millie Amy | Emily: Em Emmy
Olivia: Liv Livvy | Isabella: Izzy Bella | Isabelle: Izzy Bella | Eleanor: Ellie Nell Elle
Florence: Flo Florrie | Deborah: Debbie Debs Deb | Patricia: Pat Tricia Trish | Susan: Sue Suzy
Christine: Chris Tina | Jacqueline: Jackie Jacqui | Stephanie: Steph | Danielle: Dani
Bethany: Beth | Georgia: Georgie | Kimberley: Kim | Gillian: Gill Jill | Josephine: Jo Josie
Joanne: Jo Jo-Anne | Louise: Lou | Sophia: Sophie | Matilda: Tilly Tilda | Evelyn: Evie
Gabriella: Gabby Ella | Lauren: Laurie | Caroline: Caz Carol | Jacqueline: Jackie
Amanda: Mandy | Pamela: Pam | Beverley: Bev | Valerie: Val | Dorothy: Dot Dolly
Frances: Fran Frankie | Penelope: Penny | Harriet: Hattie | Madeleine: Maddie
William: Will Bill Billy Liam | Robert: Rob Bob Bobby Robbie | Richard: Rich Rick Richie
James: Jim Jimmy Jamie | Michael: Mike Mick Mickey Micky | Christopher: Chris Kit
Matthew: Matt | Daniel: Dan Danny | Thomas: Tom Tommy | Joseph: Joe Joey | Joshua: Josh
Benjamin: Ben Benny | Samuel: Sam Sammy | Alexander: Alex Xander | Nicholas: Nick Nicky
Anthony: Tony Ant | Andrew: Andy Drew | Stephen: Steve Stevie | Steven: Steve Stevie
David: Dave Davey | Jonathan: Jon Jonny | Edward: Ed Eddie Ted | Frederick: Fred Freddie
Alfred: Alfie Alf | Charles: Charlie Chas | Kenneth: Ken Kenny | Timothy: Tim Timmy
Peter: Pete | Philip: Phil | Gareth: Gaz | Gary: Gaz | Lawrence: Laurie Larry | Patrick: Pat Paddy
Callum: Cal | Cameron: Cam | Nathan: Nate | Zachary: Zach Zak | Sebastian: Seb | Theodore: Theo
Ronald: Ron Ronnie | Terence: Terry Tel | Gerald: Gerry | Leonard: Len Lenny | Raymond: Ray
Donald: Don | Douglas: Doug | Gregory: Greg | Jacob: Jake | Harrison: Harry | Henry: Harry
Archibald: Archie | Oliver: Ollie Olly | Frankie: Frank | Maximilian: Max | Bradley: Brad
Mohammed: Mo Mohd | Muhammad: Mo Muhammed | Mohammad: Mo | Mohamed: Mo Moe | Abdullah: Abdul
Ibrahim: Ibby Ibi | Mustafa: Musti | Abdirahman: Abdi | Abdullahi: Abdi | Abdikarim: Abdi
Katarzyna: Kasia Kasha | Małgorzata: Gosia Małgosia | Aleksandra: Ola Ala | Agnieszka: Aga
Magdalena: Magda | Joanna: Asia | Krzysztof: Krzyś Krzysiek | Wojciech: Wojtek | Jakub: Kuba
Grzegorz: Grzesiek | Bartosz: Bartek | Mateusz: Mati | Przemysław: Przemek | Tomasz: Tomek
Oluwaseun: Seun | Oluwatobi: Tobi | Oluwadamilare: Dami | Temitope: Tope Temi | Olumide: Mide
Chukwuemeka: Emeka | Adebayo: Bayo | Babatunde: Tunde | Oluwafemi: Femi | Funmilayo: Funmi
Oluwakemi: Kemi | Chiamaka: Amaka | Oluwaseyi: Seyi | Padraig: Paddy | Dafydd: Dai | Gruffydd: Griff
Alexandru: Alex | Gheorghe: George | Constantin: Costel | Florentina: Flori | Mihaela: Miha
"""
# The same person's name in an English form (Polish, Romanian, Welsh, Irish, West African).
ANGLICISED = """
Paweł: Paul | Piotr: Peter | Michał: Michael Mike | Tomasz: Tom Thomas | Łukasz: Luke Lukas
Jakub: Jacob Jake | Grzegorz: Greg | Mateusz: Matthew Matt | Szymon: Simon | Dawid: David
Marcin: Martin | Krzysztof: Chris Christopher | Wojciech: Wojtek | Katarzyna: Kate Katherine
Małgorzata: Margaret Gosia | Agnieszka: Agnes | Joanna: Joanne | Weronika: Veronica | Ewa: Eva
Natalia: Natalie | Zuzanna: Susanna | Aleksandra: Alex Alexandra | Andrzej: Andrew | Janusz: John
Ionuț: John | Ion: John | Ștefan: Stephen | Gheorghe: George | Alexandru: Alexander | Mihai: Michael
Dafydd: David | Ioan: John | Padraig: Patrick | Seamus: James | Sean: Shaun | Siobhan: Joan
Emmanuel: Emma | Oluwaseun: Shaun | Kwabena: Ben | Kwame: Kevin | Jing: Jane | Wei: William
"""
# Interchangeable spellings (each group: every member may be recorded for any other).
SPELLING_VARIANTS = """
Mohammed Muhammad Mohammad Mohamed Muhammed Mohamad Mohammod | Ahmed Ahmad Ahmet | Hussain Hussein Husain Hossain
Mahmood Mahmud Mehmood Mahmoud | Rahman Rehman | Chaudhry Chaudhary Choudhury Chowdhury
Uddin Udin Uddeen | Miah Mia Meah | Yusuf Yousef Yousaf Yusef Yousuf | Aisha Ayesha Aishah Ayisha
Fatima Fatema Fatimah | Zainab Zaynab Zeinab | Maryam Mariam Maryum | Khadija Khadijah Khadeeja
Usman Osman Uthman | Ibrahim Ebrahim | Ismail Ismael | Hassan Hasan | Haque Hoque Haq
Islam Islaam | Iqbal Ikbal | Abdul Abdool | Rashid Rasheed | Saleem Salim | Zakariya Zakaria Zakariye
Rayyan Rayan | Ayaan Ayan | Hamza Hamzah | Omar Umar | Adam Aadam | Ali Aly
Steven Stephen | Philip Phillip | Matthew Mathew | Catherine Katherine Kathryn Katharine
Clare Claire | Sarah Sara | Rebecca Rebekah | Zoe Zoë | Leanne Lianne | Hayley Haley Hailey
Isabelle Isobel Isabel | Freddie Freddy | Aaron Aron | Ashley Ashleigh | Kieran Kieron Ciaran
Connor Conor | Reece Rhys Reese | Lewis Louis | Carl Karl | Mark Marc | Alan Allan Allen
Neil Neal | Geoffrey Jeffrey | Graham Graeme | Shaun Sean Shawn | Jayden Jaden Jaiden Jaydon
Aiden Aidan Ayden | Lee Leigh | Tracey Tracy | Lindsay Lindsey | Kirsty Kirstie | Sian Siân
Niamh Neve | Caitlin Katelyn Kaitlyn | Megan Meghan | Abbie Abby Abi | Lily Lilly Lillie
Layla Leila Laila | Aaliyah Aliyah | Chloe Chloë | Millie Milly | Evie Evey | Jon John
Thompson Thomson | Clarke Clark | Davies Davis | Phillips Philips | Matthews Mathews
Stephens Stevens | Reid Read Reed | Gray Grey | Brown Browne | Smith Smyth | Hewitt Hewett
Dixon Dickson | Johnston Johnstone | Macdonald McDonald MacDonald | McKenzie Mackenzie MacKenzie
MacLeod McLeod | McLean Maclean | Mohamed Mohamud | Abdi Abdy | Fadumo Faadumo Fadma
Maryan Maryam | Hodan Hoodan | Nur Noor | Mensah Mensa | Owusu Owusuh | Okafor Okafo
Begum Begam | Khatun Khatoon | Akhtar Akhter | Bibi Bibee | Kausar Kauser | Siddique Siddiqui
Sharma Sarma | Choudhury Chowdhury | Lynn Lyn | Jade Jayde | Aimee Amy | Ellie Elly
"""

# Areas: profile -> how many areas, size range, cluster affinity multipliers.
AREA_PROFILES = {
    "shire":          (12, (0.6, 1.4), {}),
    "coastal":        (4, (0.5, 1.0), {}),
    "northern_mill":  (4, (0.8, 1.5), {"pakistani": 7, "bangladeshi": 3, "irish": 1.3, "other_muslim": 1.5}),
    "northern_city":  (4, (1.5, 2.5), {"pakistani": 3, "irish": 1.8, "caribbean": 1.5, "west_african": 1.5,
                                        "polish": 1.5, "other_muslim": 3, "somali": 3, "chinese": 2,
                                        "scottish": 1.3, "romanian": 1.5}),
    "midlands_city":  (3, (1.5, 2.5), {"sikh": 7, "indian_hindu": 4, "pakistani": 3.5, "caribbean": 4,
                                        "polish": 1.8, "bangladeshi": 1.5, "somali": 2, "romanian": 1.5}),
    "london_inner":   (4, (1.2, 2.0), {"west_african": 7, "caribbean": 6, "bangladeshi": 8, "somali": 6,
                                        "polish": 2, "chinese": 3, "other_muslim": 3.5, "irish": 1.5,
                                        "romanian": 2.5, "indian_hindu": 1.5}),
    "london_outer":   (4, (1.2, 2.0), {"indian_hindu": 7, "sikh": 5, "pakistani": 2, "romanian": 4,
                                        "polish": 3, "west_african": 3, "somali": 2, "other_muslim": 2,
                                        "chinese": 1.5, "caribbean": 2, "irish": 1.3}),
    "mersey":         (2, (1.0, 1.8), {"irish": 6, "scottish": 2, "chinese": 2, "somali": 1.5}),
    "fenland":        (3, (0.6, 1.1), {"polish": 7, "romanian": 7}),
    "border_north":   (2, (0.5, 1.0), {"scottish": 6, "irish": 1.5}),
    "welsh_valleys":  (3, (0.5, 1.0), {"welsh": 40}),
    "welsh_coast":    (3, (0.6, 1.2), {"welsh": 25, "irish": 1.3}),
}
WELSH_AREA_ENGLISH_AFFINITY = 0.45   # English-cluster people are rarer in Welsh areas
WELSH_OUTSIDE_WALES = 0.06           # Welsh-cluster people outside Wales (relative)
AREA_CODES = ("QA QB QD QE QF QG QH QJ QK QL QM QN QP QR QS QT QU QW QY ZA ZB ZC ZD ZF ZG ZH ZJ "
              "ZK ZL ZM ZN ZP ZQ ZR ZS ZT ZU ZW ZX ZY QC QV QX QZ ZV ZZ QI QO ZI").split()
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # real inward codes never use C I K M O V
TOWN_PREFIXES = ("Quen Stav Uff Verl Yarl Thack Ridd Wend Gals Hask Kels Lidd Marr Orms Brem "
                 "Dunst Elver Fern Ingle Carl Wex Ulver Sarn Brack Frod Gorl Harl Imb Jarr Kib "
                 "Lust Mord Nenth Ost Pell Rast Sket Tarn Wint Yell").split()
TOWN_SUFFIXES = ("bury by ford ham ley stow thorpe wick ton field borough caster mouth stead well "
                 "combe den hurst bridge dale").split()
TOWN_QUALIFIERS = ["Upper", "Lower", "North", "South", "Great", "Little", "East", "West"]
WELSH_TOWN_PREFIXES = ["Llan", "Cwm", "Aber", "Pont", "Tre", "Bryn", "Pen", "Glyn", "Maes", "Rhyd"]
WELSH_TOWN_SUFFIXES = ["fedw", "brith", "yddu", "gwyr", "tawel", "garw", "ceinwen", "hafod",
                       "onnen", "rhosyn", "y-cwm", "dulas", "eithin", "gwyn", "maen", "nant"]

KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc", "g": "fthv",
    "h": "gyjb", "j": "hukn", "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv",
    "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
                            "æ": "ae", "Æ": "AE", "œ": "oe"})

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


class Pick:
    """Weighted choice by bisection over cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        assert len(items) == len(weights) and items
        self.items = list(items)
        self.cum, acc = [], 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)
        self.total = acc

    def __call__(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def words(text):
    return text.split()


def weighted(spec):
    """'Name:weight Name:weight' -> (names, weights), duplicates summed."""
    out = {}
    for token in spec.split():
        name, w = token.rsplit(":", 1)
        out[name] = out.get(name, 0.0) + float(w)
    return list(out), list(out.values())


def zipf_weights(n, offset, exponent):
    return [1.0 / (r + offset) ** exponent for r in range(1, n + 1)]


def ranked(names, offset=6.0, exponent=0.75):
    names = list(dict.fromkeys(names))
    return names, zipf_weights(len(names), offset, exponent)


def merge(*parts):
    """Merge (names, weights, mass) parts: each part's weights are scaled to its mass."""
    out = {}
    for names, weights, mass in parts:
        total = sum(weights)
        for n, w in zip(names, weights):
            out[n] = out.get(n, 0.0) + mass * w / total
    return Pick(list(out), list(out.values()))


def parse_map(text):
    out = {}
    for entry in text.replace("\n", " ").split("|"):
        if ":" not in entry:
            continue
        key, vals = entry.split(":", 1)
        out[key.strip()] = vals.split()
    return out


def parse_groups(text):
    out = {}
    for entry in text.replace("\n", " ").split("|"):
        group = entry.split()
        for name in group:
            out.setdefault(name, [g for g in group if g != name])
    return out


_fold_cache: dict = {}


def fold(s):
    """Lower case, no accents, letters only (spaces between words)."""
    r = _fold_cache.get(s)
    if r is None:
        t = unicodedata.normalize("NFKD", s.translate(FOLD_EXTRA))
        t = "".join(c for c in t if not unicodedata.combining(c)).lower()
        r = " ".join("".join(c if c.isalnum() else " " for c in t).split())
        if len(_fold_cache) < 2_000_000:
            _fold_cache[s] = r
    return r


_ascii_cache: dict = {}


def strip_accents(s):
    r = _ascii_cache.get(s)
    if r is None:
        t = unicodedata.normalize("NFKD", s.translate(FOLD_EXTRA))
        r = "".join(c for c in t if not unicodedata.combining(c))
        _ascii_cache[s] = r
    return r


def typo(s, rng):
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))  # first letters are rarely wrong
    op = rng.random()
    c = s[i]
    if op < 0.35:  # substitute a keyboard neighbour
        near = KEYBOARD.get(c.lower())
        if not near:
            return s
        n = rng.choice(near)
        return s[:i] + (n.upper() if c.isupper() else n) + s[i + 1:]
    if op < 0.6:  # delete
        return s[:i] + s[i + 1:]
    if op < 0.8:  # insert (double a letter or a neighbour)
        n = c if rng.random() < 0.6 else rng.choice(KEYBOARD.get(c.lower(), c))
        return s[:i] + n + s[i:]
    if i + 1 < len(s):  # transpose
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i - 1] + s[i] + s[i - 1]


def triangular_int(rng, lo, hi, mode):
    return min(hi, int(rng.triangular(lo, hi + 1, mode)))


# ---------------------------------------------------------------------------------------------
# Vocabulary (built once from VOCAB_SEED)
# ---------------------------------------------------------------------------------------------


class Vocab:
    def __init__(self):
        vr = random.Random(VOCAB_SEED)
        self.nick = parse_map(NICKNAMES)
        self.anglo = parse_map(ANGLICISED)
        self.variants = parse_groups(SPELLING_VARIANTS)
        self._build_surnames(vr)
        self._build_given(vr)
        self._build_areas(vr)

    # --- surnames -----------------------------------------------------------------------------
    def _build_surnames(self, vr):
        top = list(dict.fromkeys(words(ENGLISH_SURNAMES)))
        seen = set(top)
        tail = []
        stems = words(PATRONYMIC_STEMS)
        for s in stems:
            for e in PATRONYMIC_ENDINGS:
                tail.append(s + e)
        pre, suf = words(SURNAME_PREFIXES), list(dict.fromkeys(words(SURNAME_SUFFIXES)))
        two = [p + s for p in pre for s in suf]
        vr.shuffle(two)
        tail.extend(two)
        three = sorted({p + m + x for p in pre for m in SURNAME_MIDDLES for x in suf})
        vr.shuffle(three)
        tail.extend(three)
        tail = [t for t in dict.fromkeys(tail) if t not in seen and not AWKWARD.search(t.lower())]
        mid, rest = tail[:1500], tail[1500:]
        vr.shuffle(mid)  # the commoner composed names are patronymics and two-part names
        english = top + mid + rest
        english = english[:ENGLISH_SURNAME_COUNT]
        offset, exponent, bend, tail_exponent = ENGLISH_SURNAME_ZIPF
        ew = zipf_weights(len(english), offset, exponent)
        for r in range(bend, len(ew)):  # the far tail falls faster
            ew[r] = ew[bend - 1] * (bend / (r + 1)) ** tail_exponent
        top_w = [float(x) for x in ENGLISH_TOP20_PERCENT.split()]
        scale = sum(ew[:len(top_w)]) / sum(top_w)
        ew[:len(top_w)] = [w * scale for w in top_w]
        self.english_weights = ew
        self.english_surname = Pick(english, ew)
        self.english_surname_count = len(english)

        self.surnames = {"english": self.english_surname}
        self.surnames["welsh"] = merge((*weighted(WELSH_SURNAMES), 0.42),
                                       (english, self.english_weights, 0.58))
        self.surnames["irish"] = merge((*weighted(IRISH_SURNAMES), 0.80),
                                       (english, self.english_weights, 0.20))
        self.surnames["scottish"] = merge((*weighted(SCOTTISH_SURNAMES), 0.75),
                                          (english, self.english_weights, 0.25))
        self.surnames["caribbean"] = merge((*weighted(CARIBBEAN_SURNAMES), 0.80),
                                           (english, self.english_weights, 0.20))
        self.surnames["pakistani"] = Pick(*weighted(PAKISTANI_SURNAMES))
        self.surnames["bangladeshi"] = Pick(*weighted(BANGLADESHI_SURNAMES))
        self.female_surnames = {"pakistani": Pick(*weighted(PAKISTANI_FEMALE_SURNAMES)),
                                "bangladeshi": Pick(*weighted(BANGLADESHI_FEMALE_SURNAMES))}
        self.surnames["indian_hindu"] = Pick(*weighted(INDIAN_HINDU_SURNAMES))
        self.surnames["sikh"] = Pick(*weighted(SIKH_SURNAMES))
        self.surnames["other_muslim"] = Pick(*weighted(OTHER_MUSLIM_SURNAMES))
        # Somali: the father's given name is the family name.
        sm = list(dict.fromkeys(words(SOMALI_MALE)))
        self.surnames["somali"] = Pick(sm, zipf_weights(len(sm), 2.0, 1.0))
        # West African: list + composed Yoruba and Igbo names.
        wa_n, wa_w = weighted(WEST_AFRICAN_SURNAMES)
        comp = sorted({p + s for p in YORUBA_PREFIXES for s in YORUBA_SUFFIXES}
                      | {p + s for p in IGBO_PARTS[0] for s in IGBO_PARTS[1]})
        comp = [c for c in comp if c not in wa_n]
        vr.shuffle(comp)
        self.surnames["west_african"] = merge((wa_n, wa_w, 0.65),
                                              (comp, zipf_weights(len(comp), 20.0, 0.7), 0.35))
        # Polish: (male, female) pairs.
        pl_n, pl_w = weighted(POLISH_SURNAMES)
        pairs = [polish_pair(n) for n in pl_n]
        comp = sorted({(s.lower().capitalize() + m, s.lower().capitalize() + f)
                       for s in words(POLISH_STEMS) for m, f in POLISH_STEM_ENDINGS})
        vr.shuffle(comp)
        self.surnames["polish"] = merge((pairs, pl_w, 0.7),
                                        (comp, zipf_weights(len(comp), 20.0, 0.6), 0.3))
        ro_n, ro_w = weighted(ROMANIAN_SURNAMES)
        comp = sorted({s + e for s in words(ROMANIAN_STEMS) for e in ROMANIAN_ENDINGS} - set(ro_n))
        vr.shuffle(comp)
        self.surnames["romanian"] = merge((ro_n, ro_w, 0.75),
                                          (comp, zipf_weights(len(comp), 10.0, 0.6), 0.25))
        self.surnames["chinese"] = Pick(*weighted(CHINESE_SURNAMES))

    # --- given names --------------------------------------------------------------------------
    def _build_given(self, vr):
        self.given = {}
        top_mass = {1950: 0.70, 1960: 0.66, 1970: 0.62, 1980: 0.58, 1990: 0.54, 2000: 0.52,
                    2010: 0.50}
        for sex in "MF":
            pool = list(dict.fromkeys(words(ENGLISH_GIVEN_POOL[sex])))
            pre, suf = MODERN_GIVEN_PARTS[sex]
            modern = sorted({p + s for p in pre for s in suf})
            vr.shuffle(modern)
            for cohort, mass in top_mass.items():
                topn = list(dict.fromkeys(words(ENGLISH_GIVEN[(sex, cohort)])))
                # neighbouring cohorts' names are still given, less often
                nb = []
                for c2 in (cohort - 10, cohort + 10):
                    if (sex, c2) in ENGLISH_GIVEN:
                        nb += [n for n in words(ENGLISH_GIVEN[(sex, c2)]) if n not in topn]
                nb = list(dict.fromkeys(nb))
                rest = [n for n in pool if n not in topn and n not in nb]
                parts = [(*ranked(topn), mass), (nb, [1.0] * len(nb), 0.18 if nb else 0.0),
                         (rest, zipf_weights(len(rest), 30, 0.5), 1 - mass - 0.18)]
                if cohort >= 1990:
                    parts[2] = (rest, zipf_weights(len(rest), 30, 0.5), 1 - mass - 0.18 - 0.06)
                    parts.append((modern, zipf_weights(len(modern), 10, 0.8), 0.06))
                self.given[("english", sex, cohort)] = merge(*[p for p in parts if p[2] > 0])

        def cluster_given(cluster, spec_by_sex, own_offset=4.0, own_exp=0.8):
            for sex in "MF":
                own = words(spec_by_sex[sex])
                for cohort in top_mass:
                    self.given[(cluster, sex, cohort)] = (
                        Pick(*ranked(own, own_offset, own_exp)))

        def cluster_given_oy(cluster, spec, exp=0.8):
            for sex in "MF":
                for cohort in top_mass:
                    key = (sex, "old" if cohort < 1990 else "young")
                    self.given[(cluster, sex, cohort)] = Pick(*ranked(words(spec[key]), 3.0, exp))

        cluster_given("welsh", WELSH_GIVEN)
        cluster_given("irish", IRISH_GIVEN)
        cluster_given("scottish", SCOTTISH_GIVEN)
        cluster_given_oy("pakistani", PAKISTANI_GIVEN)
        cluster_given_oy("bangladeshi", BANGLADESHI_GIVEN)
        cluster_given_oy("indian_hindu", INDIAN_HINDU_GIVEN)
        cluster_given_oy("caribbean", CARIBBEAN_GIVEN)
        cluster_given("other_muslim", OTHER_MUSLIM_GIVEN, 3.0, 0.9)
        cluster_given("somali", {"M": SOMALI_MALE, "F": SOMALI_FEMALE}, 2.0, 0.9)
        cluster_given("west_african", WEST_AFRICAN_GIVEN, 6.0, 0.6)
        cluster_given("polish", POLISH_GIVEN, 4.0, 0.7)
        cluster_given("romanian", ROMANIAN_GIVEN, 4.0, 0.7)
        cluster_given("chinese", CHINESE_GIVEN, 6.0, 0.5)
        sikh = {sex: words(SIKH_GIVEN["U"]) + words(SIKH_GIVEN[sex]) for sex in "MF"}
        for sex in "MF":
            names, w = ranked(sikh[sex], 6.0, 0.6)
            for cohort in top_mass:
                self.given[("sikh", sex, cohort)] = Pick(names, w)
        assert set(MUHAMMAD_FORMS) >= set(weighted(MUHAMMAD_SPELLINGS)[0] + weighted(MD_BANGLADESHI)[0])
        self.muhammad = Pick(*weighted(MUHAMMAD_SPELLINGS))
        self.md_bangla = Pick(*weighted(MD_BANGLADESHI))

    # --- geography ----------------------------------------------------------------------------
    def _build_areas(self, vr):
        self.areas = []
        codes = iter(AREA_CODES)
        used_towns = set()
        la_number = 950
        for profile, (count, (lo, hi), _aff) in AREA_PROFILES.items():
            for _ in range(count):
                code = next(codes)
                welsh = profile.startswith("welsh")
                size = vr.uniform(lo, hi)
                ntowns = vr.randint(2, 6)
                towns = []
                while len(towns) < ntowns:
                    if welsh:
                        t = vr.choice(WELSH_TOWN_PREFIXES) + vr.choice(WELSH_TOWN_SUFFIXES)
                    else:
                        t = vr.choice(TOWN_PREFIXES) + vr.choice(TOWN_SUFFIXES)
                        if vr.random() < 0.15:
                            t = vr.choice(TOWN_QUALIFIERS) + " " + t
                    if t not in used_towns and not AWKWARD.search(t.lower()):
                        used_towns.add(t)
                        towns.append(t)
                ndistricts = max(4, int(size * vr.randint(8, 16)))
                districts = []
                for d in range(1, ndistricts + 1):
                    town = towns[0] if vr.random() < 0.4 else vr.choice(towns)
                    sectors = vr.sample(range(10), vr.randint(3, 8))
                    districts.append((f"{code}{d}", town, sectors, vr.uniform(0.5, 1.5)))
                self.areas.append({"code": code, "profile": profile, "size": size, "welsh": welsh,
                                   "districts": districts, "la": la_number, "towns": towns,
                                   "district_pick": Pick(list(range(ndistricts)),
                                                         [x[3] for x in districts])})
                la_number += 1
        self.area_pick = {}
        for cluster in CLUSTER_SHARES:
            weights = []
            for a in self.areas:
                aff = AREA_PROFILES[a["profile"]][2].get(cluster, 1.0)
                if cluster == "english" and a["welsh"]:
                    aff = WELSH_AREA_ENGLISH_AFFINITY
                if cluster == "welsh" and not a["welsh"]:
                    aff = WELSH_OUTSIDE_WALES
                weights.append(a["size"] * aff)
            self.area_pick[cluster] = Pick(list(range(len(self.areas))), weights)


def polish_pair(name):
    for m, f in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if name.endswith(m):
            return (name, name[: -len(m)] + f)
    return (name, name)


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


class Person:
    __slots__ = ("pid", "tid", "cluster", "sex", "dob", "given", "middles", "calling",
                 "family_birth", "family_now", "change_t", "alt_family", "alt_rate",
                 "addresses", "move_ts", "nhs", "upn", "pnc", "aliases", "k", "group",
                 "source_w", "relatives", "household", "surname_key", "polish_pair")


def cohort_of(year):
    return max(1950, min(2010, (year // 10) * 10))


class Population:
    def __init__(self, vocab, rng):
        self.v = vocab
        self.rng = rng
        self.people = []
        self.nhs_used = set()
        self.upn_used = set()
        self.pnc_used = set()
        self.cluster_pick = Pick(list(CLUSTER_SHARES), list(CLUSTER_SHARES.values()))
        self.k_pick = self._records_pick()
        self.kids_pick = Pick(list(CHILDREN_PER_FAMILY), list(CHILDREN_PER_FAMILY.values()))
        self.gap_pick = Pick(list(BIRTH_GAP_YEARS), list(BIRTH_GAP_YEARS.values()))
        self.addr_pick = Pick(list(ADDRESSES_PER_PERSON), list(ADDRESSES_PER_PERSON.values()))
        self.twin_pairs = 0
        self.jr_pairs = 0
        self.households = 0

    def _records_pick(self):
        ks = list(RECORDS_PER_PERSON)
        ws = list(RECORDS_PER_PERSON.values())
        lo, hi, a = RECORDS_TAIL
        tail_share = 1.0 - sum(ws)
        tw = [k ** -a for k in range(lo, hi + 1)]
        s = sum(tw)
        ks += list(range(lo, hi + 1))
        ws += [tail_share * w / s for w in tw]
        return Pick(ks, ws)

    # --- names --------------------------------------------------------------------------------
    def family_key(self, cluster):
        return self.v.surnames[cluster](self.rng)

    def realise_surname(self, cluster, key, sex, birth_year):
        """The surname a person of this sex is registered with, given the family's key."""
        rng = self.rng
        if cluster == "polish":
            return key[1] if sex == "F" else key[0]
        if cluster == "sikh":
            if rng.random() < SIKH_USES_SINGH_KAUR:
                return "Kaur" if sex == "F" else "Singh"
            return key
        if sex == "F" and cluster in SOUTH_ASIAN_FEMALE_SURNAME:
            old, young = SOUTH_ASIAN_FEMALE_SURNAME[cluster]
            if rng.random() < (old if birth_year < 1990 else young):
                return self.v.female_surnames[cluster](rng)
        return key

    def given_name(self, cluster, sex, year, avoid=()):
        rng = self.rng
        for _ in range(20):
            c = cluster
            if c != "english" and rng.random() < ANGLO_GIVEN_RATE.get(c, 0.0):
                c = "english"
            g = self.v.given[(c, sex, cohort_of(year))](rng)
            if g not in avoid:
                return g
        return g

    def make_names(self, p, cluster, sex, year, avoid=(), given_cluster=None):
        rng = self.rng
        gc = given_cluster or cluster
        p.calling = None
        p.middles = []
        if sex == "M" and gc in MUHAMMAD_PREFIX and rng.random() < MUHAMMAD_PREFIX[gc]:
            p.given = (self.v.md_bangla if gc == "bangladeshi" else self.v.muhammad)(rng)
            if rng.random() < MUHAMMAD_CALLING_NAME:
                for _ in range(10):
                    c = self.given_name(gc, sex, year, avoid)
                    if c not in MUHAMMAD_FORMS:
                        break
                p.calling = c
                p.middles = [c]
        elif sex == "M" and rng.random() < ABDUL_PREFIX.get(gc, 0.0):
            p.given = "Abdul"
            p.calling = rng.choice(["Rahman", "Karim", "Aziz", "Hamid", "Majid", "Qadir", "Wahid",
                                    "Basit", "Samad", "Malik"])
            p.middles = [p.calling]
        else:
            p.given = self.given_name(gc, sex, year, avoid)
            if rng.random() < HAS_MIDDLE_NAME.get(gc, 0.5):
                n = 2 if rng.random() < TWO_MIDDLE_NAMES else 1
                for _ in range(n):
                    m = self.given_name(gc, sex, year, (p.given,))
                    if gc == "chinese" and rng.random() < CHINESE_NAME_AS_MIDDLE:
                        m = self.v.given[("chinese", sex, 2000)](rng)
                    if m != p.given and m not in p.middles:
                        p.middles.append(m)

    # --- identifiers --------------------------------------------------------------------------
    def new_nhs(self):
        rng = self.rng
        while True:
            digits = [9] + [rng.randrange(10) for _ in range(8)]
            total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
            check = 11 - total % 11
            if check == 11:
                check = 0
            if check == 10:
                continue
            s = "".join(map(str, digits)) + str(check)
            if s not in self.nhs_used:
                self.nhs_used.add(s)
                return s

    def new_upn(self, p, area):
        rng = self.rng
        while True:
            la = self.v.areas[area]["la"]
            est = rng.choice((2, 3, 4)) * 1000 + rng.randrange(1000)
            yr = (p.dob[0] + 4 + rng.choice((0, 0, 0, 1, 2, 4, 7))) % 100
            serial = rng.randrange(1000)
            body = f"{la:03d}{est:04d}{yr:02d}{serial:03d}"
            s = upn_check(body) + body
            if s not in self.upn_used:
                self.upn_used.add(s)
                return s

    def new_pnc(self, p):
        rng = self.rng
        while True:
            first = max(p.dob[0] + 12, 1990)
            year = min(2023, first + int(rng.expovariate(1 / 4)))
            serial = rng.randrange(1, 1_000_000 if rng.random() < 0.7 else 2_000_000)
            key = (year, serial)
            if key not in self.pnc_used:
                self.pnc_used.add(key)
                return key

    # --- addresses ----------------------------------------------------------------------------
    def address_in(self, area, district=None):
        rng = self.rng
        a = self.v.areas[area]
        if district is None:
            district = a["district_pick"](rng)
        d = a["districts"][district]
        sector = rng.choice(d[2])
        unit = rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
        return (area, district, f"{d[0]} {sector}{unit}", d[1])  # area, district, postcode, town

    def moved(self, cluster, addr):
        rng = self.rng
        r = rng.random()
        if r < MOVE_SCOPE["district"]:
            return self.address_in(addr[0], addr[1])
        if r < MOVE_SCOPE["district"] + MOVE_SCOPE["area"]:
            return self.address_in(addr[0])
        return self.address_in(self.v.area_pick[cluster](rng))

    # --- households ---------------------------------------------------------------------------
    def new_person(self, cluster, sex, year, household, group):
        rng = self.rng
        p = Person()
        p.pid = -1
        p.cluster, p.sex, p.group, p.household = cluster, sex, group, household
        m = rng.randint(1, 12)
        d = rng.randint(1, days_in_month(year, m))
        p.dob = (year, m, d)
        p.change_t = None
        p.alt_family = None
        p.alt_rate = 0.0
        p.aliases = []
        p.relatives = []
        p.upn = None
        p.pnc = None
        p.nhs = self.new_nhs()
        p.polish_pair = None
        return p

    def finish(self, p, addresses, child_in_care=False, fixed_moves=()):
        """Address history, identifiers, aliases, record count, source mix; p joins the file."""
        rng = self.rng
        p.pid = len(self.people)
        p.addresses = list(addresses)
        p.move_ts = list(fixed_moves)  # times (0..1 over the window) of the moves between them
        after = p.move_ts[-1] if p.move_ts else 0.0
        extra = self.addr_pick(rng) - 1
        if child_in_care and rng.random() < IN_CARE_EXTRA_MOVE:
            extra += 1
        personal = sorted(after + (1.0 - after) * rng.random() for _ in range(extra))
        for t in personal:
            p.addresses.append(self.moved(p.cluster, p.addresses[-1]))
            p.move_ts.append(t)
        adult = p.dob[0] < 2000
        grp = "child" if not adult else ("adult_male" if p.sex == "M" else "adult_female")
        if rng.random() < PNC_HOLDER[grp] and p.dob[0] <= 2012:
            p.pnc = self.new_pnc(p)
        if p.dob[0] >= 2000:
            p.upn = self.new_upn(p, p.addresses[0][0])
        if rng.random() < HAS_ALIAS[grp]:
            p.aliases = self.make_aliases(p)
        p.k = self.k_pick(rng)
        weights = CHILD_SOURCE_WEIGHTS if p.dob[0] >= 2000 else ADULT_SOURCE_WEIGHTS
        w = [weights[s] * rng.expovariate(1.0) for s in SOURCES]
        p.source_w = Pick(SOURCES, w) if sum(w) > 0 else Pick(SOURCES, [1, 1, 1, 0, 1])
        self.people.append(p)

    def make_aliases(self, p):
        rng = self.rng
        out = []
        kinds = ALIAS_KINDS
        for _ in range(1 if rng.random() > TWO_ALIASES else 2):
            r = rng.random()
            if r < kinds[0]:  # another surname (a parent's, a partner's)
                out.append((p.given, self.family_key_str(p.cluster, p.sex, p.dob[0])))
            elif r < kinds[0] + kinds[1]:  # another given name with the same surname
                g = self.given_name(p.cluster, p.sex, p.dob[0] + rng.randint(-8, 8), (p.given,))
                out.append((g, p.family_now))
            elif r < kinds[0] + kinds[1] + kinds[2]:  # an entirely different name
                out.append((self.given_name(p.cluster, p.sex, p.dob[0], (p.given,)),
                            self.family_key_str(p.cluster, p.sex, p.dob[0])))
            elif p.given in self.v.variants:  # a spelling of their own name
                out.append((rng.choice(self.v.variants[p.given]), p.family_now))
        own = (p.given, p.family_now)
        return [a for a in dict.fromkeys(out) if a != own]

    def family_key_str(self, cluster, sex, year):
        return self.realise_surname(cluster, self.family_key(cluster), sex, year)

    def maybe_married(self, p, own_key_surname):
        """Adult women: a marriage surname (before or during the window)."""
        rng = self.rng
        if p.sex == "F" and p.dob[0] <= 1996 and rng.random() < MARRIED_SURNAME.get(p.cluster, 0):
            spouse_cluster = p.cluster if rng.random() > MIXED_PARENTS_RATE else self.cluster_pick(rng)
            married = self.family_key(spouse_cluster)
            if spouse_cluster == "polish":
                married = married[1]
            elif spouse_cluster == "sikh":
                married = "Kaur"
            if isinstance(married, tuple):
                married = married[1]
            self.set_change(p, own_key_surname, married)

    def set_change(self, p, before, after):
        rng = self.rng
        p.family_birth = before
        p.family_now = after
        p.change_t = rng.random() if rng.random() < MARRIED_DURING_WINDOW else -1.0

    def single_adult(self):
        rng = self.rng
        self.households += 1
        cluster = self.cluster_pick(rng)
        sex = "M" if rng.random() < SINGLE_ADULT_MALE else "F"
        (lo, hi) = Pick([r for r, _ in SINGLE_ADULT_BIRTH], [w for _, w in SINGLE_ADULT_BIRTH])(rng)
        year = rng.randint(lo, hi)
        p = self.new_person(cluster, sex, year, self.households, "adult")
        self.make_names(p, cluster, sex, year)
        key = self.family_key(cluster)
        s = self.realise_surname(cluster, key, sex, year)
        p.family_birth = p.family_now = s
        self.maybe_married(p, s)
        if cluster == "sikh":
            p.alt_family = key if s in ("Singh", "Kaur") else ("Kaur" if sex == "F" else "Singh")
            p.alt_rate = SINGH_KAUR_SWITCH
        area = self.v.area_pick[cluster](rng)
        self.finish(p, [self.address_in(area)])

    def family(self):
        """A household known for one child: parents, siblings (some twins), some in the file."""
        rng = self.rng
        self.households += 1
        hh = self.households
        cluster = self.cluster_pick(rng)  # the father's, and the household's
        mcl = cluster if rng.random() > MIXED_PARENTS_RATE else self.cluster_pick(rng)
        index_year = triangular_int(rng, *INDEX_CHILD_BIRTH)
        nkids = self.kids_pick(rng)
        pos = rng.randrange(nkids)
        years = [index_year]
        for _ in range(pos):
            years.insert(0, years[0] - self.gap_pick(rng))
        while len(years) < nkids:
            years.append(years[-1] + self.gap_pick(rng))
        births = []  # (year, is the twin of the previous child, is the index child)
        for i, y in enumerate(years):
            births.append((y, False, i == pos))
            if rng.random() < TWIN_RATE:
                births.append((y, True, False))
        mother_age = int(max(16, min(44, rng.gauss(*MOTHER_AGE_AT_FIRST_BIRTH))))
        mother_year = years[0] - mother_age
        father_year = mother_year + int(round(rng.gauss(*FATHER_OLDER_THAN_MOTHER)))
        married = rng.random() < PARENTS_MARRIED
        father_key = self.family_key(cluster)
        mother_key = self.family_key(mcl)

        father = self.new_person(cluster, "M", father_year, hh, "adult")
        self.make_names(father, cluster, "M", father_year)
        father.family_birth = father.family_now = self.realise_surname(cluster, father_key, "M", father_year)
        if cluster == "sikh":
            father.alt_family = father_key if father.family_now == "Singh" else "Singh"
            father.alt_rate = SINGH_KAUR_SWITCH
        mother = self.new_person(mcl, "F", mother_year, hh, "adult")
        self.make_names(mother, mcl, "F", mother_year)
        ms = self.realise_surname(mcl, mother_key, "F", mother_year)
        mother.family_birth = mother.family_now = ms
        if mcl == "sikh":
            mother.alt_family = mother_key if ms == "Kaur" else "Kaur"
            mother.alt_rate = SINGH_KAUR_SWITCH
        if married and mcl not in ("sikh", "somali") and cluster not in ("somali",):
            wife_form = self.realise_surname(cluster, father_key, "F", mother_year)
            if wife_form != ms and rng.random() < WIFE_TAKES_HUSBANDS_SURNAME.get(mcl, 0.5):
                mother.family_birth, mother.family_now = ms, wife_form
                mother.change_t = rng.random() if rng.random() < MARRIED_DURING_WINDOW else -1.0
        elif not married and rng.random() < UNMARRIED_MOTHER_MARRIED_BEFORE:
            self.maybe_married(mother, ms)

        # the children's surname
        r = rng.random()
        double = None
        if married or r >= CHILD_TAKES_MOTHERS_SURNAME + CHILD_DOUBLE_BARRELLED:
            kcl, kkey = cluster, father_key
        elif r < CHILD_TAKES_MOTHERS_SURNAME:
            kcl, kkey = mcl, mother_key
        else:
            kcl, kkey = cluster, father_key
            if " " not in ms + father.family_now and ms != father.family_now:
                double = f"{ms}-{father.family_now}"

        area = self.v.area_pick[cluster](rng)
        home = self.address_in(area)
        house_addrs = [home]
        if rng.random() < HOUSEHOLD_MOVED:
            house_addrs.append(self.moved(cluster, home))
        house_move_t = rng.random()

        kids = []
        given_used = set()
        prev = None
        for y, is_twin, is_index in births:
            sex = "F" if rng.random() < CHILD_FEMALE else "M"
            if is_twin and rng.random() < TWINS_SAME_SEX:
                sex = prev.sex
            gcl = mcl if (mcl != cluster and rng.random() < MIXED_CHILD_GIVEN_FROM_MOTHER) else cluster
            kid = self.new_person(cluster, sex, y, hh, "child")
            self.make_names(kid, cluster, sex, y, tuple(given_used), gcl)
            if is_twin:
                kid.dob = prev.dob
                if rng.random() < TWINS_SIMILAR_NAMES:
                    for _ in range(30):
                        g = self.given_name(gcl, sex, y, tuple(given_used))
                        if g[0] == prev.given[0] and g != prev.given:
                            if kid.calling:  # no longer Muhammad + calling name
                                kid.calling, kid.middles = None, []
                            kid.given = g
                            break
                self.twin_pairs += 1
            if sex == "M" and rng.random() < SON_NAMED_AFTER_FATHER:
                kid.given, kid.middles, kid.calling = father.given, list(father.middles[:1]), father.calling
                kid.relatives.append(("jr", father))
            elif sex == "F" and rng.random() < DAUGHTER_NAMED_AFTER_MOTHER:
                kid.given, kid.middles, kid.calling = mother.given, list(mother.middles[:1]), mother.calling
                kid.relatives.append(("jr", mother))
            given_used.add(kid.given)
            s = double or self.realise_surname(kcl, kkey, sex, y)
            kid.family_birth = kid.family_now = s
            if kcl == "sikh":
                kid.alt_family = kkey if s in ("Singh", "Kaur") else ("Kaur" if sex == "F" else "Singh")
                kid.alt_rate = SINGH_KAUR_SWITCH
            elif rng.random() < CHILD_STEP_SURNAME:
                kid.alt_family = self.family_key_str(cluster, sex, y)
                kid.alt_rate = STEP_SURNAME_USED
            kid.relatives.append(("mother", mother))
            kid.relatives.append(("father", father))
            prev = kid
            kids.append((kid, is_index))

        appearing = [kid for kid, is_index in kids if is_index or rng.random() < SIBLING_IN_DATA]
        if rng.random() < MOTHER_IN_DATA:
            appearing.append(mother)
        if rng.random() < FATHER_PRESENT * FATHER_IN_DATA:
            appearing.append(father)
        for p in appearing:
            if p is father and not married and rng.random() < FATHER_LIVES_ELSEWHERE:
                self.finish(p, [self.address_in(self.v.area_pick[cluster](rng))])
                continue
            # the household's own move happens at the same time for everyone in it
            self.finish(p, house_addrs, child_in_care=(p.group == "child" and rng.random() < CHILD_IN_CARE),
                        fixed_moves=[house_move_t] if len(house_addrs) > 1 else [])
        for p in appearing:
            if p.group == "child":
                for rel, r in p.relatives:
                    if rel == "jr" and r in appearing:
                        self.jr_pairs += 1


def upn_check(body12):
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    total = sum(int(c) * w for c, w in zip(body12, range(2, 14)))
    return letters[total % 23]


def pnc_check(year, serial):
    letters = "ZABCDEFGHJKLMNPQRTUVWXY"
    return letters[int(f"{year % 100:02d}{serial:07d}") % 23]


def days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------

COLUMNS = ["record_id", "source", "source_person_id", "given_name", "family_name", "other_names",
           "date_of_birth", "sex", "postcode", "town", "nhs_number", "upn", "pnc_id", "true_id"]
SPID_FORMAT = {"police": ("PN", 8), "childrens_social_care": ("CS", 7), "health": ("HR", 8),
               "school": ("SC", 7), "charity": ("CH", 6)}


class View:
    """One registration of a person in one source: how that source has them."""

    __slots__ = ("spid", "given", "family", "other", "dob", "sex", "nhs", "upn", "pnc", "case",
                 "pc_style", "t", "dob_fmt", "alias_main", "upn_base", "cased")


class Recorder:
    def __init__(self, vocab, pop, rng):
        self.v, self.pop, self.rng = vocab, pop, rng
        self.spids = {s: set() for s in SOURCES}
        self.case_pick = {s: Pick(["as", "upper", "lower", "title"], CASE_STYLE[s]) for s in SOURCES}
        self.fmt_pick = {s: Pick(["iso", "dmy", "dmy_nopad"], DOB_FORMATS[s]) for s in SOURCES}
        self.pc_pick = Pick(list(POSTCODE_FORMATS), list(POSTCODE_FORMATS.values()))
        self.hy_pick = Pick(list(HYPHEN_FORMS), list(HYPHEN_FORMS.values()))
        self.nhs_fmt = Pick([0, 1, 2], NHS_FORMATS)
        self.pnc_fmt = Pick([0, 1, 2], PNC_FORMATS)
        self.dup_regs = Counter()
        self.person_source_pairs = Counter()

    def new_spid(self, source):
        prefix, n = SPID_FORMAT[source]
        used = self.spids[source]
        while True:
            s = f"{prefix}{self.rng.randrange(10 ** (n - 1), 10 ** n)}"
            if s not in used:
                used.add(s)
                return s

    # --- names --------------------------------------------------------------------------------
    def surname_at(self, p, t):
        rng = self.rng
        base = p.family_now
        if p.change_t is not None:
            if t < p.change_t or rng.random() < MAIDEN_NAME_STILL_USED:
                base = p.family_birth
            elif rng.random() < MARRIED_DOUBLE_BARREL and "-" not in base + p.family_birth:
                base = f"{p.family_birth}-{base}"
        if p.alt_family and rng.random() < p.alt_rate:
            base = p.alt_family
        return base

    def render_given(self, p, src, given_override=None):
        rng = self.rng
        v = self.v
        g = given_override or p.given
        if given_override is None:
            if p.calling and rng.random() < CALLING_NAME_AS_GIVEN[src]:
                g = p.calling
            elif p.calling and rng.random() < CALLING_NAME_WITH_PREFIX:
                g = f"{p.given} {p.calling}"
            elif p.middles and rng.random() < (CHINESE_MIDDLE_AS_GIVEN if p.cluster == "chinese"
                                               else MIDDLE_AS_GIVEN):
                g = p.middles[0]
        r = rng.random()
        if r < NICKNAME_RATE[src] and g in v.nick:
            g = rng.choice(v.nick[g])
        elif r < NICKNAME_RATE[src] + ANGLICISED_RATE[src] and g in v.anglo:
            g = rng.choice(v.anglo[g])
        elif rng.random() < SPELLING_VARIANT_RATE[src] and g in v.variants:
            g = rng.choice(v.variants[g])
        if rng.random() < DROP_DIACRITICS[src]:
            g = strip_accents(g)
        if rng.random() < TYPO_RATE[src]:
            g = typo(g, rng)
        if rng.random() < GIVEN_INITIAL_ONLY:
            g = g[0]
        return g

    def render_family(self, p, src, t, family_override=None):
        rng = self.rng
        v = self.v
        f = family_override or self.surname_at(p, t)
        if "-" in f:
            form = self.hy_pick(rng)
            a, b = f.split("-", 1)
            f = f if form == "hyphen" else f"{a} {b}" if form == "space" else a if form == "first" else b
        if (p.cluster == "polish" and p.sex == "F" and f.endswith(("ska", "cka", "dzka"))
                and rng.random() < POLISH_WRONG_GENDER_FORM):
            f = f[:-1] + "i"
        if "'" in f and rng.random() < APOSTROPHE_DROPPED:
            f = f.replace("'", "" if rng.random() < 0.6 else " ")
        if rng.random() < SPELLING_VARIANT_RATE[src] and f in v.variants:
            f = rng.choice(v.variants[f])
        if rng.random() < DROP_DIACRITICS[src]:
            f = strip_accents(f)
        if rng.random() < TYPO_RATE[src]:
            f = typo(f, rng)
        if src == "charity":
            r = rng.random()
            if r < CHARITY_FAMILY_MISSING:
                return ""
            if r < CHARITY_FAMILY_MISSING + CHARITY_FAMILY_INITIAL:
                return f[0] + ("." if rng.random() < 0.5 else "")
        return f

    def render_other(self, p, src, view_main_is_alias):
        rng = self.rng
        if src == "police":
            parts = []
            if p.aliases and (view_main_is_alias or rng.random() < POLICE_ALIAS_IN_OTHER_NAMES):
                parts += [f"{g} {f}" for g, f in p.aliases]
            if view_main_is_alias:
                parts.insert(0, f"{p.given} {p.family_now}")
            if p.change_t is not None and rng.random() < POLICE_FORMER_SURNAME_ALIAS:
                parts.append(f"{p.given} {p.family_birth}")
            if p.middles and rng.random() < PRESENT[src][6]:
                parts.append(" ".join(p.middles))
            return ";".join(parts)
        if p.middles and rng.random() < PRESENT[src][6]:
            return " ".join(p.middles)
        return ""

    # --- dates --------------------------------------------------------------------------------
    def render_dob(self, p, src, fmt):
        rng = self.rng
        missing, year_only, placeholder = DOB_HABITS[src]
        if p.group == "child" and src == "police":
            missing, year_only = missing * 0.5, year_only * 0.5
        r = rng.random()
        if r < missing:
            return ""
        y, m, d = p.dob
        if r < missing + year_only:
            # an age was recorded: the year is this year minus the age
            doy = (m - 1) * 30.5 + d
            y2 = y + (1 if rng.random() < doy / 366 else 0)
            if rng.random() < placeholder:
                return fmt_date(y2, 1, 1, fmt)
            return str(y2)
        factor = DOB_ERROR_FACTOR[src]
        e = rng.random()
        if e < DOB_JUNK * factor:
            return fmt_date(1900, 1, 1, fmt)
        e -= DOB_JUNK * factor
        if e < DOB_DAY_MONTH_SWAP * factor:
            if d <= 12 and d != m:
                m, d = d, m
        elif e < (DOB_DAY_MONTH_SWAP + DOB_ONE_DIGIT) * factor:
            for _ in range(5):
                which = rng.randrange(3)
                if which == 0:
                    y2, m2, d2 = y - y % 10 + rng.randrange(10), m, d
                elif which == 1:
                    y2, m2, d2 = y, m, d - d % 10 + rng.randrange(10)
                else:
                    y2, m2, d2 = y, m - m % 10 + rng.randrange(10), d
                if 1 <= m2 <= 12 and 1 <= d2 <= days_in_month(y2, m2) and (y2, m2, d2) != (y, m, d):
                    y, m, d = y2, m2, d2
                    break
        elif e < (DOB_DAY_MONTH_SWAP + DOB_ONE_DIGIT + DOB_YEAR_OFF_BY_ONE) * factor:
            y += rng.choice((-1, 1))
            d = min(d, days_in_month(y, m))
        return fmt_date(y, m, d, fmt)

    def render_sex(self, p, src):
        rng = self.rng
        if rng.random() > PRESENT[src][5]:
            return SEX_UNKNOWN_CODE[src] if rng.random() < SEX_UNKNOWN_SHARE else ""
        sex = p.sex
        if rng.random() < SEX_FLIPPED:
            sex = "F" if sex == "M" else "M"
        main, share, other = SEX_CODES[src]
        codes = main if rng.random() < share else other
        return codes[0] if sex == "M" else codes[1]

    # --- identifiers --------------------------------------------------------------------------
    def render_nhs(self, p, src):
        rng = self.rng
        if rng.random() > PRESENT[src][2]:
            return ""
        n = p.nhs
        r = rng.random()
        if r < NHS_OF_RELATIVE and p.relatives:
            n = rng.choice(p.relatives)[1].nhs
        elif r < NHS_OF_RELATIVE + NHS_TYPO:
            i = rng.randrange(3, 10)
            n = n[:i] + str((int(n[i]) + rng.randint(1, 9)) % 10) + n[i + 1:]
        elif r < NHS_OF_RELATIVE + NHS_TYPO + NHS_TRANSPOSED:
            i = rng.randrange(3, 9)
            n = n[:i] + n[i + 1] + n[i] + n[i + 2:]
        f = self.nhs_fmt(rng)
        if f == 1:
            return f"{n[:3]} {n[3:6]} {n[6:]}"
        if f == 2:
            return f"{n[:3]}-{n[3:6]}-{n[6:]}"
        return n

    def render_upn(self, p, src, upn):
        rng = self.rng
        if upn is None or p.dob[0] < 2000 or rng.random() > PRESENT[src][3]:
            return ""
        u = upn
        if rng.random() < UPN_TYPO:
            i = rng.randrange(1, 13)
            u = u[:i] + str(rng.randrange(10)) + u[i + 1:]
        return u

    def render_pnc(self, p, src):
        rng = self.rng
        if p.pnc is None or rng.random() > PRESENT[src][4]:
            return ""
        year, serial = p.pnc
        if rng.random() < PNC_TYPO:
            serial = (serial + rng.randint(1, 9) * 10 ** rng.randrange(6)) % 2_000_000
        check = pnc_check(year, p.pnc[1])
        f = self.pnc_fmt(rng)
        if f == 1:
            return f"{year}/{serial:06d}{check}"
        if f == 2:
            return f"{year % 100:02d}/{serial:07d}{check}"
        return f"{year % 100:02d}/{serial:06d}{check}"

    # --- views and records --------------------------------------------------------------------
    def new_view(self, p, src, t, duplicate=False):
        rng = self.rng
        w = View()
        w.spid = self.new_spid(src)
        w.t = t
        w.case = self.case_pick[src](rng)
        w.dob_fmt = self.fmt_pick[src](rng)
        w.pc_style = self.pc_pick(rng)
        w.alias_main = None
        if src == "police" and p.aliases and rng.random() < POLICE_ALIAS_AS_MAIN:
            w.alias_main = rng.choice(p.aliases)
        w.upn_base = p.upn
        if duplicate and src == "school" and p.upn and rng.random() < SCHOOL_DUPLICATE_NEW_UPN:
            w.upn_base = self.pop.new_upn(p, p.addresses[0][0])
        self.fill(w, p, src, t)
        return w

    def fill(self, w, p, src, t, fields=None):
        rng = self.rng
        w.cased = None
        swap_rate = SWAP_GIVEN_FAMILY[src] * SWAP_FACTOR_CLUSTER.get(p.cluster, 1.0)
        if fields is None or "name" in fields:
            if w.alias_main:
                g = self.render_given(p, src, w.alias_main[0])
                f = self.render_family(p, src, t, w.alias_main[1])
            else:
                g = self.render_given(p, src)
                f = self.render_family(p, src, t)
            if f and rng.random() < swap_rate:
                g, f = f, g
            w.given, w.family = g, f
        if fields is None or "other" in fields:
            w.other = self.render_other(p, src, w.alias_main is not None)
        if fields is None or "dob" in fields:
            w.dob = self.render_dob(p, src, w.dob_fmt)
        if fields is None or "sex" in fields:
            w.sex = self.render_sex(p, src)
        if fields is None or "ids" in fields:
            w.nhs = self.render_nhs(p, src)
            w.upn = self.render_upn(p, src, w.upn_base) if PRESENT[src][3] else ""
            w.pnc = self.render_pnc(p, src)

    def rekey(self, w, p, src, t):
        rng = self.rng
        rate = REKEY_FIELD[src]
        fields = [f for f in ("name", "other", "dob", "sex", "ids") if rng.random() < rate]
        if fields:
            w2 = View()
            for s in View.__slots__:
                setattr(w2, s, getattr(w, s))
            self.fill(w2, p, src, t, fields=fields)
            return w2
        return w

    def address_at(self, p, t):
        i = bisect.bisect_right(p.move_ts, t)
        return p.addresses[i]

    def postcode(self, p, src, w, t):
        rng = self.rng
        addr = self.address_at(p, t if rng.random() < ADDRESS_CURRENT[src] else w.t)
        if rng.random() > PRESENT[src][0]:  # no postcode; perhaps a town
            return "", addr[3] if rng.random() < PRESENT[src][1] else ""
        pc = addr[2]
        if rng.random() < POSTCODE_TYPO:
            i = rng.choice([len(pc) - 1, len(pc) - 2, 2])
            ch = pc[i]
            pc = pc[:i] + (rng.choice(INWARD_LETTERS) if ch.isalpha() else str(rng.randrange(10))) + pc[i + 1:]
        style = w.pc_style if rng.random() < POSTCODE_STYLE_KEPT else self.pc_pick(rng)
        if style == "nospace":
            pc = pc.replace(" ", "")
        elif style == "lower":
            pc = pc.lower()
        elif style == "lower_nospace":
            pc = pc.lower().replace(" ", "")
        elif style == "double_space":
            pc = pc.replace(" ", "  ")
        elif style == "district_only":
            pc = pc.split(" ")[0]
        town = addr[3] if rng.random() < PRESENT[src][1] else ""
        if town and rng.random() < TOWN_VARIANT:  # no qualifier, or the area's main town
            parts = town.split(" ", 1)
            town = parts[1] if len(parts) == 2 else self.v.areas[addr[0]]["towns"][0]
        return pc, town

    def records(self, p):
        rng = self.rng
        regs = {}
        rows = []
        times = sorted(rng.random() for _ in range(p.k))
        is_child = p.dob[0] >= 2000
        for t in times:
            src = p.source_w(rng)
            if src == "school" and not is_child:
                src = "health"
            views = regs.get(src)
            if views is None:
                w = self.new_view(p, src, t)
                regs[src] = [w]
                self.person_source_pairs[src] += 1
            elif rng.random() < DUPLICATE_REGISTRATION[src]:
                w = self.new_view(p, src, t, duplicate=True)
                views.append(w)
                if len(views) == 2:
                    self.dup_regs[src] += 1
            else:
                w = views[0] if len(views) == 1 else rng.choice(views)
                w = self.rekey(w, p, src, t)
            pc, town = self.postcode(p, src, w, t)
            if w.cased is None:
                w.cased = (case(w.given, w.case), case(w.family, w.case), case(w.other, w.case))
            g, f, o = w.cased
            rows.append((src, w.spid, g, f, o, w.dob, w.sex, pc, case(town, w.case), w.nhs,
                         w.upn, w.pnc, p.tid))
        return rows


def case(s, style):
    if not s or style == "as":
        return s
    if style == "upper":
        return s.upper()
    if style == "lower":
        return s.lower()
    return s.lower().title()


def fmt_date(y, m, d, fmt):
    if fmt == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if fmt == "dmy":
        return f"{d:02d}/{m:02d}/{y:04d}"
    return f"{d}/{m}/{y:04d}"


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def generate(n_records, seed, out_path):
    started = time.time()
    vocab = Vocab()
    rng = random.Random(seed)
    pop = Population(vocab, rng)
    total = 0
    while total < n_records:
        before = len(pop.people)
        if rng.random() < FAMILY_HOUSEHOLD_SHARE:
            pop.family()
        else:
            pop.single_adult()
        for p in pop.people[before:]:
            total += p.k
    # trim to exactly n_records: drop whole people from the end, then shorten the last one
    while total - pop.people[-1].k >= n_records:
        total -= pop.people.pop().k
    pop.people[-1].k -= total - n_records
    people = pop.people
    # true ids: a random permutation, so ids say nothing about households
    order = list(range(len(people)))
    rng.shuffle(order)
    for p, tid in zip(people, order):
        p.tid = f"T{tid + 1:07d}"
    rec = Recorder(vocab, pop, rng)
    rows = []
    for p in people:
        rows.extend(rec.records(p))
    rng.shuffle(rows)
    width = max(7, len(str(len(rows))))
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(COLUMNS)
        for i, r in enumerate(rows):
            wr.writerow([f"R{i + 1:0{width}d}", *r])
    summary = summarise(people, rows, pop, rec, vocab)
    summary["seconds"] = round(time.time() - started, 1)
    summary["seed"] = seed
    summary["out"] = out_path
    return summary


def summarise(people, rows, pop, rec, vocab):
    n = len(rows)
    ks = Counter(p.k for p in people)
    dist = {str(k): ks[k] for k in range(1, 10)}
    dist["10+"] = sum(c for k, c in ks.items() if k >= 10)
    # full names as recorded (given + family, folded): which true ids hold each
    holders = {}
    for r in rows:
        key = fold(r[2] + " " + r[3])
        if not key:
            continue
        h = holders.get(key)
        if h is None:
            holders[key] = r[12]
        elif h != r[12]:
            if isinstance(h, str):
                holders[key] = {h, r[12]}
            else:
                h.add(r[12])
    shared = sum(1 for r in rows if isinstance(holders.get(fold(r[2] + " " + r[3])), set))
    recorded_top = sorted(((len(h), k) for k, h in holders.items() if isinstance(h, set)),
                          key=lambda x: (-x[0], x[1]))[:5]
    # true full names (first given name + current surname)
    true_names = Counter(fold(p.given + " " + p.family_now) for p in people)
    people_shared = sum(c for c in true_names.values() if c >= 2)
    top = true_names.most_common(5)
    surnames = Counter(fold(p.family_now) for p in people)
    np_ = len(people)
    top100 = sum(c for _, c in surnames.most_common(100))
    top_surname = surnames.most_common(1)[0]
    given_top = {}
    for cohort in (1970, 1990, 2010):
        for sex in "MF":
            c = Counter(p.given for p in people if p.sex == sex and cohort_of(p.dob[0]) == cohort)
            tot = sum(c.values())
            if tot:
                name, cnt = c.most_common(1)[0]
                given_top[f"{sex}{cohort}s"] = [name, round(cnt / tot, 4)]
    births = Counter(p.dob[0] for p in people)
    nb = sum(births.values())
    sources = Counter(r[0] for r in rows)
    dob_kind = Counter(("missing" if not r[5] else "year" if len(r[5]) == 4 else
                        "iso" if r[5][4] == "-" else "dmy") for r in rows)
    filled = {c: round(sum(1 for r in rows if r[i]) / n, 3)
              for c, i in (("other_names", 4), ("date_of_birth", 5), ("postcode", 7), ("town", 8),
                           ("nhs_number", 9), ("upn", 10), ("pnc_id", 11))}
    dup_pairs = sum(rec.dup_regs.values())
    pairs = sum(rec.person_source_pairs.values())
    return {
        "records": n,
        "true_people": np_,
        "records_per_person": {"mean": round(n / np_, 3), "max": max(ks), "distribution": dist},
        "records_full_name_shared_by_2plus_people": round(shared / n, 4),
        "people_true_full_name_shared_by_2plus": round(people_shared / np_, 4),
        "top_true_full_names": [[nm, c] for nm, c in top],
        "top_recorded_full_names_by_people": [[nm, c] for c, nm in recorded_top],
        "surname_top1_share": [top_surname[0], round(top_surname[1] / np_, 4)],
        "surname_top100_share": round(top100 / np_, 4),
        "distinct_surnames": len(surnames),
        "people_with_unique_surname": round(sum(1 for c in surnames.values() if c == 1) / np_, 4),
        "top_given_by_cohort": given_top,
        "born_2000_2015": round(sum(c for y, c in births.items() if 2000 <= y <= 2015) / nb, 3),
        "born_1960_1999": round(sum(c for y, c in births.items() if 1960 <= y <= 1999) / nb, 3),
        "twin_pairs": pop.twin_pairs,
        "jr_pairs_in_file": pop.jr_pairs,
        "sources": dict(sources.most_common()),
        "person_source_pairs_with_duplicate_id": round(dup_pairs / pairs, 4),
        "dob_written_as": {k: round(v / n, 3) for k, v in dob_kind.most_common()},
        "filled": filled,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.records < 1:
        ap.error("--records must be at least 1")
    summary = generate(args.records, args.seed, args.out)
    print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    sys.exit(main())
