//! What does the engine know about each record, in a form that is cheap to compare?
//!
//! Records arrive one at a time as [`PersonInput`] (borrowed text) and are stored column by
//! column: every text value is folded (ASCII, upper case, letters only for names) and interned,
//! so that equality is an integer comparison, phonetic codes are computed once per distinct
//! name, and term frequencies are counts per interned value.

use rphonetic::DoubleMetaphone;
use rustc_hash::FxHashMap;
use sightline_standard::dates::PartialDate;
use sightline_standard::identifiers::parse_postcode;

/// No value: the field is missing or could not be read.
pub const NONE: u32 = u32::MAX;

/// One person record as read: borrowed text, nothing interpreted yet except dates.
#[derive(Debug, Clone, Default)]
pub struct PersonInput<'a> {
    pub id: &'a str,
    /// The agency (or file) the record came from; with `local_key`, what that source says about
    /// identity: the same key is the same person, different keys are different people.
    pub source: Option<u32>,
    pub local_key: Option<u64>,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub other_names: &'a str,
    pub birth: Option<PartialDate>,
    /// An age and the date it was true, when there is no date of birth.
    pub age: Option<(u16, PartialDate)>,
    pub sex: &'a str,
    pub postcode: &'a str,
    pub town: &'a str,
    pub local_authority: &'a str,
    /// Local authorities where the incidents the record is involved in took place.
    pub incident_local_authorities: Vec<&'a str>,
    pub nhs_number: &'a str,
    pub upn: &'a str,
    pub pnc_id: &'a str,
    pub extras: Vec<&'a str>,
}

/// A birth date at whatever precision is known; zero for an unknown part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Birth {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// With only an age: the earliest and latest possible birth years.
    pub year_min: u16,
    pub year_max: u16,
}

impl Birth {
    pub fn is_known(&self) -> bool {
        self.year != 0 || self.year_min != 0
    }

    fn from_input(birth: Option<PartialDate>, age: Option<(u16, PartialDate)>) -> Birth {
        if let Some(date) = birth
            && (1..=9999).contains(&date.year)
        {
            let year = date.year as u16;
            return Birth {
                year,
                month: date.month.unwrap_or(0),
                day: date.day.unwrap_or(0),
                year_min: year,
                year_max: year,
            };
        }
        if let Some((age, on)) = age
            && on.year > i32::from(age)
            && on.year <= 9999
        {
            let latest = (on.year - i32::from(age)) as u16;
            return Birth {
                year_min: latest.saturating_sub(1),
                year_max: latest,
                ..Birth::default()
            };
        }
        Birth::default()
    }
}

/// Interned strings, kept end to end in one buffer: comparing reads names of records from all
/// over the set, and one dense buffer stays in cache where a separate allocation per name
/// would not.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    text: String,
    /// Where each value starts in `text`; one more entry marks the end of the last.
    starts: Vec<u32>,
}

impl Interner {
    pub fn intern(&mut self, value: &str) -> u32 {
        if value.is_empty() {
            return NONE;
        }
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let id = (self.starts.len() - 1) as u32;
        self.text.push_str(value);
        self.starts.push(self.text.len() as u32);
        self.ids.insert(value.into(), id);
        id
    }

    pub fn get(&self, id: u32) -> &str {
        let at = id as usize;
        match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => self.text.get(start as usize..end as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// How many distinct values there are.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counts of each interned value in one field, for term-frequency adjustment.
#[derive(Debug, Default, Clone)]
pub struct Frequencies {
    counts: Vec<u32>,
    pub total: u64,
}

impl Frequencies {
    fn add(&mut self, id: u32) {
        if id == NONE {
            return;
        }
        let at = id as usize;
        if self.counts.len() <= at {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += 1;
        self.total += 1;
    }

    /// How many records have `id`.
    pub fn count(&self, id: u32) -> u32 {
        self.counts.get(id as usize).copied().unwrap_or(0)
    }

    /// The share of non-missing values that are `id`.
    pub fn share(&self, id: u32) -> f64 {
        let count = self.counts.get(id as usize).copied().unwrap_or(0);
        if self.total == 0 {
            0.0
        } else {
            f64::from(count) / self.total as f64
        }
    }
}

/// How names and addresses go together, counted in distinct people as near as records tell:
/// a person is a full name with a birth year (records without a year are not counted); a
/// member of a household is a given name (its short-form group, or else its sound) at a
/// family name's postcode. One person's many records then count once, mostly.
///
/// Names are not independent draws of their parts: "Muhammad Khan" is far more common than
/// "Muhammad" times "Khan". People who share a family name and a postcode are a household,
/// not a coincidence of two rare values.
#[derive(Debug, Default)]
pub struct Shared {
    people: rustc_hash::FxHashSet<(u32, u32, u16)>,
    /// Distinct people per full name, per given name, per family name.
    per_full_name: FxHashMap<(u32, u32), u32>,
    per_given: FxHashMap<u32, u32>,
    per_family: FxHashMap<u32, u32>,
    household_members: rustc_hash::FxHashSet<(u32, u32, u32)>,
    /// Distinct members per family name and full postcode.
    per_family_postcode: FxHashMap<(u32, u32), u32>,
}

/// A full name's share among people with its given name is used only when at least this many
/// other people have it: one person recorded with two birth years must not look like a crowd
/// of namesakes.
pub const MIN_NAMESAKES: u32 = 2;

/// A postcode's share among people with its family name is used when at least this many other
/// members live there (a household of two is a household).
pub const MIN_HOUSEHOLD: u32 = 1;

impl Shared {
    fn add(&mut self, given: u32, family: u32, year: u16, postcode: u32, member: u32) {
        if given == NONE || family == NONE {
            return;
        }
        if year != 0 && self.people.insert((given, family, year)) {
            *self.per_full_name.entry((given, family)).or_insert(0) += 1;
            *self.per_given.entry(given).or_insert(0) += 1;
            *self.per_family.entry(family).or_insert(0) += 1;
        }
        if postcode != NONE && self.household_members.insert((family, postcode, member)) {
            *self
                .per_family_postcode
                .entry((family, postcode))
                .or_insert(0) += 1;
        }
    }

    /// How many people (as near as records tell) have this full name.
    pub fn people_with_full_name(&self, given: u32, family: u32) -> u32 {
        self.per_full_name
            .get(&(given, family))
            .copied()
            .unwrap_or(0)
    }

    /// Of the other people with this given name, the share who also have this family name
    /// (0 unless at least [`MIN_NAMESAKES`] others do).
    pub fn family_share_within_given(&self, given: u32, family: u32) -> f64 {
        let people = self.per_given.get(&given).copied().unwrap_or(0);
        let sharing = self.people_with_full_name(given, family);
        conditional_share(sharing, people, MIN_NAMESAKES)
    }

    /// Whether several members of one family name live at this postcode.
    pub fn is_household(&self, family: u32, postcode: u32) -> bool {
        self.per_family_postcode
            .get(&(family, postcode))
            .is_some_and(|&members| members > MIN_HOUSEHOLD)
    }

    /// Of the other people with this family name, the share who live at this postcode (0
    /// unless at least [`MIN_HOUSEHOLD`] others do).
    pub fn postcode_share_within_family(&self, family: u32, postcode: u32) -> f64 {
        let people = self.per_family.get(&family).copied().unwrap_or(0);
        let sharing = self
            .per_family_postcode
            .get(&(family, postcode))
            .copied()
            .unwrap_or(0);
        conditional_share(sharing, people.max(sharing), MIN_HOUSEHOLD)
    }
}

/// Of `people` people, `sharing` share a value with one of them: the share of the others who
/// do, when at least `min_others` do.
fn conditional_share(sharing: u32, people: u32, min_others: u32) -> f64 {
    let others = sharing.saturating_sub(1);
    if others < min_others || people <= 1 {
        0.0
    } else {
        (f64::from(others) / f64::from(people - 1)).min(1.0)
    }
}

/// log2 of the share of each given name, family name and postcode (by interned id).
#[derive(Debug, Default)]
struct LogShares {
    given: Vec<f64>,
    family: Vec<f64>,
    postcode: Vec<f64>,
}

/// Which field's value shares [`Dataset::log_share`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shares {
    Given,
    Family,
    Postcode,
}

/// Which optional fields any record has: comparisons are made only for these.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Present {
    pub given_name: bool,
    pub family_name: bool,
    pub other_names: bool,
    pub birth: bool,
    pub sex: bool,
    pub postcode: bool,
    pub town: bool,
    pub local_authority: bool,
    pub incident_local_authority: bool,
    pub nhs_number: bool,
    pub upn: bool,
    pub pnc_id: bool,
}

/// Lists that most records do not have; a record's [`Row`] holds the number of its list
/// (NONE for none).
#[derive(Debug)]
pub struct RecordLists<T> {
    lists: Vec<Vec<T>>,
}

impl<T> Default for RecordLists<T> {
    fn default() -> Self {
        RecordLists { lists: Vec::new() }
    }
}

impl<T> RecordLists<T> {
    /// Keeps a list; returns its number, or NONE when it is empty.
    fn push(&mut self, list: Vec<T>) -> u32 {
        if list.is_empty() {
            NONE
        } else {
            self.lists.push(list);
            (self.lists.len() - 1) as u32
        }
    }

    /// List number `list` (empty for NONE).
    pub fn get(&self, list: u32) -> &[T] {
        self.lists.get(list as usize).map_or(&[], Vec::as_slice)
    }
}

/// What comparing needs of one record, in one cache line: a pair's comparison reads two rows
/// from anywhere in the set, and one line each is far cheaper than a line per field.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
pub struct Row {
    pub given: u32,
    pub family: u32,
    pub postcode: u32,
    pub sector: u32,
    pub district: u32,
    pub area: u32,
    pub town: u32,
    pub local_authority: u32,
    pub nhs_number: u32,
    pub upn: u32,
    pub pnc_id: u32,
    /// The numbers of the record's alias and incident-place lists (NONE for none).
    pub aliases: u32,
    pub incident_las: u32,
    pub birth: Birth,
    pub sex: u8,
    /// The postcode's length (at most 255) and which byte classes (byte % 16) it holds
    /// ([`postcode_shape`]): two postcodes one character apart differ in at most two classes
    /// and one in length, so most pairs of postcodes are told apart without reading either.
    pub postcode_len: u8,
    pub postcode_letters: u16,
}

const _: () = assert!(std::mem::size_of::<Row>() == 64, "a row is one cache line");

/// A postcode's length (at most 255) and the set of its bytes' classes, byte % 16.
pub fn postcode_shape(text: &str) -> (u8, u16) {
    let letters = text.bytes().fold(0u16, |set, byte| set | 1 << (byte % 16));
    (text.len().min(255) as u8, letters)
}

/// Every record: the compared fields row by row, the rest column by column.
#[derive(Debug, Default)]
pub struct Dataset {
    pub ids: Vec<Box<str>>,
    pub source: Vec<u32>,
    pub local_key: Vec<u64>,
    /// The compared fields, record by record.
    pub rows: Vec<Row>,
    /// Names (given, family and aliases share one interner so that swaps can be seen).
    pub names: Interner,
    /// Double Metaphone code of each interned name (indexed by name id), cut to four letters as
    /// blocking wants it (recall), interned in `phonetics`.
    pub name_phonetic: Vec<u32>,
    /// The whole Double Metaphone code of each interned name, as comparison wants it
    /// (precision: "Richardson" and "Richards" share their first four letters of sound, not
    /// all of them), interned in `phonetics`.
    pub name_sound: Vec<u32>,
    pub phonetics: Interner,
    /// Nickname groups of each interned name (indexed by name id).
    pub name_groups: Vec<u128>,
    /// Alias names, as (given, family) name ids, of the records that have any.
    pub aliases: RecordLists<(u32, u32)>,
    pub places: Interner,
    /// The local authorities of records' incidents (interned in `places`).
    pub incident_las: RecordLists<u32>,
    pub identifiers: Interner,
    /// Extra text columns, `extra_names.len()` values per record.
    pub extra_names: Vec<String>,
    pub extras: Vec<u32>,
    pub given_tf: Frequencies,
    pub family_tf: Frequencies,
    /// Who shares names and addresses with whom, counted in people rather than records.
    pub shared: Shared,
    pub postcode_tf: Frequencies,
    /// log2 of each value's share in its field (no lower than one record in the set), computed
    /// on first use, when the set is complete.
    log_shares: std::sync::OnceLock<LogShares>,
    pub present: Present,
    /// Sector, district and area of each full UK postcode interned (by its id in `places`;
    /// NONE where the id is not one), so that a postcode seen before is interned once rather
    /// than four times.
    postcode_parts: Vec<[u32; 3]>,
    encoder: DoubleMetaphone,
    whole_encoder: DoubleMetaphone,
}

/// Folds a name: the standard's lookup fold (ASCII, no accents) with letters only, upper case
/// ("O'Brien-Smith" → "OBRIENSMITH").
pub fn fold_name(text: &str) -> String {
    sightline_standard::fold::fold(text)
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_uppercase() as char)
        .collect()
}

/// Folds other text: ASCII, upper case, letters and digits, single spaces.
pub fn fold_text(text: &str) -> String {
    sightline_standard::fold::fold(text).to_ascii_uppercase()
}

fn fold_identifier(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A record's values folded and parsed, ready to be interned: all of [`Dataset::push`] that
/// needs nothing from the records before, so that a reader of many records can prepare them on
/// other threads while the dataset interns the ones before ([`Dataset::push_prepared`]).
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    id: Box<str>,
    source: u32,
    local_key: u64,
    given: String,
    family: String,
    /// (first word, last word) of each alias, folded as names.
    aliases: Vec<(String, String)>,
    birth: Birth,
    sex: u8,
    postcode: PreparedPostcode,
    town: String,
    local_authority: String,
    incident_las: Vec<String>,
    nhs_number: String,
    upn: String,
    pnc_id: String,
    extras: Vec<String>,
}

/// A postcode as it will be interned: a UK postcode's parts, or plain text.
#[derive(Debug, Clone)]
enum PreparedPostcode {
    Uk {
        full: Option<String>,
        sector: Option<String>,
        district: String,
        area: String,
    },
    Text(String),
}

impl Default for PreparedPostcode {
    fn default() -> Self {
        PreparedPostcode::Text(String::new())
    }
}

impl Prepared {
    pub fn new(input: &PersonInput) -> Prepared {
        let aliases = input
            .other_names
            .split([';', ',', '/', '|'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|alias| {
                let mut words = alias.split_whitespace();
                let first = words.next().unwrap_or("");
                let last = words.last().unwrap_or("");
                (fold_name(first), fold_name(last))
            })
            .collect();
        let sex = match fold_text(input.sex).as_str() {
            "" => 0,
            "M" | "MALE" | "1" => 1,
            "F" | "FEMALE" | "2" => 2,
            "NOT KNOWN" | "NOT RECORDED" | "NOT STATED" | "UNKNOWN" | "U" | "0" | "9" => 0,
            _ => 3,
        };
        let postcode = match parse_postcode(input.postcode) {
            Some(parsed) => PreparedPostcode::Uk {
                full: parsed
                    .inward
                    .as_ref()
                    .map(|inward| format!("{} {inward}", parsed.district)),
                sector: parsed
                    .inward
                    .as_ref()
                    .map(|inward| format!("{} {}", parsed.district, &inward[..1])),
                area: format!("{}#", parsed.area()),
                district: parsed.district,
            },
            None => PreparedPostcode::Text(fold_text(input.postcode)),
        };
        Prepared {
            id: input.id.into(),
            source: input.source.unwrap_or(NONE),
            local_key: input.local_key.unwrap_or(u64::MAX),
            given: fold_name(input.given_name),
            family: fold_name(input.family_name),
            aliases,
            birth: Birth::from_input(input.birth, input.age),
            sex,
            postcode,
            town: fold_text(input.town),
            local_authority: fold_text(input.local_authority),
            incident_las: input
                .incident_local_authorities
                .iter()
                .map(|text| fold_text(text))
                .collect(),
            nhs_number: fold_identifier(input.nhs_number),
            upn: fold_identifier(input.upn),
            pnc_id: fold_identifier(input.pnc_id),
            extras: input.extras.iter().map(|text| fold_text(text)).collect(),
        }
    }
}

impl Dataset {
    pub fn new(extra_names: Vec<String>) -> Dataset {
        Dataset {
            extra_names,
            encoder: DoubleMetaphone::default(),
            whole_encoder: DoubleMetaphone::new(None),
            ..Dataset::default()
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Interns a folded name ([`fold_name`]).
    fn name(&mut self, folded: &str) -> u32 {
        let id = self.names.intern(folded);
        if id != NONE && id as usize == self.name_phonetic.len() {
            // A new name: its code, once. Folding made it ASCII, which the encoder needs.
            let code = self.encoder.double_metaphone(folded).primary();
            let whole = self.whole_encoder.double_metaphone(folded).primary();
            let code = if code.is_empty() {
                folded.to_string()
            } else {
                code
            };
            let whole = if whole.is_empty() {
                folded.to_string()
            } else {
                whole
            };
            let phonetic = self.phonetics.intern(&code);
            self.name_phonetic.push(phonetic);
            let sound = self.phonetics.intern(&whole);
            self.name_sound.push(sound);
            self.name_groups
                .push(crate::nicknames::group_bits(self.names.get(id)));
        }
        id
    }

    /// log2 of the share of records with value `id` in a field, never below one record in the
    /// set: what an exact match on a value that common is worth against chance; None when no
    /// record has it in that field. The set must be complete (computed once, on first use).
    pub fn log_share(&self, field: Shares, id: u32) -> Option<f64> {
        self.log_shares(field)
            .get(id as usize)
            .copied()
            .filter(|v| !v.is_nan())
    }

    /// [`Dataset::log_share`] of every value of a field, by id (NaN where no record has it).
    pub fn log_shares(&self, field: Shares) -> &[f64] {
        let shares = self.log_shares.get_or_init(|| {
            let floor = 1.0 / (self.len().max(2) as f64);
            let table = |tf: &Frequencies, values: usize| -> Vec<f64> {
                (0..values as u32)
                    .map(|id| match tf.share(id) {
                        0.0 => f64::NAN,
                        share => share.max(floor).log2(),
                    })
                    .collect()
            };
            LogShares {
                given: table(&self.given_tf, self.names.len()),
                family: table(&self.family_tf, self.names.len()),
                postcode: table(&self.postcode_tf, self.places.len()),
            }
        });
        match field {
            Shares::Given => &shares.given,
            Shares::Family => &shares.family,
            Shares::Postcode => &shares.postcode,
        }
    }

    /// The four-letter sound of a name, for blocking.
    pub fn phonetic(&self, name: u32) -> u32 {
        self.name_phonetic
            .get(name as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// The whole sound of a name, for comparison.
    pub fn sound(&self, name: u32) -> u32 {
        self.name_sound.get(name as usize).copied().unwrap_or(NONE)
    }

    /// Adds one record.
    pub fn push(&mut self, input: &PersonInput) {
        self.push_prepared(Prepared::new(input));
    }

    /// Adds one record already folded and parsed ([`Prepared::new`]): what is left is
    /// interning, in record order, so that ids do not depend on who prepared the records.
    pub fn push_prepared(&mut self, input: Prepared) {
        self.ids.push(input.id);
        self.source.push(input.source);
        self.local_key.push(input.local_key);
        let given = self.name(&input.given);
        let family = self.name(&input.family);
        self.given_tf.add(given);
        self.family_tf.add(family);
        self.present.given_name |= given != NONE;
        self.present.family_name |= family != NONE;

        let aliases = input
            .aliases
            .iter()
            .map(|(first, last)| (self.name(first), self.name(last)))
            .collect();
        let aliases = self.aliases.push(aliases);
        self.present.other_names |= aliases != NONE;

        let birth = input.birth;
        self.present.birth |= birth.is_known();
        let sex = input.sex;
        self.present.sex |= sex != 0;

        let (postcode, sector, district, area) = match &input.postcode {
            PreparedPostcode::Uk {
                full,
                sector,
                district,
                area,
            } => {
                let full = full
                    .as_deref()
                    .map_or(NONE, |full| self.places.intern(full));
                // A full postcode seen before gives its parts as they were interned then.
                match self.postcode_parts.get(full as usize) {
                    Some(&[sector, district, area]) if full != NONE && sector != NONE => {
                        (full, sector, district, area)
                    }
                    _ => {
                        let sector = sector
                            .as_deref()
                            .map_or(NONE, |sector| self.places.intern(sector));
                        let area = self.places.intern(area);
                        let district = self.places.intern(district);
                        if full != NONE {
                            if self.postcode_parts.len() <= full as usize {
                                self.postcode_parts.resize(full as usize + 1, [NONE; 3]);
                            }
                            self.postcode_parts[full as usize] = [sector, district, area];
                        }
                        (full, sector, district, area)
                    }
                }
            }
            // Not UK-shaped: compared as plain text.
            PreparedPostcode::Text(text) => (self.places.intern(text), NONE, NONE, NONE),
        };
        self.present.postcode |= postcode != NONE || district != NONE;
        self.postcode_tf.add(postcode);
        let (postcode_len, postcode_letters) = postcode_shape(self.places.get(postcode));
        let member = match self.name_groups.get(given as usize).copied().unwrap_or(0) {
            0 => self.phonetic(given),
            groups => groups.trailing_zeros(),
        };
        self.shared.add(given, family, birth.year, postcode, member);

        let town = self.places.intern(&input.town);
        self.present.town |= town != NONE;
        let la = self.places.intern(&input.local_authority);
        self.present.local_authority |= la != NONE;
        let mut incident_las: Vec<u32> = input
            .incident_las
            .iter()
            .map(|text| self.places.intern(text))
            .filter(|&id| id != NONE)
            .collect();
        incident_las.sort_unstable();
        incident_las.dedup();
        let incident_las = self.incident_las.push(incident_las);
        self.present.incident_local_authority |= incident_las != NONE;

        let nhs = self.identifiers.intern(&input.nhs_number);
        let upn = self.identifiers.intern(&input.upn);
        let pnc = self.identifiers.intern(&input.pnc_id);
        self.present.nhs_number |= nhs != NONE;
        self.present.upn |= upn != NONE;
        self.present.pnc_id |= pnc != NONE;
        self.rows.push(Row {
            given,
            family,
            postcode,
            sector,
            district,
            area,
            town,
            local_authority: la,
            nhs_number: nhs,
            upn,
            pnc_id: pnc,
            aliases,
            incident_las,
            birth,
            sex,
            postcode_len,
            postcode_letters,
        });

        for at in 0..self.extra_names.len() {
            let value = input.extras.get(at).map_or("", String::as_str);
            let id = self.places.intern(value);
            self.extras.push(id);
        }
    }

    /// The record's aliases as (given, family) name ids.
    pub fn aliases_of(&self, record: usize) -> &[(u32, u32)] {
        self.aliases.get(self.rows[record].aliases)
    }

    /// The local authorities of the record's incidents.
    pub fn incident_las_of(&self, record: usize) -> &[u32] {
        self.incident_las.get(self.rows[record].incident_las)
    }

    pub fn extra(&self, record: usize, at: usize) -> u32 {
        self.extras[record * self.extra_names.len() + at]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_letters() {
        assert_eq!(fold_name("O'Brien-Smith"), "OBRIENSMITH");
        assert_eq!(fold_name("Zoë"), "ZOE");
        assert_eq!(fold_name("Łukasz"), "LUKASZ");
        assert_eq!(fold_name("  "), "");
    }

    #[test]
    fn records_are_interned_and_coded() {
        let mut data = Dataset::new(vec![]);
        data.push(&PersonInput {
            id: "a",
            given_name: "Katie",
            family_name: "Smith",
            postcode: "ls6 1ab",
            sex: "F",
            birth: PartialDate::full(2008, 4, 17),
            ..PersonInput::default()
        });
        data.push(&PersonInput {
            id: "b",
            given_name: "Smith",
            family_name: "Smyth",
            postcode: "75001 Paris",
            sex: "not known",
            age: PartialDate::full(2020, 6, 1).map(|on| (14, on)),
            ..PersonInput::default()
        });
        assert_eq!(data.len(), 2);
        assert_eq!(
            data.rows[0].family, data.rows[1].given,
            "one interner for all names"
        );
        assert_eq!(
            data.phonetic(data.rows[0].family),
            data.phonetic(data.rows[1].family),
            "Smith and Smyth sound alike"
        );
        assert_eq!(data.places.get(data.rows[0].postcode), "LS6 1AB");
        assert_eq!(data.places.get(data.rows[0].district), "LS6");
        assert_eq!(data.places.get(data.rows[1].postcode), "75001 PARIS");
        assert_eq!(data.rows[1].district, NONE);
        assert_eq!((data.rows[0].sex, data.rows[1].sex), (2, 0));
        assert_eq!(data.rows[1].birth.year, 0);
        assert_eq!(
            (data.rows[1].birth.year_min, data.rows[1].birth.year_max),
            (2005, 2006)
        );
        assert!(data.present.birth && !data.present.nhs_number);
    }
}
