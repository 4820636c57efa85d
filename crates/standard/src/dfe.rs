//! What do the DfE's statutory returns on children say, column by column and code by code, in
//! the standard's terms?
//!
//! Every children's services department in England sends the Department for Education two
//! returns a year from its case management system: the SSDA903 return on children looked after
//! (CSV tables: Header, Episodes, Missing, UASC, ...) and the Children in Need census (one XML
//! file, a `<Child>` per child). This module holds their layouts as data: which column (or XML
//! element) is which field of the standard, and what each DfE code means here. Readers
//! (`sightline-intake`) and the template's documentation are made from it.
//!
//! Sources, read to learn the names, codes and date formats (nothing copied):
//! - the SSDA903 column lists and codes as the DfE's own validator checks them: the
//!   `data-to-insight/csc-validator-be-903` tool (`lac_validator/config.py`, and its rules 101
//!   sex, 102 dates as dd/mm/yyyy, 103 ethnicity, 144 legal status, 1006 missing type, 392c
//!   postcodes), for the collection years 2022-23 to 2025-26;
//! - the CIN census XML schema as the DfE publishes it with the CIN census specification
//!   (2023 to 2024, and the earlier years), as kept in `SocialFinanceDigitalLabs/liia-tools`
//!   (`spec/cin_census/CIN_schema_2024.xsd`), and the CIN validator
//!   `data-to-insight/csc-validator-be-cin` (rules 4180 and 8750: `GenderCurrent` 1, 2, 0, 9
//!   before 2024-25; `Sex` M, F, U from 2024-25; rule 8897Q's list of assessment factors).
//!
//! What the codes mean for a data call about child sexual exploitation is a choice, written
//! down here once: see [`FactorMeaning`] and [`FACTORS`].

use crate::codes::{Coded, Unknown};
use crate::dates::DateFormat;
use crate::ethnicity::Scheme;
use crate::fold::{fold, fold_header};

/// The tables of an SSDA903 extract, as the CSV files the DfE's validator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ssda903Table {
    Header,
    Episodes,
    Reviews,
    Uasc,
    Oc2,
    Oc3,
    Ad1,
    PlacedAdoption,
    PrevPerm,
    Missing,
    SwEpisodes,
}

impl Ssda903Table {
    pub const ALL: [Ssda903Table; 11] = [
        Ssda903Table::Header,
        Ssda903Table::Episodes,
        Ssda903Table::Reviews,
        Ssda903Table::Uasc,
        Ssda903Table::Oc2,
        Ssda903Table::Oc3,
        Ssda903Table::Ad1,
        Ssda903Table::PlacedAdoption,
        Ssda903Table::PrevPerm,
        Ssda903Table::Missing,
        Ssda903Table::SwEpisodes,
    ];

    /// The DfE's name for the table.
    pub fn name(self) -> &'static str {
        match self {
            Ssda903Table::Header => "Header",
            Ssda903Table::Episodes => "Episodes",
            Ssda903Table::Reviews => "Reviews",
            Ssda903Table::Uasc => "UASC",
            Ssda903Table::Oc2 => "OC2",
            Ssda903Table::Oc3 => "OC3",
            Ssda903Table::Ad1 => "AD1",
            Ssda903Table::PlacedAdoption => "PlacedAdoption",
            Ssda903Table::PrevPerm => "PrevPerm",
            Ssda903Table::Missing => "Missing",
            Ssda903Table::SwEpisodes => "SW_Episodes",
        }
    }

    /// The table's columns, in the DfE's order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Ssda903Table::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            Ssda903Table::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            Ssda903Table::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            Ssda903Table::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            Ssda903Table::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            Ssda903Table::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            Ssda903Table::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            Ssda903Table::PlacedAdoption => &[
                "CHILD",
                "DOB",
                "DATE_PLACED",
                "DATE_PLACED_CEASED",
                "REASON_PLACED_CEASED",
            ],
            Ssda903Table::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            Ssda903Table::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            Ssda903Table::SwEpisodes => {
                &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]
            }
        }
    }

    /// What the table tells this data call: Header and Episodes make the people table,
    /// Missing the missing episodes; the others are not part of the standard.
    pub fn read_as(self) -> Option<&'static str> {
        match self {
            Ssda903Table::Header => Some("people"),
            Ssda903Table::Episodes => {
                Some("legal status, looked-after status and home postcode of the Header's children")
            }
            Ssda903Table::Missing => Some("missing_episodes"),
            _ => None,
        }
    }

    /// The 903 table whose every column is among `headers` (case, spaces and punctuation
    /// ignored); the one with most columns when several are. Extra columns are allowed.
    pub fn of_headers(headers: &[String]) -> Option<Ssda903Table> {
        let present: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
        Ssda903Table::ALL
            .into_iter()
            .filter(|table| {
                table
                    .columns()
                    .iter()
                    .all(|column| present.contains(&fold_header(column)))
            })
            .max_by_key(|table| table.columns().len())
    }
}

/// How a 903 CSV writes its dates (the validator reads them as `%d/%m/%Y`).
pub const SSDA903_DATES: DateFormat = DateFormat::DayMonthYear;
/// How the CIN census writes its dates (`xs:date`).
pub const CIN_DATES: DateFormat = DateFormat::Iso;
/// The scheme of 903 `ETHNIC` and CIN `Ethnicity`: the schools and children's social care
/// codes (WBRI ... OOTH, REFU, NOBT), read through the standard's crosswalk.
pub const ETHNICITY_SCHEME: Scheme = Scheme::Csc;

/// One column (or XML element) of a DfE layout and how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The column or element as the DfE names it.
    pub column: &'static str,
    /// The standard's field it is read as (`assessment_factors` is kept beside the role it
    /// gives), or `None` when it is not read.
    pub field: Option<&'static str>,
    /// How, in words, for the template's documentation and `profile suggest`.
    pub how: &'static str,
}

const fn read(column: &'static str, field: &'static str, how: &'static str) -> Binding {
    Binding {
        column,
        field: Some(field),
        how,
    }
}

const fn unread(column: &'static str, how: &'static str) -> Binding {
    Binding {
        column,
        field: None,
        how,
    }
}

/// The 903 Header, with the Episodes' columns that complete each child's record.
pub static SSDA903_HEADER: &[Binding] = &[
    read("CHILD", "person_id", "the council's id of the child"),
    read(
        "SEX",
        "sex",
        "1 male, 2 female (to 2023-24); M, F, U (from 2024-25)",
    ),
    read("DOB", "date_of_birth", "dd/mm/yyyy"),
    read(
        "ETHNIC",
        "ethnicity",
        "DfE ethnicity codes (WBRI ... OOTH, REFU, NOBT), scheme csc",
    ),
    read("UPN", "upn", "unique pupil number"),
    unread(
        "MOTHER",
        "whether the child is a mother: not part of the standard",
    ),
    unread(
        "MC_DOB",
        "date of birth of the mother's child: not part of the standard",
    ),
];

/// The 903 Episodes: each child's latest episode (by `DECOM`) completes the Header's record.
pub static SSDA903_EPISODES: &[Binding] = &[
    read("CHILD", "person_id", "the Header's child"),
    unread(
        "DECOM",
        "dd/mm/yyyy: the latest episode gives the legal status",
    ),
    read(
        "LS",
        "legal_status",
        "the latest episode's legal status (C1 ... V4); every child in a 903 return was looked after in the year, so looked_after is yes",
    ),
    read(
        "HOME_POST",
        "postcode",
        "the child's home postcode, from the latest episode that has one",
    ),
    unread("RNE", "reason for new episode: not part of the standard"),
    unread("CIN", "category of need: not part of the standard"),
    unread("PLACE", "placement type: not part of the standard"),
    unread(
        "PLACE_PROVIDER",
        "placement provider: not part of the standard",
    ),
    unread("DEC", "date episode ceased: not part of the standard"),
    unread("REC", "reason episode ceased: not part of the standard"),
    unread(
        "REASON_PLACE_CHANGE",
        "reason for placement change: not part of the standard",
    ),
    unread(
        "PL_POST",
        "placement postcode: not the child's home, not read",
    ),
    unread(
        "URN",
        "Ofsted number of the placement: not part of the standard",
    ),
];

/// The 903 Missing table: one missing episode per row, all from care.
pub static SSDA903_MISSING: &[Binding] = &[
    read("CHILD", "person_id", "the Header's child"),
    unread("DOB", "read from the Header"),
    read(
        "MISSING",
        "kind",
        "M missing, A away from placement without authorisation",
    ),
    read("MIS_START", "start", "dd/mm/yyyy"),
    read("MIS_END", "end", "dd/mm/yyyy"),
];

/// The CIN census: one `<Child>` per child. Elements are found by name anywhere in the child;
/// each assessment's factors (in any `CINdetails`) are gathered.
pub static CIN_CENSUS: &[Binding] = &[
    read("LAchildID", "person_id", "the council's id of the child"),
    read("UPN", "upn", "unique pupil number"),
    read(
        "FormerUPN",
        "upn",
        "read as the UPN when the child has no UPN",
    ),
    unread(
        "UPNunknown",
        "why there is no UPN (UN1 ... UN7): the UPN is left blank",
    ),
    read("PersonBirthDate", "date_of_birth", "yyyy-mm-dd"),
    unread(
        "ExpectedPersonBirthDate",
        "an unborn child's expected date: no date of birth is read",
    ),
    read(
        "GenderCurrent",
        "sex",
        "1 male, 2 female, 0 not recorded or unborn, 9 indeterminate (to 2023-24)",
    ),
    read("Sex", "sex", "M, F, U (from 2024-25)"),
    read(
        "Ethnicity",
        "ethnicity",
        "DfE ethnicity codes (WBRI ... OOTH, REFU, NOBT), scheme csc",
    ),
    read(
        "AssessmentFactors",
        "assessment_factors",
        "every factor identified at any assessment, kept as recorded; 11A gives the role at_risk and 10A a missing history of yes",
    ),
    unread("PersonDeathDate", "not part of the standard"),
    unread("Disability", "not part of the standard"),
    unread(
        "LEA",
        "the council's DfE number, in the file's Header: not read (the return's agency is the council)",
    ),
];

/// What a DfE sex code means: 903 `SEX`, CIN `GenderCurrent` and CIN `Sex`. `None` when the
/// text is none of them.
pub fn sex(text: &str) -> Option<Coded> {
    SEX_CODES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(text.trim()))
        .map(|(_, coded)| *coded)
}

/// Sex codes of the DfE returns. 0 is "not recorded or unborn" in the CIN schema; 9 is
/// "indeterminate" there and "not specified" in older guidance: a sex nobody can state, so
/// not known; U is "unknown" in both returns from 2024-25.
pub static SEX_CODES: &[(&str, Coded)] = &[
    ("1", Coded::Code("male")),
    ("2", Coded::Code("female")),
    ("M", Coded::Code("male")),
    ("F", Coded::Code("female")),
    ("0", Coded::Unknown(Unknown::NotRecorded)),
    ("9", Coded::Unknown(Unknown::NotKnown)),
    ("U", Coded::Unknown(Unknown::NotKnown)),
];

/// The 903 legal status codes (`LS`), each the standard's legal status of the same code, with
/// the child looked after: the 903 return holds only children looked after in the year.
pub static LEGAL_STATUS: &[&str] = &[
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
];

/// The standard's (legal status, looked after) for a 903 `LS` code; `None` when the text is
/// not one.
pub fn legal_status(text: &str) -> Option<(&'static str, &'static str)> {
    LEGAL_STATUS
        .iter()
        .find(|code| code.eq_ignore_ascii_case(text.trim()))
        .map(|code| (*code, "yes"))
}

/// The standard's missing kind for a 903 `MISSING` code: M missing (whereabouts unknown), A
/// away from placement without authorisation (whereabouts known).
pub fn missing_kind(text: &str) -> Option<&'static str> {
    match text.trim() {
        "M" | "m" => Some("missing"),
        "A" | "a" => Some("away"),
        _ => None,
    }
}

/// Where a 903 missing episode was from: every child in the return is looked after, and the
/// DfE defines the episode as missing or away from the placement.
pub const MISSING_FROM: &str = "care";

/// What an assessment factor of the CIN census means for this data call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactorMeaning {
    /// 11A: a social worker's assessment identified concerns that the child may be at risk of
    /// harm from child sexual exploitation. That is a concern, not a finding that the child
    /// was exploited: the person's role is `at_risk`, never `victim`. A child another agency
    /// records as a victim is a victim through that record once linked.
    AtRiskOfSexualExploitation,
    /// 10A: concerns about the child going or being missing. The child has a history of going
    /// missing (`missing_history` yes); the census gives no episodes.
    WentMissing,
    /// Any other factor: kept, with no effect on role or missing history.
    Other,
}

/// One factor identified at assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    pub code: &'static str,
    /// The DfE's label, shortened.
    pub label: &'static str,
    pub meaning: FactorMeaning,
}

const fn factor(code: &'static str, label: &'static str) -> Factor {
    Factor {
        code,
        label,
        meaning: FactorMeaning::Other,
    }
}

/// The factors identified at assessment in the CIN census (`AssessmentFactors`), as the
/// schema and validator list them (8A was withdrawn; 18A and 19A were split into B and C).
pub static FACTORS: &[Factor] = &[
    factor("1A", "Alcohol misuse by the child"),
    factor("1B", "Alcohol misuse by the parent(s) or carer(s)"),
    factor("1C", "Alcohol misuse by another person in the household"),
    factor("2A", "Drug misuse by the child"),
    factor("2B", "Drug misuse by the parent(s) or carer(s)"),
    factor("2C", "Drug misuse by another person in the household"),
    factor("3A", "Domestic abuse: the child the subject"),
    factor(
        "3B",
        "Domestic abuse: the parent(s) or carer(s) the subject",
    ),
    factor(
        "3C",
        "Domestic abuse: another person in the household the subject",
    ),
    factor("4A", "Mental health of the child"),
    factor("4B", "Mental health of the parent(s) or carer(s)"),
    factor("4C", "Mental health of another person in the household"),
    factor("5A", "Learning disability of the child"),
    factor("5B", "Learning disability of the parent(s) or carer(s)"),
    factor(
        "5C",
        "Learning disability of another person in the household",
    ),
    factor("6A", "Physical disability or illness of the child"),
    factor(
        "6B",
        "Physical disability or illness of the parent(s) or carer(s)",
    ),
    factor(
        "6C",
        "Physical disability or illness of another person in the household",
    ),
    factor("7A", "Young carer"),
    factor(
        "8B",
        "Privately fostered: overseas child who intends to return",
    ),
    factor(
        "8C",
        "Privately fostered: overseas child who intends to stay",
    ),
    factor(
        "8D",
        "Privately fostered: UK child in an educational placement",
    ),
    factor(
        "8E",
        "Privately fostered: UK child in an alternative family arrangement",
    ),
    factor("8F", "Privately fostered: other"),
    factor("9A", "Unaccompanied asylum-seeking child"),
    Factor {
        code: "10A",
        label: "Going or being missing",
        meaning: FactorMeaning::WentMissing,
    },
    Factor {
        code: "11A",
        label: "Child sexual exploitation",
        meaning: FactorMeaning::AtRiskOfSexualExploitation,
    },
    factor("12A", "Trafficking"),
    factor("13A", "Gangs"),
    factor("14A", "Socially unacceptable behaviour"),
    factor("15A", "Self-harm"),
    factor("16A", "Neglect"),
    factor("17A", "Emotional abuse"),
    factor("18A", "Physical abuse (before the split into 18B and 18C)"),
    factor("18B", "Physical abuse by another child"),
    factor("18C", "Physical abuse by an adult"),
    factor("19A", "Sexual abuse (before the split into 19B and 19C)"),
    factor("19B", "Sexual abuse by another child"),
    factor("19C", "Sexual abuse by an adult"),
    factor("20", "Other"),
    factor("21", "No factors identified"),
    factor("22A", "Female genital mutilation"),
    factor("23A", "Abuse linked to faith or belief"),
    factor("24A", "Child criminal exploitation"),
];

/// The factor a text names ("11A", " 11a "), if any.
pub fn factor_of(text: &str) -> Option<&'static Factor> {
    let key = fold(text).replace(' ', "");
    FACTORS.iter().find(|f| fold(f.code) == key)
}

/// The person roles a set of factors gives: `at_risk` when 11A is among them.
pub fn roles_of(factors: &[&Factor]) -> &'static [&'static str] {
    if factors
        .iter()
        .any(|f| f.meaning == FactorMeaning::AtRiskOfSexualExploitation)
    {
        &["at_risk"]
    } else {
        &[]
    }
}

/// The missing history a set of factors gives: yes when 10A is among them, else nothing (a
/// factor not identified is not a finding that the child never went missing).
pub fn missing_history_of(factors: &[&Factor]) -> Option<&'static str> {
    factors
        .iter()
        .any(|f| f.meaning == FactorMeaning::WentMissing)
        .then_some("yes")
}

/// Why a CIN child has no UPN (`UPNunknown`).
pub static UPN_UNKNOWN: &[(&str, &str)] = &[
    ("UN1", "Child not of school age"),
    ("UN2", "Child never been in a school"),
    ("UN3", "Child born abroad"),
    ("UN4", "UPN not yet allocated"),
    ("UN5", "Sources collating UPNs reflect an error"),
    (
        "UN6",
        "Child whose UPN has not yet been allocated by a school",
    ),
    ("UN7", "Referral with no further action"),
];

/// The sentence a methodology gives the base of a figure about children with factor 11A.
pub const FACTOR_11A_BASE: &str = "Children with factor 11A are counted as at risk of child sexual exploitation, not as victims: 11A records that a social worker's assessment in the census year identified concerns that the child may be at risk of harm from sexual exploitation. The base is the children whose council sent its CIN census and who had an assessment with factors recorded; children with concerns that were never assessed, and councils that sent no census, are outside it, and a child another agency records as a victim is counted as a victim once the records are linked.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_row_names_its_table() {
        let headers = |list: &[&str]| list.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Ssda903Table::of_headers(&headers(Ssda903Table::Header.columns())),
            Some(Ssda903Table::Header)
        );
        assert_eq!(
            Ssda903Table::of_headers(&headers(&[
                "child",
                "Dob",
                "MISSING",
                "mis_start",
                "MIS END"
            ])),
            Some(Ssda903Table::Missing)
        );
        // UASC's columns are not all in the Header, nor the Header's in UASC.
        assert_eq!(
            Ssda903Table::of_headers(&headers(&["CHILD", "SEX", "DOB", "DUC"])),
            Some(Ssda903Table::Uasc)
        );
        assert_eq!(
            Ssda903Table::of_headers(&headers(&["CHILD", "SEX", "DOB"])),
            None
        );
    }

    #[test]
    fn codes_read_as_written() {
        assert_eq!(sex(" 2 "), Some(Coded::Code("female")));
        assert_eq!(sex("m"), Some(Coded::Code("male")));
        assert_eq!(sex("X"), None);
        assert_eq!(legal_status("c2"), Some(("C2", "yes")));
        assert_eq!(legal_status("C4"), None);
        assert_eq!(missing_kind("A"), Some("away"));
        assert_eq!(factor_of(" 11a").map(|f| f.code), Some("11A"));
        assert_eq!(factor_of("99Z"), None);
    }
}
