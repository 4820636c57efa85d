//! A person-record CSV with its ground truth, for benchmarking record linkage.
//!
//! This module answers "how well does a linkage engine find the records of one person when
//! they are hard to tell apart?" It draws a UK-style population in which many people share
//! common names, households share a family name and postcode, siblings have close dates of
//! birth and a few are twins; then writes several records for most people, each corrupted
//! independently (nicknames, typos, swapped names, transposed or partial dates, moves,
//! missing fields), shuffled so that the records of one person are never adjacent. The
//! `true_id` column says which records are the same person.
//!
//! Columns: `record_id,given_name,family_name,other_names,date_of_birth,sex,postcode,town,
//! nhs_number,true_id`. Dates are `YYYY-MM-DD`, `YYYY` when only the year is recorded, or
//! empty. Postcodes are in made-up areas ([`crate::people_names::AREAS`]); NHS numbers have a
//! valid check digit unless a typo broke it.
//!
//! Output depends only on [`PeopleOptions`]: each household, person and record has its own
//! ChaCha stream derived from the seed and its index, so the same options give the same bytes.

use crate::name_model::{Cluster, FamilyName, NameModel, Weighted};
use crate::people_names::{AREAS, GIVEN_FEMALE, GIVEN_MALE, NICKNAMES};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_standard::PartialDate;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What to write.
#[derive(Debug, Clone)]
pub struct PeopleOptions {
    /// Exactly this many records are written.
    pub records: usize,
    pub seed: u64,
}

/// What [`write_people`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PeopleWritten {
    pub records: usize,
    /// Distinct people (`true_id` values).
    pub entities: usize,
}

/// The header row.
pub const COLUMNS: [&str; 10] = [
    "record_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "postcode",
    "town",
    "nhs_number",
    "true_id",
];

/// How many records a person has, and how likely that is.
pub const RECORDS_PER_PERSON: [(u8, f64); 15] = [
    (1, 0.40),
    (2, 0.27),
    (3, 0.14),
    (4, 0.08),
    (5, 0.035),
    (6, 0.025),
    (7, 0.016),
    (8, 0.011),
    (9, 0.008),
    (10, 0.005),
    (11, 0.004),
    (12, 0.003),
    (13, 0.0015),
    (14, 0.001),
    (15, 0.0005),
];

/// The day ages are counted to: 2024-03-31.
const REFERENCE_DAY: i64 = crate::world::PERIOD_END;
/// Share of households that have more than one person in the set.
const P_SHARED_HOUSEHOLD: f64 = 0.061;
/// Share of shared households with twins.
const P_TWIN_HOUSEHOLD: f64 = 0.027;

/// Rates at which one record differs from the person, for every record after the person's
/// first. The first is corrupted at [`rates::FIRST_RECORD_FACTOR`] times these rates. Within
/// one field the kinds of error exclude each other.
pub mod rates {
    /// The given name written as a nickname or formal form, when the name has one.
    pub const GIVEN_NICKNAME: f64 = 0.12;
    /// One character inserted, deleted, substituted, or two transposed.
    pub const GIVEN_TYPO: f64 = 0.12;
    pub const GIVEN_INITIAL: f64 = 0.03;
    pub const GIVEN_MISSING: f64 = 0.03;
    pub const FAMILY_TYPO: f64 = 0.12;
    /// Another family name (married, or the other parent's), for females.
    pub const FAMILY_CHANGED_FEMALE: f64 = 0.07;
    /// Another family name, for males.
    pub const FAMILY_CHANGED_MALE: f64 = 0.01;
    /// Joined with another family name, with a hyphen or a space.
    pub const FAMILY_DOUBLE: f64 = 0.02;
    pub const FAMILY_MISSING: f64 = 0.02;
    /// Given and family names in each other's columns.
    pub const NAMES_SWAPPED: f64 = 0.03;
    /// A name with letters outside ASCII written without its accents.
    pub const ACCENTS_DROPPED: f64 = 0.3;
    pub const DOB_MISSING: f64 = 0.08;
    /// Day and month swapped, among dates whose day is 12 or less and differs from the month.
    pub const DOB_DAY_MONTH: f64 = 0.04;
    /// One digit of the year's last, the month or the day changed, giving a valid date other
    /// than one a year away.
    pub const DOB_DIGIT: f64 = 0.05;
    pub const DOB_YEAR_OFF_BY_ONE: f64 = 0.03;
    pub const DOB_YEAR_ONLY: f64 = 0.03;
    pub const SEX_MISSING: f64 = 0.10;
    pub const SEX_WRONG: f64 = 0.01;
    /// Another address: the person's previous one or a new one.
    pub const POSTCODE_MOVED: f64 = 0.15;
    /// One character changed (or the two final letters transposed), keeping the shape.
    pub const POSTCODE_TYPO: f64 = 0.04;
    pub const POSTCODE_MISSING: f64 = 0.10;
    pub const TOWN_MISSING: f64 = 0.10;
    /// One digit changed, among records that have the NHS number.
    pub const NHS_TYPO: f64 = 0.02;
    /// Not a corruption: how often a record has the NHS number at all.
    pub const NHS_PRESENT: f64 = 0.30;
    /// Not a corruption: how often a record carries an alias in `other_names`.
    pub const ALIAS: f64 = 0.05;
    /// How the first record of a person is corrupted relative to the others.
    pub const FIRST_RECORD_FACTOR: f64 = 0.5;
}

/// Writes `options.records` person records, as CSV with a header, to `out`.
pub fn write_people<W: Write>(out: W, options: &PeopleOptions) -> std::io::Result<PeopleWritten> {
    let lists = Lists::new();
    let people = population(options, &lists);
    let order = order(&people, options.seed);
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, out));
    writer.write_record(COLUMNS)?;
    let width = 7.max(order.len().to_string().len());
    let entity_width = 6.max(people.len().to_string().len());
    for (position, &(entity, copy)) in order.iter().enumerate() {
        let person = &people[entity as usize];
        let row = record(person, entity, copy, options.seed, &lists);
        let record_id = format!("R{:0width$}", position + 1);
        let true_id = format!("P{:0entity_width$}", entity + 1);
        writer.write_record([
            record_id.as_str(),
            &row.given,
            &row.family,
            &row.other_names,
            &row.date_of_birth,
            row.sex,
            &row.postcode,
            row.town,
            &row.nhs_number,
            &true_id,
        ])?;
    }
    writer.flush()?;
    Ok(PeopleWritten {
        records: order.len(),
        entities: people.len(),
    })
}

/// Writes the set to a file, creating its folder.
pub fn write_people_file(path: &Path, options: &PeopleOptions) -> std::io::Result<PeopleWritten> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    write_people(std::fs::File::create(path)?, options)
}

/// One of the independent random streams: which kind of thing it draws for.
#[derive(Clone, Copy)]
enum Stream {
    Household = 1,
    Person = 2,
    Record = 3,
    Order = 4,
}

/// The generator for one household, person or record: a ChaCha stream of a key made from the
/// seed and the kind of thing, numbered by the thing's index.
fn stream(seed: u64, kind: Stream, index: u64) -> ChaCha8Rng {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ (kind as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(index);
    rng
}

/// The name and place tables, with their weights.
struct Lists {
    names: NameModel,
    areas: Weighted,
    records: Weighted,
    /// Every other form of a given name, both directions.
    nicknames: HashMap<&'static str, Vec<&'static str>>,
}

impl Lists {
    fn new() -> Lists {
        let mut nicknames: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for &(a, b) in crate::names::NICKNAMES.iter().chain(NICKNAMES) {
            for (from, to) in [(a, b), (b, a)] {
                let forms = nicknames.entry(from).or_default();
                if !forms.contains(&to) {
                    forms.push(to);
                }
            }
        }
        Lists {
            names: NameModel::new(),
            areas: Weighted::new(AREAS.iter().map(|a| f64::from(a.weight))),
            records: Weighted::new(RECORDS_PER_PERSON.iter().map(|&(_, p)| p)),
            nicknames,
        }
    }

    /// A given name for someone of `cluster` and sex born on `birth_day`.
    fn given(
        &self,
        cluster: Cluster,
        sex: Sex,
        birth_day: i64,
        rng: &mut ChaCha8Rng,
    ) -> &'static str {
        self.names.given(
            cluster,
            sex == Sex::Female,
            Birth::from_days(birth_day).year,
            rng,
        )
    }

    fn address(&self, rng: &mut ChaCha8Rng) -> Address {
        let area = self.areas.sample(rng);
        Address {
            area: area as u8,
            district: 1 + rng.random_range(0..AREAS[area].districts),
            sector: rng.random_range(0..10),
            unit: rng.random_range(0..UNITS),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sex {
    Female,
    Male,
}

impl Sex {
    fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
        }
    }

    fn other(self) -> Sex {
        match self {
            Sex::Female => Sex::Male,
            Sex::Male => Sex::Female,
        }
    }
}

/// Units (the last two letters) per postcode sector.
const UNITS: u8 = 12;
/// Letters used at the end of a postcode.
const INWARD_LETTERS: &[u8; 20] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A postcode unit in a made-up area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Address {
    area: u8,
    /// From 1.
    district: u8,
    /// 0 to 9.
    sector: u8,
    unit: u8,
}

impl Address {
    fn postcode(self) -> String {
        let mix = (usize::from(self.unit) * 97
            + usize::from(self.sector) * 31
            + usize::from(self.district) * 7)
            % 400;
        format!(
            "{}{} {}{}{}",
            AREAS[usize::from(self.area)].code,
            self.district,
            self.sector,
            char::from(INWARD_LETTERS[mix / 20]),
            char::from(INWARD_LETTERS[mix % 20]),
        )
    }

    /// The town of the district: the first town of the area has the first 60% of districts.
    fn town(self) -> &'static str {
        let area = &AREAS[usize::from(self.area)];
        let first_share = (usize::from(area.districts) * 3).div_ceil(5);
        if area.towns.len() == 1 || usize::from(self.district) <= first_share {
            area.towns[0]
        } else {
            area.towns[1 + usize::from(self.district) % (area.towns.len() - 1)]
        }
    }

    /// Another address: mostly in the same district or area.
    fn moved(self, lists: &Lists, rng: &mut ChaCha8Rng) -> Address {
        for _ in 0..16 {
            let roll: f64 = rng.random();
            let next = if roll < 0.55 {
                Address {
                    sector: rng.random_range(0..10),
                    unit: rng.random_range(0..UNITS),
                    ..self
                }
            } else if roll < 0.85 {
                Address {
                    district: 1 + rng.random_range(0..AREAS[usize::from(self.area)].districts),
                    sector: rng.random_range(0..10),
                    unit: rng.random_range(0..UNITS),
                    ..self
                }
            } else {
                lists.address(rng)
            };
            if next != self {
                return next;
            }
        }
        Address {
            unit: (self.unit + 1) % UNITS,
            ..self
        }
    }
}

/// A date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Birth {
    year: i32,
    month: u8,
    day: u8,
}

impl Birth {
    fn from_days(days: i64) -> Birth {
        let date = PartialDate::from_days_since_epoch(days)
            .expect("days within a century of the reference day are a valid date");
        Birth {
            year: date.year,
            month: date.month.unwrap_or(1),
            day: date.day.unwrap_or(1),
        }
    }

    fn days(self) -> i64 {
        sightline_standard::dates::days_from_civil(self.year, self.month, self.day)
    }

    fn is_valid(year: i32, month: u8, day: u8) -> bool {
        PartialDate::full(year, month, day).is_some()
    }

    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One person in the set, before any agency recorded them.
#[derive(Debug, Clone, Copy)]
struct Person {
    given: &'static str,
    /// The naming tradition of the person's household.
    cluster: Cluster,
    family: FamilyName,
    /// Another family name the person may be recorded under: maiden, married, or the other
    /// parent's.
    other_family: FamilyName,
    /// The given name of the alias some records carry.
    alias_given: &'static str,
    sex: Sex,
    birth: Birth,
    home: Address,
    previous: Address,
    /// Ten digits, check digit valid.
    nhs: u64,
    records: u8,
    /// Index of the household the person belongs to.
    household: u32,
}

/// Draws the population: households of people, each with their number of records, until the
/// records add up to `options.records` (the last person's count is cut to fit).
fn population(options: &PeopleOptions, lists: &Lists) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::with_capacity(options.records / 2 + 16);
    let mut total = 0usize;
    let mut household = 0u64;
    while total < options.records {
        let mut rng = stream(options.seed, Stream::Household, household);
        for mut person in draw_household(&mut rng, people.len(), options.seed, lists) {
            let count = usize::from(person.records).min(options.records - total);
            if count == 0 {
                break;
            }
            person.records = count as u8;
            person.household = household as u32;
            total += count;
            people.push(person);
        }
        household += 1;
    }
    people
}

/// The people of one household; their own traits come from their own streams, numbered from
/// `first` (the index of the household's first person).
fn draw_household(rng: &mut ChaCha8Rng, first: usize, seed: u64, lists: &Lists) -> Vec<Person> {
    let size = if rng.random_bool(P_SHARED_HOUSEHOLD) {
        match rng.random_range(0..10) {
            0..5 => 2,
            5..8 => 3,
            _ => 4,
        }
    } else {
        1
    };
    let home = lists.address(rng);
    let cluster = lists.names.cluster(rng);
    let family = lists.names.family(cluster, rng);
    let shared_previous = home.moved(lists, rng);
    let shared = Shared {
        seed,
        cluster,
        family,
        home,
        lists,
    };
    let mut people = Vec::with_capacity(size);
    let person_rng = |k: usize| stream(seed, Stream::Person, (first + k) as u64);
    if size == 1 {
        let mut r = person_rng(0);
        // Ages 0 to 90, fewer past 60.
        let age_days = if r.random_bool(0.8) {
            r.random_range(0..60 * 365)
        } else {
            r.random_range(60 * 365..90 * 365)
        };
        let sex = if r.random_bool(0.49) {
            Sex::Male
        } else {
            Sex::Female
        };
        people.push(draw_person(
            &mut r,
            &shared,
            first,
            sex,
            REFERENCE_DAY - age_days,
        ));
        people[0].previous = home.moved(lists, &mut r);
        return people;
    }
    let twins = rng.random_bool(P_TWIN_HOUSEHOLD);
    let adults = if (twins && size == 2) || !rng.random_bool(0.8) {
        0
    } else if size >= if twins { 4 } else { 3 } && rng.random_bool(0.35) {
        2
    } else {
        1
    };
    let parent_age = rng.random_range(20..=50i64);
    let oldest_child = if adults > 0 {
        (parent_age - 18).min(17)
    } else {
        17
    };
    let first_child_age = rng.random_range(0..=oldest_child);
    let parent_sex = if rng.random_bool(0.6) {
        Sex::Female
    } else {
        Sex::Male
    };
    let mut first_child: Option<Person> = None;
    for k in 0..size {
        let mut r = person_rng(k);
        let person = if k < adults {
            let (sex, age) = if k == 0 {
                (parent_sex, parent_age)
            } else {
                let sex = if r.random_bool(0.95) {
                    parent_sex.other()
                } else {
                    parent_sex
                };
                (sex, (parent_age + r.random_range(-5..=5)).max(18))
            };
            let birth = REFERENCE_DAY - age * 365 - r.random_range(0..365);
            let mut person = draw_person(&mut r, &shared, first + k, sex, birth);
            if k > 0 && r.random_bool(0.25) {
                // A partner who kept their own name.
                std::mem::swap(&mut person.family, &mut person.other_family);
            }
            person
        } else {
            let sex = if r.random_bool(0.51) {
                Sex::Male
            } else {
                Sex::Female
            };
            match first_child {
                Some(twin) if twins && k == adults + 1 => {
                    let mut person =
                        draw_person(&mut r, &shared, first + k, sex, twin.birth.days());
                    person.given = twin_name(
                        twin.given,
                        sex,
                        shared.cluster,
                        twin.birth.days(),
                        &mut r,
                        lists,
                    );
                    person
                }
                _ => {
                    let age = match first_child {
                        None => first_child_age,
                        Some(_) => (first_child_age
                            + r.random_range(1..=4) * if r.random_bool(0.5) { 1 } else { -1 })
                        .clamp(0, oldest_child),
                    };
                    let birth = REFERENCE_DAY - age * 365 - r.random_range(0..365);
                    draw_person(&mut r, &shared, first + k, sex, birth)
                }
            }
        };
        if k == adults && first_child.is_none() {
            first_child = Some(person);
        }
        let mut person = person;
        person.previous = if r.random_bool(0.7) {
            shared_previous
        } else {
            home.moved(lists, &mut r)
        };
        people.push(person);
    }
    people
}

/// A given name for the second twin: differing by one letter from the first twin's when the
/// list has one and the draw says so, else any other name.
fn twin_name(
    first: &'static str,
    sex: Sex,
    cluster: Cluster,
    birth_day: i64,
    rng: &mut ChaCha8Rng,
    lists: &Lists,
) -> &'static str {
    let names = match sex {
        Sex::Female => GIVEN_FEMALE,
        Sex::Male => GIVEN_MALE,
    };
    if rng.random_bool(0.3) {
        let close: Vec<&'static str> = names
            .iter()
            .copied()
            .filter(|n| one_edit_apart(n, first))
            .collect();
        if !close.is_empty() {
            return close[rng.random_range(0..close.len())];
        }
    }
    for _ in 0..16 {
        let name = lists.given(cluster, sex, birth_day, rng);
        if name != first {
            return name;
        }
    }
    names[(names.iter().position(|n| *n == first).unwrap_or(0) + 1) % names.len()]
}

/// Whether two names differ by exactly one inserted, deleted or substituted character.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => short.iter().zip(long).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let prefix = short
                .iter()
                .zip(long.iter())
                .take_while(|(x, y)| x == y)
                .count();
            short[prefix..] == long[prefix + 1..]
        }
        _ => false,
    }
}

/// What the people of one household share.
struct Shared<'a> {
    seed: u64,
    cluster: Cluster,
    family: FamilyName,
    home: Address,
    lists: &'a Lists,
}

/// The person at `index` of the set, born on `birth_day` (days since 1970-01-01).
fn draw_person(
    rng: &mut ChaCha8Rng,
    shared: &Shared,
    index: usize,
    sex: Sex,
    birth_day: i64,
) -> Person {
    let lists = shared.lists;
    let cluster = shared.cluster;
    let given = lists.given(cluster, sex, birth_day, rng);
    let mut alias_given = lists.given(cluster, sex, birth_day, rng);
    if alias_given == given {
        alias_given = lists.given(cluster, sex, birth_day, rng);
    }
    Person {
        given,
        cluster,
        family: lists
            .names
            .own_family(cluster, sex == Sex::Female, shared.family, rng),
        other_family: lists.names.family(cluster, rng),
        alias_given,
        sex,
        birth: Birth::from_days(birth_day),
        home: shared.home,
        previous: shared.home,
        nhs: nhs_number(index as u64, shared.seed),
        records: RECORDS_PER_PERSON[lists.records.sample(rng)].0,
        household: 0,
    }
}

/// A distinct valid NHS number for each person index below 250 million: an affine
/// permutation spreads the indices, doubled so that where the check digit would be 10 the
/// next (odd) number can be taken without meeting another person's.
fn nhs_number(index: u64, seed: u64) -> u64 {
    const SPAN: u64 = 250_000_000;
    let spread = (index % SPAN * 48_271 + seed % SPAN + 12_345_679) % SPAN;
    let mut base = 400_000_000 + 2 * spread;
    loop {
        let mut digits = [0u64; 9];
        let mut rest = base;
        for d in digits.iter_mut().rev() {
            *d = rest % 10;
            rest /= 10;
        }
        let sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u64))
            .sum();
        match 11 - sum % 11 {
            10 => base += 1,
            11 => return base * 10,
            check => return base * 10 + check,
        }
    }
}

/// One record as written.
struct Row {
    given: String,
    family: String,
    other_names: String,
    date_of_birth: String,
    sex: &'static str,
    postcode: String,
    town: &'static str,
    nhs_number: String,
}

/// The `copy`-th record of a person, corrupted by its own stream.
fn record(person: &Person, entity: u32, copy: u8, seed: u64, lists: &Lists) -> Row {
    let mut rng = stream(
        seed,
        Stream::Record,
        (u64::from(entity) << 8) | u64::from(copy),
    );
    let k = if copy == 0 {
        rates::FIRST_RECORD_FACTOR
    } else {
        1.0
    };
    let rng = &mut rng;

    let cut = [
        rates::GIVEN_MISSING,
        rates::GIVEN_INITIAL,
        rates::GIVEN_TYPO,
        rates::GIVEN_NICKNAME,
    ];
    let mut given = match pick(rng.random(), &cut, k) {
        Some(0) => String::new(),
        Some(1) => person.given.chars().take(1).collect(),
        Some(2) => typo(person.given, rng),
        Some(3) => match lists.nicknames.get(person.given) {
            Some(forms) => forms[rng.random_range(0..forms.len())].to_string(),
            None => person.given.to_string(),
        },
        _ => person.given.to_string(),
    };

    let true_family = person.family.render();
    let mut family = {
        let changed = match person.sex {
            Sex::Female => rates::FAMILY_CHANGED_FEMALE,
            Sex::Male => rates::FAMILY_CHANGED_MALE,
        };
        let cut = [
            rates::FAMILY_MISSING,
            rates::FAMILY_TYPO,
            changed,
            rates::FAMILY_DOUBLE,
        ];
        match pick(rng.random(), &cut, k) {
            Some(0) => String::new(),
            Some(1) => typo(&true_family, rng),
            Some(2) => {
                if rng.random_bool(0.8) {
                    person.other_family.render()
                } else {
                    lists.names.family(person.cluster, rng).render()
                }
            }
            Some(3) => {
                let other = person.other_family.render();
                match rng.random_range(0..3) {
                    0 => format!("{true_family}-{other}"),
                    1 => format!("{other}-{true_family}"),
                    _ => format!("{true_family} {other}"),
                }
            }
            _ => true_family.clone(),
        }
    };
    if family.contains('\'') && rng.random_bool(0.3) {
        family = if rng.random_bool(0.5) {
            family.replace('\'', "")
        } else {
            family.replace('\'', " ")
        };
    }
    if !given.is_ascii() && rng.random_bool(rates::ACCENTS_DROPPED) {
        given = fold_accents(&given);
    }
    if !family.is_ascii() && rng.random_bool(rates::ACCENTS_DROPPED) {
        family = fold_accents(&family);
    }
    if rng.random_bool(rates::NAMES_SWAPPED * k) {
        std::mem::swap(&mut given, &mut family);
    }

    let other_names = if rng.random_bool(rates::ALIAS) {
        let alias_family = if rng.random_bool(0.6) {
            true_family
        } else {
            person.other_family.render()
        };
        format!("{} {alias_family}", person.alias_given)
    } else {
        String::new()
    };

    let date_of_birth = birth_text(person.birth, rng, k);

    let sex = match pick(rng.random(), &[rates::SEX_MISSING, rates::SEX_WRONG], k) {
        Some(0) => "",
        Some(_) => person.sex.other().code(),
        None => person.sex.code(),
    };

    let mut address = person.home;
    let postcode = match pick(
        rng.random(),
        &[
            rates::POSTCODE_MISSING,
            rates::POSTCODE_MOVED,
            rates::POSTCODE_TYPO,
        ],
        k,
    ) {
        Some(0) => String::new(),
        Some(1) => {
            address = if rng.random_bool(0.6) && person.previous != person.home {
                person.previous
            } else {
                person.home.moved(lists, rng)
            };
            address.postcode()
        }
        Some(_) => postcode_typo(&address.postcode(), rng),
        None => address.postcode(),
    };
    let town = if rng.random_bool(rates::TOWN_MISSING * k) {
        ""
    } else {
        address.town()
    };

    let nhs_number = if rng.random_bool(rates::NHS_PRESENT) {
        let mut digits = format!("{:010}", person.nhs).into_bytes();
        if rng.random_bool(rates::NHS_TYPO * k) {
            let at = rng.random_range(0..digits.len());
            digits[at] = b'0' + (digits[at] - b'0' + rng.random_range(1..10)) % 10;
        }
        String::from_utf8(digits).expect("digits are ASCII")
    } else {
        String::new()
    };

    Row {
        given,
        family,
        other_names,
        date_of_birth,
        sex,
        postcode,
        town,
        nhs_number,
    }
}

/// Which of several exclusive outcomes a uniform draw falls in, each with probability
/// `rates[i] * factor`; `None` for none of them.
fn pick(roll: f64, rates: &[f64], factor: f64) -> Option<usize> {
    let mut at = 0.0;
    for (i, rate) in rates.iter().enumerate() {
        at += rate * factor;
        if roll < at {
            return Some(i);
        }
    }
    None
}

/// The date of birth as one record writes it.
fn birth_text(birth: Birth, rng: &mut ChaCha8Rng, k: f64) -> String {
    let cut = [
        rates::DOB_MISSING,
        rates::DOB_DAY_MONTH,
        rates::DOB_DIGIT,
        rates::DOB_YEAR_OFF_BY_ONE,
        rates::DOB_YEAR_ONLY,
    ];
    match pick(rng.random(), &cut, k) {
        Some(0) => String::new(),
        Some(1) if birth.day <= 12 && birth.day != birth.month => Birth {
            month: birth.day,
            day: birth.month,
            ..birth
        }
        .iso(),
        Some(2) => {
            // Every valid date one digit away (last digit of the year, month, day), except
            // those one year away, which are the next kind of error.
            let mut candidates = Vec::with_capacity(45);
            for at in 3..8 {
                for digit in 0..10 {
                    let (mut year, mut month, mut day) = (birth.year, birth.month, birth.day);
                    match at {
                        3 => year = year - year % 10 + digit,
                        4 => month = digit as u8 * 10 + month % 10,
                        5 => month = month - month % 10 + digit as u8,
                        6 => day = digit as u8 * 10 + day % 10,
                        _ => day = day - day % 10 + digit as u8,
                    }
                    let changed = (year, month, day) != (birth.year, birth.month, birth.day);
                    if changed
                        && (year - birth.year).abs() != 1
                        && Birth::is_valid(year, month, day)
                    {
                        candidates.push(Birth { year, month, day });
                    }
                }
            }
            candidates[rng.random_range(0..candidates.len())].iso()
        }
        Some(3) => {
            let year = birth.year + if rng.random_bool(0.5) { 1 } else { -1 };
            let day = if Birth::is_valid(year, birth.month, birth.day) {
                birth.day
            } else {
                28
            };
            Birth { year, day, ..birth }.iso()
        }
        Some(4) => format!("{:04}", birth.year),
        _ => birth.iso(),
    }
}

fn random_lower(rng: &mut ChaCha8Rng) -> char {
    char::from(b'a' + rng.random_range(0..26u8))
}

/// One typing error: a character inserted, deleted or substituted, or two neighbours
/// transposed. The first letter is hit in about one typo in ten.
fn typo(text: &str, rng: &mut ChaCha8Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    for _ in 0..16 {
        let mut c = chars.clone();
        let len = c.len();
        match rng.random_range(0..4) {
            0 => {
                let at = rng.random_range(1..=len);
                c.insert(at, random_lower(rng));
            }
            1 if len > 2 => {
                c.remove(rng.random_range(1..len));
            }
            2 => {
                if len == 1 || rng.random_bool(0.1) {
                    c[0] = random_lower(rng).to_ascii_uppercase();
                } else {
                    c[rng.random_range(1..len)] = random_lower(rng);
                }
            }
            3 if len > 2 => {
                let at = if rng.random_bool(0.1) {
                    0
                } else {
                    rng.random_range(1..len - 1)
                };
                c.swap(at, at + 1);
                if at == 0 {
                    // Keep the capital at the front: "Ben" -> "Ebn".
                    c[0] = c[0].to_uppercase().next().unwrap_or(c[0]);
                    c[1] = c[1].to_lowercase().next().unwrap_or(c[1]);
                }
            }
            _ => continue,
        }
        let out: String = c.into_iter().collect();
        if out.to_lowercase() != text.to_lowercase() {
            return out;
        }
    }
    text.to_string()
}

/// The postcode with one character changed for another of its kind, or its last two letters
/// transposed; still shaped like a postcode.
fn postcode_typo(postcode: &str, rng: &mut ChaCha8Rng) -> String {
    let mut bytes = postcode.as_bytes().to_vec();
    let len = bytes.len();
    if len >= 2 && bytes[len - 1] != bytes[len - 2] && rng.random_bool(0.25) {
        bytes.swap(len - 1, len - 2);
    } else {
        // Not the area's first letter, so that the area stays a made-up one.
        let positions: Vec<usize> = (1..len).filter(|&i| bytes[i] != b' ').collect();
        let at = positions[rng.random_range(0..positions.len())];
        let old = bytes[at];
        bytes[at] = if old.is_ascii_digit() {
            let mut d = b'0' + rng.random_range(0..10);
            if at == 2 && d == b'0' && !bytes[1].is_ascii_digit() {
                // A district does not start with 0.
                d = b'1';
            }
            if d == old {
                if d == b'9' { b'1' } else { d + 1 }
            } else {
                d
            }
        } else if at + 2 >= len {
            let pick = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len())];
            if pick == old {
                b'A' + (old - b'A' + 1) % 26
            } else {
                pick
            }
        } else {
            b'A' + (old - b'A' + rng.random_range(1..26)) % 26
        };
    }
    String::from_utf8(bytes).expect("postcodes are ASCII")
}

/// The name with the accented letters this module uses written plainly ("Zoë" -> "Zoe").
fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'â' | 'ä' | 'à' | 'ą' => 'a',
            'é' | 'ê' | 'ë' | 'è' | 'ę' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' | 'ò' => 'o',
            'ú' | 'û' | 'ü' => 'u',
            'ł' => 'l',
            'ń' | 'ñ' => 'n',
            'ś' | 'ş' => 's',
            'ź' | 'ż' => 'z',
            'ç' => 'c',
            'Ł' => 'L',
            'Ó' | 'Ö' => 'O',
            'Ş' | 'Ś' => 'S',
            'É' => 'E',
            other => other,
        })
        .collect()
}

/// The order records are written in: a seeded shuffle of every (person, record number), then
/// any two neighbours of one person are separated by swapping one of them with a random
/// record elsewhere. (Only a set dominated by one person, a few records long, can keep a
/// neighbouring pair.)
fn order(people: &[Person], seed: u64) -> Vec<(u32, u8)> {
    let mut slots: Vec<(u32, u8)> = people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| (0..p.records).map(move |copy| (i as u32, copy)))
        .collect();
    let mut rng = stream(seed, Stream::Order, 0);
    for i in (1..slots.len()).rev() {
        let j = rng.random_range(0..=i);
        slots.swap(i, j);
    }
    let n = slots.len();
    let clash = |slots: &[(u32, u8)], at: usize| {
        (at > 0 && slots[at - 1].0 == slots[at].0) || (at + 1 < n && slots[at + 1].0 == slots[at].0)
    };
    for i in 1..n {
        if slots[i].0 != slots[i - 1].0 {
            continue;
        }
        for _ in 0..64 {
            let j = rng.random_range(0..n);
            slots.swap(i, j);
            if !clash(&slots, i) && !clash(&slots, j) && !clash(&slots, i - 1) {
                break;
            }
            slots.swap(i, j);
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for index in 0..200_000 {
            let number = nhs_number(index, 7);
            let text = format!("{number:010}");
            assert!(
                sightline_standard::identifiers::parse_nhs_number(&text).is_ok(),
                "{text}"
            );
            assert!(seen.insert(number), "{text} twice");
        }
    }

    #[test]
    fn one_edit_apart_is_levenshtein_one() {
        assert!(!one_edit_apart("Ella", "Ellen"));
        assert!(one_edit_apart("Ava", "Eva"));
        assert!(one_edit_apart("Lila", "Lola"));
        assert!(one_edit_apart("Jon", "John"));
        assert!(!one_edit_apart("Mia", "Mia"));
        assert!(!one_edit_apart("Amy", "Mya"));
    }

    /// Optimal string alignment distance, ignoring case: insertions, deletions,
    /// substitutions, and transpositions of neighbours.
    fn edit_distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.to_lowercase().chars().collect();
        let b: Vec<char> = b.to_lowercase().chars().collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    enum Seen {
        Clean,
        Missing,
        Initial,
        Typo,
        Nickname,
        Changed,
        Double,
        Other,
    }

    fn given_kind(text: &str, person: &Person, lists: &Lists) -> Seen {
        let given = person.given;
        if text.is_empty() {
            Seen::Missing
        } else if text == given || text == fold_accents(given) {
            Seen::Clean
        } else if text.chars().count() == 1 && given.starts_with(text) {
            Seen::Initial
        } else if lists
            .nicknames
            .get(given)
            .is_some_and(|forms| forms.contains(&text))
        {
            Seen::Nickname
        } else if edit_distance(text, given) == 1 {
            Seen::Typo
        } else {
            Seen::Other
        }
    }

    fn family_kind(text: &str, person: &Person) -> Seen {
        let family = person.family.render();
        let other = person.other_family.render();
        let plain = |t: &str| t.replace(['\'', ' '], "");
        if text.is_empty() {
            Seen::Missing
        } else if text == family
            || text == fold_accents(&family)
            || (family.contains('\'') && plain(text) == plain(&family))
        {
            Seen::Clean
        } else if text == format!("{family}-{other}")
            || text == format!("{other}-{family}")
            || text == format!("{family} {other}")
        {
            Seen::Double
        } else if edit_distance(text, &family) == 1 {
            Seen::Typo
        } else if text == other {
            Seen::Changed
        } else {
            // A family name drawn afresh: also a change.
            Seen::Other
        }
    }

    /// Counts of what was seen, per field, over the records of one kind (first or later).
    #[derive(Default)]
    struct Tally {
        records: usize,
        counts: HashMap<(&'static str, Seen), usize>,
        swapped: usize,
        dob_eligible: usize,
        dob_day_month: usize,
        nicknamable: usize,
        nicknamed: usize,
        nhs_present: usize,
        nhs_typo: usize,
        alias: usize,
        postcode_present: usize,
        town_wrong: usize,
    }

    impl Tally {
        fn add(&mut self, field: &'static str, seen: Seen) {
            *self.counts.entry((field, seen)).or_default() += 1;
        }

        fn rate(&self, field: &'static str, seen: Seen) -> f64 {
            self.counts.get(&(field, seen)).copied().unwrap_or(0) as f64 / self.records as f64
        }
    }

    fn observe(tally: &mut Tally, person: &Person, row: &Row, lists: &Lists) {
        tally.records += 1;
        let straight = (
            given_kind(&row.given, person, lists),
            family_kind(&row.family, person),
        );
        let crossed = (
            given_kind(&row.family, person, lists),
            family_kind(&row.given, person),
        );
        let (given, family) =
            if straight.0 == Seen::Other && crossed.0 != Seen::Other && crossed.1 != Seen::Other {
                tally.swapped += 1;
                crossed
            } else {
                straight
            };
        tally.add("given", given);
        tally.add("family", family);
        if lists.nicknames.contains_key(person.given) {
            tally.nicknamable += 1;
            tally.nicknamed += usize::from(given == Seen::Nickname);
        }

        let birth = person.birth;
        let eligible = birth.day <= 12 && birth.day != birth.month;
        tally.dob_eligible += usize::from(eligible);
        let dob = &row.date_of_birth;
        let seen = if dob.is_empty() {
            Seen::Missing
        } else if dob.len() == 4 {
            assert_eq!(dob, &birth.year.to_string());
            Seen::Initial
        } else if *dob == birth.iso() {
            Seen::Clean
        } else {
            let year: i32 = dob[0..4].parse().expect("year");
            let month: u8 = dob[5..7].parse().expect("month");
            let day: u8 = dob[8..10].parse().expect("day");
            assert!(Birth::is_valid(year, month, day), "{dob}");
            if eligible && (year, month, day) == (birth.year, birth.day, birth.month) {
                tally.dob_day_month += 1;
                Seen::Double
            } else if (year - birth.year).abs() == 1 && month == birth.month {
                Seen::Changed
            } else if dob
                .bytes()
                .zip(birth.iso().bytes())
                .filter(|(a, b)| a != b)
                .count()
                == 1
            {
                Seen::Typo
            } else {
                Seen::Other
            }
        };
        tally.add("dob", seen);

        let sex = match row.sex {
            "" => Seen::Missing,
            s if s == person.sex.code() => Seen::Clean,
            _ => Seen::Changed,
        };
        tally.add("sex", sex);

        let home = person.home.postcode();
        let differing = row
            .postcode
            .bytes()
            .zip(home.bytes())
            .filter(|(a, b)| a != b)
            .count();
        let postcode = if row.postcode.is_empty() {
            Seen::Missing
        } else if row.postcode == home {
            Seen::Clean
        } else if row.postcode.len() == home.len() && differing <= 2 && {
            // One character changed, or the last two letters transposed.
            let (a, b) = (row.postcode.as_bytes(), home.as_bytes());
            let n = a.len();
            differing == 1 || (a[n - 1] == b[n - 2] && a[n - 2] == b[n - 1])
        } {
            assert!(
                sightline_standard::identifiers::parse_postcode(&row.postcode).is_some(),
                "{}",
                row.postcode
            );
            Seen::Typo
        } else {
            assert!(is_known_postcode(&row.postcode), "{}", row.postcode);
            Seen::Changed
        };
        tally.add("postcode", postcode);
        if postcode != Seen::Missing {
            tally.postcode_present += 1;
        }
        if matches!(postcode, Seen::Clean | Seen::Changed) && !row.town.is_empty() {
            tally.town_wrong += usize::from(town_of(&row.postcode) != Some(row.town));
        }
        tally.add(
            "town",
            if row.town.is_empty() {
                Seen::Missing
            } else {
                Seen::Clean
            },
        );

        if !row.nhs_number.is_empty() {
            tally.nhs_present += 1;
            let truth = format!("{:010}", person.nhs);
            if row.nhs_number == truth {
                assert!(
                    sightline_standard::identifiers::parse_nhs_number(&row.nhs_number).is_ok(),
                    "{truth}"
                );
            } else {
                tally.nhs_typo += 1;
                assert_eq!(edit_distance(&row.nhs_number, &truth), 1);
            }
        }
        tally.alias += usize::from(!row.other_names.is_empty());
    }

    /// The address a postcode of a made-up area stands for, if it is one this module writes.
    fn address_of(postcode: &str) -> Option<Address> {
        let (outward, inward) = postcode.split_once(' ')?;
        let area = AREAS.iter().position(|a| outward.starts_with(a.code))?;
        let district: u8 = outward[2..].parse().ok()?;
        let sector: u8 = inward[..1].parse().ok()?;
        (0..UNITS)
            .map(|unit| Address {
                area: area as u8,
                district,
                sector,
                unit,
            })
            .find(|a| {
                a.postcode() == postcode && district >= 1 && district <= AREAS[area].districts
            })
    }

    fn is_known_postcode(postcode: &str) -> bool {
        address_of(postcode).is_some()
    }

    fn town_of(postcode: &str) -> Option<&'static str> {
        address_of(postcode).map(Address::town)
    }

    fn tallies(records: usize, seed: u64) -> (Tally, Tally, Vec<Person>) {
        let lists = Lists::new();
        let people = population(&PeopleOptions { records, seed }, &lists);
        let mut first = Tally::default();
        let mut later = Tally::default();
        for (i, person) in people.iter().enumerate() {
            for copy in 0..person.records {
                let row = record(person, i as u32, copy, seed, &lists);
                let tally = if copy == 0 { &mut first } else { &mut later };
                observe(tally, person, &row, &lists);
            }
        }
        (first, later, people)
    }

    fn near(what: &str, measured: f64, target: f64, tolerance: f64) {
        eprintln!("{what}: measured {measured:.4}, target {target:.4}");
        assert!(
            (measured - target).abs() <= tolerance,
            "{what}: measured {measured:.4}, target {target:.4} ± {tolerance}"
        );
    }

    #[test]
    fn corruption_rates_match_their_targets() {
        let (first, later, _) = tallies(100_000, 5);
        assert_eq!(first.records + later.records, 100_000);
        for (tally, factor, name) in [
            (&later, 1.0, "later"),
            (&first, rates::FIRST_RECORD_FACTOR, "first"),
        ] {
            let n = tally.records as f64;
            let changed = |female: f64, male: f64| (female * 0.5 + male * 0.5) * factor;
            let checks = [
                (
                    "given missing",
                    tally.rate("given", Seen::Missing),
                    rates::GIVEN_MISSING,
                ),
                (
                    "given initial",
                    tally.rate("given", Seen::Initial),
                    rates::GIVEN_INITIAL,
                ),
                (
                    "given typo",
                    tally.rate("given", Seen::Typo),
                    rates::GIVEN_TYPO,
                ),
                (
                    "given nickname (of names that have one)",
                    tally.nicknamed as f64 / tally.nicknamable as f64,
                    rates::GIVEN_NICKNAME,
                ),
                (
                    "family missing",
                    tally.rate("family", Seen::Missing),
                    rates::FAMILY_MISSING,
                ),
                (
                    "family typo",
                    tally.rate("family", Seen::Typo),
                    rates::FAMILY_TYPO,
                ),
                (
                    "family double",
                    tally.rate("family", Seen::Double),
                    rates::FAMILY_DOUBLE,
                ),
                (
                    "names swapped",
                    tally.swapped as f64 / n,
                    rates::NAMES_SWAPPED,
                ),
                (
                    "dob missing",
                    tally.rate("dob", Seen::Missing),
                    rates::DOB_MISSING,
                ),
                (
                    "dob day/month (of eligible dates)",
                    tally.dob_day_month as f64 / tally.dob_eligible as f64,
                    rates::DOB_DAY_MONTH,
                ),
                (
                    "dob one digit",
                    tally.rate("dob", Seen::Typo),
                    rates::DOB_DIGIT,
                ),
                (
                    "dob year ±1",
                    tally.rate("dob", Seen::Changed),
                    rates::DOB_YEAR_OFF_BY_ONE,
                ),
                (
                    "dob year only",
                    tally.rate("dob", Seen::Initial),
                    rates::DOB_YEAR_ONLY,
                ),
                (
                    "sex missing",
                    tally.rate("sex", Seen::Missing),
                    rates::SEX_MISSING,
                ),
                (
                    "sex wrong",
                    tally.rate("sex", Seen::Changed),
                    rates::SEX_WRONG,
                ),
                (
                    "postcode missing",
                    tally.rate("postcode", Seen::Missing),
                    rates::POSTCODE_MISSING,
                ),
                (
                    "postcode moved",
                    tally.rate("postcode", Seen::Changed),
                    rates::POSTCODE_MOVED,
                ),
                (
                    "postcode typo",
                    tally.rate("postcode", Seen::Typo),
                    rates::POSTCODE_TYPO,
                ),
                (
                    "town missing",
                    tally.rate("town", Seen::Missing),
                    rates::TOWN_MISSING,
                ),
                (
                    "nhs typo (of present)",
                    tally.nhs_typo as f64 / tally.nhs_present as f64,
                    rates::NHS_TYPO,
                ),
            ];
            for (what, measured, target) in checks {
                let target = target * factor;
                // About four standard errors, and at least half a point.
                let tolerance = (4.0 * (target * (1.0 - target) / n).sqrt()).max(0.005);
                near(&format!("{name}: {what}"), measured, target, tolerance);
            }
            let family_changed =
                tally.rate("family", Seen::Changed) + tally.rate("family", Seen::Other);
            near(
                &format!("{name}: family changed"),
                family_changed,
                changed(rates::FAMILY_CHANGED_FEMALE, rates::FAMILY_CHANGED_MALE),
                0.01,
            );
            near(
                &format!("{name}: nhs present"),
                tally.nhs_present as f64 / n,
                rates::NHS_PRESENT,
                0.015,
            );
            near(
                &format!("{name}: alias"),
                tally.alias as f64 / n,
                rates::ALIAS,
                0.01,
            );
            assert_eq!(tally.town_wrong, 0, "{name}: town follows the postcode");
        }
    }

    #[test]
    fn households_twins_and_sizes() {
        let lists = Lists::new();
        let people = population(
            &PeopleOptions {
                records: 300_000,
                seed: 9,
            },
            &lists,
        );
        let total: usize = people.iter().map(|p| usize::from(p.records)).sum();
        assert_eq!(total, 300_000);
        let share = people.len() as f64 / total as f64;
        assert!((0.38..=0.46).contains(&share), "{share}");
        let singletons = people.iter().filter(|p| p.records == 1).count() as f64;
        near("singletons", singletons / people.len() as f64, 0.40, 0.01);
        assert!(people.iter().any(|p| p.records >= 12));

        let mut households: HashMap<u32, Vec<&Person>> = HashMap::new();
        for p in &people {
            households.entry(p.household).or_default().push(p);
        }
        let mut shared = 0;
        let mut twins = 0;
        for members in households.values().filter(|m| m.len() > 1) {
            assert!(members.len() <= 4);
            shared += members.len();
            for m in members {
                assert_eq!(m.home, members[0].home);
            }
            // Everyone under 18 carries the household's name (where the tradition does not
            // record people as Singh and Kaur, or some girls as Begum or Bibi).
            let children: Vec<&&Person> = members
                .iter()
                .filter(|m| m.birth.days() > REFERENCE_DAY - 18 * 365)
                .collect();
            let by_sex =
                |p: &Person| matches!(p.cluster, Cluster::Indian | Cluster::SouthAsianMuslim);
            for child in children.iter().filter(|c| !by_sex(c)) {
                assert_eq!(child.family, children[0].family);
            }
            for (i, a) in children.iter().enumerate() {
                for b in &children[i + 1..] {
                    if a.birth == b.birth {
                        assert_ne!(a.given, b.given);
                        twins += 2;
                    }
                }
            }
        }
        near(
            "people in shared households",
            shared as f64 / people.len() as f64,
            0.15,
            0.015,
        );
        near(
            "twins among them",
            twins as f64 / shared as f64,
            0.02,
            0.008,
        );

        let distinct: std::collections::HashSet<String> =
            people.iter().map(|p| p.family.render()).collect();
        assert!(distinct.len() > 15_000, "{} family names", distinct.len());
        let smith = people
            .iter()
            .filter(|p| p.family == FamilyName::Listed("Smith"))
            .count() as f64;
        near("Smith", smith / people.len() as f64, 0.012, 0.005);
        let oldest = people.iter().map(|p| p.birth.year).min().unwrap_or(0);
        let youngest = people.iter().map(|p| p.birth.year).max().unwrap_or(0);
        assert!(oldest <= 1936 && youngest >= 2023, "{oldest}..{youngest}");
    }

    #[test]
    fn name_lists_have_no_duplicates() {
        use crate::people_names::{FAMILY, SURNAME_MIDDLES, SURNAME_PREFIXES, SURNAME_SUFFIXES};
        for list in [
            GIVEN_FEMALE,
            GIVEN_MALE,
            FAMILY,
            SURNAME_PREFIXES,
            SURNAME_SUFFIXES,
            SURNAME_MIDDLES,
        ] {
            let distinct: std::collections::HashSet<&str> = list.iter().copied().collect();
            assert_eq!(distinct.len(), list.len(), "{:?}", &list[..3]);
        }
        let codes: std::collections::HashSet<&str> = AREAS.iter().map(|a| a.code).collect();
        assert_eq!(codes.len(), AREAS.len());
    }

    #[test]
    fn typos_are_one_edit() {
        let mut rng = stream(1, Stream::Record, 0);
        for name in ["Jo", "Ann", "Zoë", "O'Brien", "Smith"] {
            for _ in 0..200 {
                let out = typo(name, &mut rng);
                assert_eq!(edit_distance(&out, name), 1, "{name} -> {out}");
            }
        }
        for _ in 0..500 {
            let out = postcode_typo("QA12 3AB", &mut rng);
            assert!(
                sightline_standard::identifiers::parse_postcode(&out).is_some(),
                "{out}"
            );
            assert!(out.starts_with('Q') && out != "QA12 3AB", "{out}");
        }
    }
}
