//! How alike are two records, field by field?
//!
//! A comparison sorts a pair into one of its ordered levels, best first; level 0 is the null
//! level (a value missing on either side), which carries no evidence. The levels of all
//! comparisons, four bits each, make a pair's comparison vector.

use crate::dataset::{Birth, Dataset, NONE};
use crate::similarity::jaro_winkler_from;
use serde::{Deserialize, Serialize};

/// What a comparison looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    GivenName,
    FamilyName,
    OtherNames,
    DateOfBirth,
    Sex,
    Postcode,
    Town,
    LocalAuthority,
    /// Where a record's incidents took place, against the other record's local authority:
    /// where a child lives and where they were harmed are mostly one place.
    IncidentLocalAuthority,
    NhsNumber,
    Upn,
    PncId,
    Extra(usize),
}

impl Field {
    /// The levels after the null level, best first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName => &[
                "exact",
                "given and family swapped",
                "nickname",
                "Jaro-Winkler >= 0.92",
                "same Double Metaphone code",
                "Jaro-Winkler >= 0.80",
                "initial only, same letter",
                "different",
            ],
            Field::FamilyName => &[
                "exact",
                "given and family swapped",
                "Jaro-Winkler >= 0.92",
                "same Double Metaphone code",
                "Jaro-Winkler >= 0.80",
                "one name contains the other",
                "initial only, same letter",
                "different",
            ],
            Field::OtherNames => &[
                "an alias is the other's name",
                "another name is the other's given name",
                "no alias matches",
            ],
            Field::DateOfBirth => &[
                "exact",
                "day and month transposed",
                "one digit different, or two adjacent digits swapped",
                "same year and month",
                "same year",
                "the age fits",
                "one year apart",
                "different",
            ],
            Field::Postcode => &[
                "exact",
                "one character different",
                "same sector",
                "same district",
                "same area",
                "different",
            ],
            Field::Extra(_) | Field::Town | Field::LocalAuthority => {
                &["exact", "Jaro-Winkler >= 0.90", "different"]
            }
            Field::IncidentLocalAuthority => &[
                "an incident in the other's local authority",
                "no incident in the other's local authority",
            ],
            // A given name nearly fixes sex: two people called Olivia agree on sex whether or
            // not they are one person, so agreement weighs something only where the given
            // names differ (or one is missing).
            Field::Sex => &[
                "same, given names differ",
                "same, given names alike",
                "different, given names alike",
                "different, given names differ",
            ],
            Field::NhsNumber | Field::Upn | Field::PncId => &["exact", "different"],
        }
    }

    /// The levels (from 1) that share one condition, group by group: m and u are distributions
    /// within each group, so a level's weight is evidence given its group. Sex is compared
    /// given whether the given names are alike (the names' own comparison has already weighed
    /// that); every other comparison is one group.
    pub fn level_groups(self) -> Vec<Vec<u8>> {
        match self {
            Field::Sex => vec![vec![1, 4], vec![2, 3]],
            _ => vec![(1..=self.levels().len() as u8).collect()],
        }
    }

    /// Whether a level's u is replaced by the frequency of the value the records share: an exact
    /// name or postcode, and swapped names (each record's given name is the other's family
    /// name, as likely by chance as that name is common).
    pub fn term_frequency_level(self, level: u8) -> bool {
        match self {
            Field::GivenName | Field::FamilyName => level == 1 || level == 2,
            Field::Postcode => level == 1,
            _ => false,
        }
    }

    pub fn name(self, data: &Dataset) -> String {
        match self {
            Field::GivenName => "given_name".into(),
            Field::FamilyName => "family_name".into(),
            Field::OtherNames => "other_names".into(),
            Field::DateOfBirth => "date_of_birth".into(),
            Field::Sex => "sex".into(),
            Field::Postcode => "postcode".into(),
            Field::Town => "town".into(),
            Field::LocalAuthority => "local_authority".into(),
            Field::IncidentLocalAuthority => "incident_local_authority".into(),
            Field::NhsNumber => "nhs_number".into(),
            Field::Upn => "upn".into(),
            Field::PncId => "pnc_id".into(),
            Field::Extra(at) => format!(
                "extra:{}",
                data.extra_names.get(at).map_or("", String::as_str)
            ),
        }
    }
}

/// Whether record `r` has what a comparison looks at (a pair can be compared on it only when
/// both have it; for where incidents took place, when one has incidents and the other a
/// local authority).
pub fn has(data: &Dataset, field: Field, r: usize) -> bool {
    match field {
        Field::GivenName => data.rows[r].given != NONE,
        Field::FamilyName => data.rows[r].family != NONE,
        Field::OtherNames => true,
        Field::DateOfBirth => data.rows[r].birth.is_known(),
        Field::Sex => data.rows[r].sex != 0,
        Field::Postcode => data.rows[r].postcode != NONE || data.rows[r].district != NONE,
        Field::Town => data.rows[r].town != NONE,
        Field::LocalAuthority => data.rows[r].local_authority != NONE,
        Field::IncidentLocalAuthority => {
            data.rows[r].local_authority != NONE || !data.incident_las_of(r).is_empty()
        }
        Field::NhsNumber => data.rows[r].nhs_number != NONE,
        Field::Upn => data.rows[r].upn != NONE,
        Field::PncId => data.rows[r].pnc_id != NONE,
        Field::Extra(at) => data.extra(r, at) != NONE,
    }
}

/// The comparisons that apply to a dataset: one per field that any record has.
pub fn comparisons_for(data: &Dataset) -> Vec<Field> {
    let present = data.present;
    let mut fields = Vec::new();
    for (field, has) in [
        (Field::GivenName, present.given_name),
        (Field::FamilyName, present.family_name),
        (Field::OtherNames, present.other_names),
        (Field::DateOfBirth, present.birth),
        (Field::Sex, present.sex),
        (Field::Postcode, present.postcode),
        (Field::Town, present.town),
        (Field::LocalAuthority, present.local_authority),
        (
            Field::IncidentLocalAuthority,
            present.incident_local_authority,
        ),
        (Field::NhsNumber, present.nhs_number),
        (Field::Upn, present.upn),
        (Field::PncId, present.pnc_id),
    ] {
        if has {
            fields.push(field);
        }
    }
    fields.extend((0..data.extra_names.len()).map(Field::Extra));
    // Four bits per comparison in a u64.
    fields.truncate(16);
    fields
}

/// A comparison vector: four bits per comparison.
pub type Gamma = u64;

pub fn level_of(gamma: Gamma, comparison: usize) -> u8 {
    ((gamma >> (4 * comparison)) & 0xF) as u8
}

/// Compares records `a` and `b` on every comparison.
pub fn gamma(data: &Dataset, fields: &[Field], a: usize, b: usize) -> Gamma {
    gamma_with(data, fields, a, b, &mut Unmemoised)
}

/// [`gamma`], with the comparisons of two names remembered in `memo`: the pairs of one block
/// carry the same few names over and over.
pub fn gamma_memo(
    data: &Dataset,
    fields: &[Field],
    a: usize,
    b: usize,
    memo: &mut NameMemo,
) -> Gamma {
    gamma_with(data, fields, a, b, memo)
}

fn gamma_with(data: &Dataset, fields: &[Field], a: usize, b: usize, memo: &mut impl Memo) -> Gamma {
    let names = NamePair::new(data, a, b, memo);
    let given_level = names.given_level(data, memo);
    let mut gamma = 0u64;
    for (at, &field) in fields.iter().enumerate() {
        let level = match field {
            Field::GivenName => given_level,
            Field::FamilyName => names.family_level(data, memo),
            Field::OtherNames => other_names_level(data, a, b),
            Field::DateOfBirth => birth_level(data.rows[a].birth, data.rows[b].birth),
            Field::Sex => sex_level(data.rows[a].sex, data.rows[b].sex, given_alike(given_level)),
            Field::Postcode => postcode_level(data, a, b),
            // Town and local authority follow a UK postcode: compared only when one is
            // missing, so that one address is not counted two or three times.
            Field::Town | Field::LocalAuthority
                if data.rows[a].district != NONE && data.rows[b].district != NONE =>
            {
                0
            }
            Field::Town => extra_level(data, data.rows[a].town, data.rows[b].town),
            Field::LocalAuthority => extra_level(
                data,
                data.rows[a].local_authority,
                data.rows[b].local_authority,
            ),
            Field::IncidentLocalAuthority => incident_la_level(data, a, b),
            Field::NhsNumber => exact_level(data.rows[a].nhs_number, data.rows[b].nhs_number, NONE),
            Field::Upn => exact_level(data.rows[a].upn, data.rows[b].upn, NONE),
            Field::PncId => exact_level(data.rows[a].pnc_id, data.rows[b].pnc_id, NONE),
            Field::Extra(at) => extra_level(data, data.extra(a, at), data.extra(b, at)),
        };
        gamma |= u64::from(level) << (4 * at);
    }
    gamma
}

/// Whether one record's incidents took place in the other record's local authority; null
/// unless one record has incidents and the other a local authority. Incidents are not compared
/// with incidents: people who offend in groups do so across force boundaries.
fn incident_la_level(data: &Dataset, a: usize, b: usize) -> u8 {
    let (own_a, own_b) = (data.rows[a].local_authority, data.rows[b].local_authority);
    let (incidents_a, incidents_b) = (data.incident_las_of(a), data.incident_las_of(b));
    let a_in_b = own_a != NONE && !incidents_b.is_empty();
    let b_in_a = own_b != NONE && !incidents_a.is_empty();
    if !a_in_b && !b_in_a {
        0
    } else if (a_in_b && incidents_b.contains(&own_a)) || (b_in_a && incidents_a.contains(&own_b)) {
        1
    } else {
        2
    }
}

/// Whether a given-name level makes the names one name as far as sex goes: the same, a short
/// form, or a close spelling or sound of one another.
pub fn given_alike(given_level: u8) -> bool {
    matches!(given_level, 1 | 3..=5)
}

/// Sex, split by whether the given names are alike (see [`Field::levels`]).
fn sex_level(a: u8, b: u8, given_alike: bool) -> u8 {
    match (exact_level(u32::from(a), u32::from(b), 0), given_alike) {
        (0, _) => 0,
        (1, false) => 1,
        (1, true) => 2,
        (_, true) => 3,
        (_, false) => 4,
    }
}

fn exact_level(a: u32, b: u32, none: u32) -> u8 {
    if a == none || b == none {
        0
    } else if a == b {
        1
    } else {
        2
    }
}

fn extra_level(data: &Dataset, a: u32, b: u32) -> u8 {
    if a == NONE || b == NONE {
        0
    } else if a == b {
        1
    } else if jaro_winkler_from(data.places.get(a), data.places.get(b), 0.90).is_some() {
        2
    } else {
        3
    }
}

/// The names of a pair, with whether they look swapped.
struct NamePair {
    given: (u32, u32),
    family: (u32, u32),
    swapped: bool,
}

fn similar(data: &Dataset, a: u32, b: u32) -> bool {
    a != NONE
        && b != NONE
        && (a == b || jaro_winkler_from(data.names.get(a), data.names.get(b), 0.88).is_some())
}

/// What a comparison of two names (by id) is remembered as.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum NameQuestion {
    /// The given-name level of two different given names, neither missing nor swapped.
    Given = 1,
    /// The family-name level of two different family names, neither missing nor swapped.
    Family = 2,
    /// Whether a given name is the other's family name, as a name ("Hal" and "Harry").
    GivenLike = 3,
}

/// Answers about pairs of names: computed each time, or remembered.
trait Memo {
    fn answer(
        &mut self,
        question: NameQuestion,
        x: u32,
        y: u32,
        compute: impl FnOnce() -> u8,
    ) -> u8;
}

/// Computes every answer.
struct Unmemoised;

impl Memo for Unmemoised {
    fn answer(&mut self, _: NameQuestion, _: u32, _: u32, compute: impl FnOnce() -> u8) -> u8 {
        compute()
    }
}

/// The last answers about pairs of names, in a small table indexed by a hash of the
/// question (a new answer replaces whatever shared its slot). Answers depend on the names
/// alone, so a remembered answer is the one computing would give: a memo changes how long
/// comparing takes, never what it finds.
pub struct NameMemo {
    slots: Vec<MemoSlot>,
}

#[derive(Clone, Copy)]
struct MemoSlot {
    x: u32,
    y: u32,
    /// The question in the high bits, the answer in the low byte; [`EMPTY_SLOT`] for none.
    entry: u32,
}

const EMPTY_SLOT: u32 = u32::MAX;
/// log2 of the slots in a memo: 4,096 slots of 12 bytes stay in a core's first-level cache.
const MEMO_BITS: u32 = 12;

impl Default for NameMemo {
    fn default() -> Self {
        NameMemo {
            slots: vec![
                MemoSlot {
                    x: NONE,
                    y: NONE,
                    entry: EMPTY_SLOT,
                };
                1 << MEMO_BITS
            ],
        }
    }
}

impl Memo for NameMemo {
    fn answer(
        &mut self,
        question: NameQuestion,
        x: u32,
        y: u32,
        compute: impl FnOnce() -> u8,
    ) -> u8 {
        let key = (u64::from(x) << 32 | u64::from(y)) ^ (question as u64) << 62;
        let at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - MEMO_BITS)) as usize;
        let slot = &mut self.slots[at];
        if slot.x == x && slot.y == y && slot.entry >> 8 == question as u32 {
            return slot.entry as u8;
        }
        let answer = compute();
        *slot = MemoSlot {
            x,
            y,
            entry: (question as u32) << 8 | u32::from(answer),
        };
        answer
    }
}

impl NamePair {
    fn new(data: &Dataset, a: usize, b: usize, memo: &mut impl Memo) -> NamePair {
        let given = (data.rows[a].given, data.rows[b].given);
        let family = (data.rows[a].family, data.rows[b].family);
        // A given name is compared with the other's family name as a name, short forms too
        // ("Hal Pirce" and "Price Harry").
        let groups = |id: u32| data.name_groups.get(id as usize).copied().unwrap_or(0);
        let mut given_like = |x: u32, y: u32| {
            memo.answer(NameQuestion::GivenLike, x, y, || {
                u8::from(similar(data, x, y) || groups(x) & groups(y) != 0)
            }) != 0
        };
        let swapped = given.0 != given.1
            && family.0 != family.1
            && given_like(given.0, family.1)
            && given_like(given.1, family.0);
        NamePair {
            given,
            family,
            swapped,
        }
    }

    /// The levels both name comparisons start with: missing (0), exact (1), swapped (2).
    fn common_level(&self, (a, b): (u32, u32)) -> Option<u8> {
        if a == NONE || b == NONE {
            Some(0)
        } else if a == b {
            Some(1)
        } else if self.swapped {
            Some(2)
        } else {
            None
        }
    }

    fn given_level(&self, data: &Dataset, memo: &mut impl Memo) -> u8 {
        if let Some(level) = self.common_level(self.given) {
            return level;
        }
        let (a, b) = self.given;
        memo.answer(NameQuestion::Given, a, b, || given_names_level(data, a, b))
    }

    fn family_level(&self, data: &Dataset, memo: &mut impl Memo) -> u8 {
        if let Some(level) = self.common_level(self.family) {
            return level;
        }
        let (a, b) = self.family;
        memo.answer(NameQuestion::Family, a, b, || {
            family_names_level(data, a, b)
        })
    }
}

/// The level of two names one of which is an initial ("Smith" and "S.": some agencies record a
/// name by its initial), the same for given and family names: 7 when the initials agree, else 8.
fn initial_level(x: &str, y: &str) -> Option<u8> {
    (x.len() == 1 || y.len() == 1).then(|| {
        if x.as_bytes()[0] == y.as_bytes()[0] {
            7
        } else {
            8
        }
    })
}

/// The given-name level of two different given names (neither missing, not swapped).
fn given_names_level(data: &Dataset, a: u32, b: u32) -> u8 {
    let groups = |id: u32| data.name_groups.get(id as usize).copied().unwrap_or(0);
    if groups(a) & groups(b) != 0 {
        return 3;
    }
    let (x, y) = (data.names.get(a), data.names.get(b));
    if let Some(level) = initial_level(x, y) {
        return level;
    }
    match jaro_winkler_from(x, y, 0.80) {
        Some(similarity) if similarity >= 0.92 => 4,
        _ if data.sound(a) == data.sound(b) => 5,
        Some(_) => 6,
        None => 8,
    }
}

/// The family-name level of two different family names (neither missing, not swapped).
fn family_names_level(data: &Dataset, a: u32, b: u32) -> u8 {
    let (x, y) = (data.names.get(a), data.names.get(b));
    if let Some(level) = initial_level(x, y) {
        return level;
    }
    match jaro_winkler_from(x, y, 0.80) {
        Some(similarity) if similarity >= 0.92 => 3,
        _ if data.sound(a) == data.sound(b) => 4,
        Some(_) => 5,
        None if x.len().min(y.len()) >= 3 && (x.contains(y) || y.contains(x)) => 6,
        None => 8,
    }
}

fn other_names_level(data: &Dataset, a: usize, b: usize) -> u8 {
    let (aliases_a, aliases_b) = (data.aliases_of(a), data.aliases_of(b));
    if aliases_a.is_empty() && aliases_b.is_empty() {
        return 0;
    }
    let name_a = (data.rows[a].given, data.rows[a].family);
    let name_b = (data.rows[b].given, data.rows[b].family);
    let matches = |alias: &(u32, u32), name: (u32, u32)| {
        alias.1 != NONE && alias.1 == name.1 && (alias.0 == name.0 || alias.0 == alias.1)
    };
    let hit = aliases_a.iter().any(|alias| matches(alias, name_b))
        || aliases_b.iter().any(|alias| matches(alias, name_a))
        || aliases_a.iter().any(|x| aliases_b.contains(x));
    if hit {
        return 1;
    }
    // A middle name, or the first name of an alias, that is the other's given name: "Julian
    // James Wragall" known as "James Wragall".
    let groups = |id: u32| data.name_groups.get(id as usize).copied().unwrap_or(0);
    let alike = |x: u32, y: u32| {
        x != NONE
            && y != NONE
            && (x == y
                || groups(x) & groups(y) != 0
                || jaro_winkler_from(data.names.get(x), data.names.get(y), 0.92).is_some())
    };
    let given = aliases_a.iter().any(|alias| alike(alias.0, name_b.0))
        || aliases_b.iter().any(|alias| alike(alias.0, name_a.0));
    if given { 2 } else { 3 }
}

/// Dates of birth compared at the precision both have.
pub fn birth_level(a: Birth, b: Birth) -> u8 {
    if !a.is_known() || !b.is_known() {
        return 0;
    }
    if a.year == 0 || b.year == 0 {
        // At least one has only an age: does the other's year (range) fit, or nearly?
        return if a.year_min <= b.year_max && b.year_min <= a.year_max {
            6
        } else if a.year_min <= b.year_max + 1 && b.year_min <= a.year_max + 1 {
            7
        } else {
            8
        };
    }
    let full = a.day != 0 && b.day != 0 && a.month != 0 && b.month != 0;
    if full {
        if a == b {
            return 1;
        }
        if a.year == b.year && a.day == b.month && a.month == b.day {
            return 2;
        }
        if one_digit_apart(a, b) {
            return 3;
        }
    }
    if a.year == b.year {
        if a.month != 0 && a.month == b.month {
            return 4;
        }
        return 5;
    }
    if a.year.abs_diff(b.year) == 1 { 7 } else { 8 }
}

/// Whether the eight digits of `yyyymmdd` differ in one place, or by one adjacent swap.
fn one_digit_apart(a: Birth, b: Birth) -> bool {
    // Year, month and day all different is at least three digits.
    if a.year != b.year && a.month != b.month && a.day != b.day {
        return false;
    }
    let digits = |birth: Birth| {
        let value =
            u32::from(birth.year) * 10_000 + u32::from(birth.month) * 100 + u32::from(birth.day);
        let mut out = [0u8; 8];
        let mut rest = value;
        for slot in out.iter_mut().rev() {
            *slot = (rest % 10) as u8;
            rest /= 10;
        }
        out
    };
    let (x, y) = (digits(a), digits(b));
    one_edit_apart(&x, &y)
}

/// Same length and one substitution, or one swap of neighbours, apart.
fn one_edit_apart(x: &[u8], y: &[u8]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    // The first two places they differ, and whether there is a third.
    let mut differ = [0usize; 2];
    let mut count = 0;
    for i in (0..x.len()).filter(|&i| x[i] != y[i]) {
        if count == 2 {
            return false;
        }
        differ[count] = i;
        count += 1;
    }
    match (count, differ) {
        (1, _) => true,
        (2, [i, j]) => j == i + 1 && x[i] == y[j] && x[j] == y[i],
        _ => false,
    }
}

/// One insertion, deletion, substitution or swap of neighbours apart (Damerau-Levenshtein 1).
fn one_character_apart(x: &str, y: &str) -> bool {
    let (x, y) = (x.as_bytes(), y.as_bytes());
    if x.len() == y.len() {
        return one_edit_apart(x, y);
    }
    let (short, long) = if x.len() < y.len() { (x, y) } else { (y, x) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let start = short.iter().zip(long).take_while(|(p, q)| p == q).count();
    short[start..] == long[start + 1..]
}

fn postcode_level(data: &Dataset, a: usize, b: usize) -> u8 {
    let (full_a, full_b) = (data.rows[a].postcode, data.rows[b].postcode);
    let (district_a, district_b) = (data.rows[a].district, data.rows[b].district);
    let has = |full: u32, district: u32| full != NONE || district != NONE;
    if !has(full_a, district_a) || !has(full_b, district_b) {
        return 0;
    }
    if full_a != NONE && full_a == full_b {
        return 1;
    }
    // One character apart: one substitution changes at most two byte classes, a swap none,
    // one insertion one class and the length by one; postcodes whose shapes differ more are
    // not read.
    let (row_a, row_b) = (&data.rows[a], &data.rows[b]);
    let may_be_one_apart = row_a.postcode_len.abs_diff(row_b.postcode_len) <= 1
        && (row_a.postcode_letters ^ row_b.postcode_letters).count_ones() <= 2;
    if full_a != NONE
        && full_b != NONE
        && may_be_one_apart
        && one_character_apart(data.places.get(full_a), data.places.get(full_b))
    {
        return 2;
    }
    if data.rows[a].sector != NONE && data.rows[a].sector == data.rows[b].sector {
        return 3;
    }
    if district_a != NONE && district_a == district_b {
        return 4;
    }
    if data.rows[a].area != NONE && data.rows[a].area == data.rows[b].area {
        return 5;
    }
    6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::PersonInput;
    use sightline_standard::dates::PartialDate;

    fn birth(year: u16, month: u8, day: u8) -> Birth {
        Birth {
            year,
            month,
            day,
            year_min: year,
            year_max: year,
        }
    }

    fn age_only(year_min: u16) -> Birth {
        Birth {
            year_min,
            year_max: year_min + 1,
            ..Birth::default()
        }
    }

    #[test]
    fn every_birth_level() {
        let base = birth(2008, 4, 7);
        assert_eq!(birth_level(base, Birth::default()), 0);
        assert_eq!(birth_level(base, birth(2008, 4, 7)), 1);
        assert_eq!(birth_level(base, birth(2008, 7, 4)), 2);
        assert_eq!(birth_level(base, birth(2009, 4, 7)), 3);
        assert_eq!(
            birth_level(birth(1972, 6, 15), birth(1972, 6, 28)),
            4,
            "two digits, not a swap"
        );
        assert_eq!(
            birth_level(birth(1972, 6, 15), birth(1927, 6, 15)),
            3,
            "7 and 2 swapped"
        );
        assert_eq!(birth_level(base, birth(2008, 4, 19)), 4);
        assert_eq!(birth_level(base, birth(2008, 4, 0)), 4, "month precision");
        assert_eq!(birth_level(base, birth(2008, 11, 30)), 5);
        assert_eq!(birth_level(base, birth(2008, 0, 0)), 5, "year precision");
        assert_eq!(birth_level(base, age_only(2007)), 6, "the age fits");
        assert_eq!(birth_level(base, age_only(2009)), 7, "a year out");
        assert_eq!(birth_level(base, birth(2007, 12, 30)), 7);
        assert_eq!(birth_level(base, age_only(2001)), 8);
        assert_eq!(birth_level(base, birth(1990, 1, 1)), 8);
    }

    fn person<'a>(given: &'a str, family: &'a str, postcode: &'a str) -> PersonInput<'a> {
        PersonInput {
            id: "x",
            given_name: given,
            family_name: family,
            postcode,
            birth: PartialDate::full(2008, 4, 7),
            sex: "F",
            ..PersonInput::default()
        }
    }

    fn levels(a: PersonInput, b: PersonInput) -> Vec<u8> {
        let mut data = Dataset::new(vec![]);
        data.push(&a);
        data.push(&b);
        let fields = comparisons_for(&data);
        let gamma = gamma(&data, &fields, 0, 1);
        (0..fields.len()).map(|at| level_of(gamma, at)).collect()
    }

    #[test]
    fn every_name_level() {
        // fields: given, family, birth, sex, postcode
        let given = |a: &str, b: &str| levels(person(a, "Smith", ""), person(b, "Smith", ""))[0];
        assert_eq!(given("Katie", ""), 0);
        assert_eq!(given("Katie", "katie"), 1);
        assert_eq!(given("Katie", "Kathryn"), 3);
        assert_eq!(given("Jonathon", "Jonathan"), 4);
        assert_eq!(given("Stephen", "Steven"), 3, "a nickname group");
        assert_eq!(
            given("Aisha", "Ayesha"),
            5,
            "sound alike, Jaro-Winkler 0.84"
        );
        assert_eq!(given("Philip", "Fillip"), 5);
        assert_eq!(
            given("Shaun", "Sean"),
            6,
            "Jaro-Winkler 0.805, different codes"
        );
        assert_eq!(given("Chloe", "Chole"), 4);
        assert_eq!(given("Mariam", "Marian"), 4);
        assert_eq!(given("Niamh", "Neve"), 8);
        assert_eq!(given("K", "Katie"), 7);
        assert_eq!(given("K", "Mary"), 8);
        assert_eq!(given("Katie", "Mary"), 8);
        let family = |a: &str, b: &str| levels(person("Amy", a, ""), person("Amy", b, ""))[1];
        assert_eq!(family("Smith", "SMITH"), 1);
        assert_eq!(family("Robinson", "Robinsno"), 3);
        assert_eq!(family("Smith", "Smyth"), 4, "Jaro-Winkler 0.89, same code");
        assert_eq!(family("Thomson", "Tomsen"), 4);
        assert_eq!(family("Hussain", "Husein"), 4);
        assert_eq!(family("Smith-Jones", "Jones"), 6);
        assert_eq!(family("Smith", "Begum"), 8);
        assert_eq!(family("Smith", "S."), 7, "an initial");
        assert_eq!(family("Smith", "B"), 8);
        let swapped = levels(person("Smith", "Amy", ""), person("Amy", "Smith", ""));
        assert_eq!((swapped[0], swapped[1]), (2, 2));
        let swapped = levels(person("Stubbs", "Jaxck", ""), person("Jack", "Stubbs", ""));
        assert_eq!((swapped[0], swapped[1]), (2, 2), "swapped, with a typo");
        let swapped = levels(person("Hal", "Pirce", ""), person("Price", "Harry", ""));
        assert_eq!(
            (swapped[0], swapped[1]),
            (2, 2),
            "swapped, a short form on one side and a typo on the other"
        );
        let not = levels(person("Hal", "Pirce", ""), person("Price", "Mary", ""));
        assert_eq!((not[0], not[1]), (8, 8), "Hal and Mary are not one name");
    }

    #[test]
    fn incidents_against_the_other_records_local_authority() {
        let record = |la: &'static str, incidents: Vec<&'static str>| PersonInput {
            local_authority: la,
            incident_local_authorities: incidents,
            ..person("Amy", "Lee", "")
        };
        // fields: given, family, birth, sex, local authority, incident local authority
        let level = |a, b| levels(a, b)[5];
        let csc = || record("E06000034", vec![]);
        assert_eq!(level(csc(), record("", vec!["E06000034"])), 1);
        assert_eq!(level(record("", vec!["E06000001", "E06000034"]), csc()), 1);
        assert_eq!(level(csc(), record("", vec!["E06000051"])), 2);
        // Two forces' incidents are not compared with each other: groups cross boundaries.
        let police = || record("", vec!["E06000034"]);
        // fields: given, family, birth, sex, incident local authority
        assert_eq!(
            levels(police(), police())[4],
            0,
            "no local authority to compare"
        );
    }

    #[test]
    fn postcode_levels_and_identifiers() {
        let postcode =
            |a: &str, b: &str| levels(person("Amy", "Lee", a), person("Amy", "Lee", b))[4];
        assert_eq!(postcode("LS6 1AB", "ls61ab"), 1);
        assert_eq!(postcode("LS6 1AB", "LS6 1AV"), 2, "a typo");
        assert_eq!(postcode("LS6 1AB", "LS6 1BA"), 2, "neighbours swapped");
        assert_eq!(postcode("LS6 1AB", "LS6 1ZZ"), 3);
        assert_eq!(postcode("LS6 1AB", "LS6 2AD"), 4);
        assert_eq!(postcode("LS6 1AB", "LS6"), 4, "a district alone");
        assert_eq!(postcode("LS6 1AB", "LS17 1AD"), 5);
        assert_eq!(postcode("LS6 1AB", "M1 1AA"), 6);
        assert_eq!(postcode("75001 Paris", "75001 PARIS"), 1, "plain text");
        assert_eq!(postcode("3070", "3020"), 2, "plain text, one character");
        assert_eq!(postcode("3070", "30700"), 2, "plain text, one inserted");
        assert_eq!(postcode("3070", "3170"), 2);
        assert_eq!(postcode("3070", "4170"), 6);
        let mut a = person("Amy", "Lee", "");
        a.nhs_number = "943 476 5919";
        let mut b = person("Amy", "Lee", "");
        b.nhs_number = "9434765919";
        b.other_names = "Amy Smith";
        // fields: given, family, other names, birth, sex, nhs
        assert_eq!(levels(a.clone(), b.clone())[5], 1);
        assert_eq!(levels(a.clone(), b.clone())[2], 2);
        b.nhs_number = "9434765870";
        assert_eq!(levels(a.clone(), b.clone())[5], 2);
        a.family_name = "Smith";
        assert_eq!(levels(a, b)[2], 1, "the alias is the other's name");
    }

    #[test]
    fn postcodes_one_character_apart_always_pass_the_shape_filter() {
        use crate::dataset::postcode_shape;
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        let pick =
            |rng: &mut rand_chacha::ChaCha8Rng| alphabet[rng.random_range(0..alphabet.len())];
        let (mut apart, mut rejected) = (0, 0);
        for _ in 0..50_000 {
            let len = rng.random_range(1..9);
            let x: Vec<u8> = (0..len).map(|_| pick(&mut rng)).collect();
            let mut y = x.clone();
            match rng.random_range(0..5) {
                0 => y[rng.random_range(0..len)] = pick(&mut rng),
                1 if len > 1 => {
                    let at = rng.random_range(0..len - 1);
                    y.swap(at, at + 1);
                }
                2 => y.insert(rng.random_range(0..=len), pick(&mut rng)),
                3 => {
                    y.remove(rng.random_range(0..len));
                }
                _ => {
                    y = (0..rng.random_range(1..9))
                        .map(|_| pick(&mut rng))
                        .collect()
                }
            }
            let (x, y) = (String::from_utf8(x).unwrap(), String::from_utf8(y).unwrap());
            let ((lx, sx), (ly, sy)) = (postcode_shape(&x), postcode_shape(&y));
            let passes = lx.abs_diff(ly) <= 1 && (sx ^ sy).count_ones() <= 2;
            if one_character_apart(&x, &y) {
                apart += 1;
                assert!(passes, "{x:?} and {y:?} are one character apart");
            } else if !passes {
                rejected += 1;
            }
        }
        assert!(
            apart > 20_000 && rejected > 5_000,
            "{apart} apart, {rejected} rejected"
        );
    }

    #[test]
    fn sex_text_fields_and_the_address_counted_once() {
        let with = |sex: &'static str, town: &'static str, la: &'static str, postcode| {
            let mut person = person("Amy", "Lee", postcode);
            person.sex = sex;
            person.town = town;
            person.local_authority = la;
            person.extras = vec![town];
            person
        };
        let compare = |a: PersonInput, b: PersonInput| {
            let mut data = Dataset::new(vec!["place".to_string()]);
            data.push(&a);
            data.push(&b);
            let fields = comparisons_for(&data);
            let g = gamma(&data, &fields, 0, 1);
            let level = |field: Field| {
                fields
                    .iter()
                    .position(|f| *f == field)
                    .map_or(0, |at| level_of(g, at))
            };
            [
                level(Field::Sex),
                level(Field::Town),
                level(Field::LocalAuthority),
                level(Field::Extra(0)),
            ]
        };
        // Postcodes on both sides: town and local authority carry no evidence of their own.
        let both = compare(
            with("F", "Leeds", "E08000035", "LS6 1AB"),
            with("M", "Leeds", "E08000035", "LS6 1AB"),
        );
        // Both called Amy: F and M differ though the names are alike.
        assert_eq!(both, [3, 0, 0, 1]);
        // A postcode missing: they are compared (exact, close spelling, different).
        let one = compare(
            with("F", "Leeds", "E08000035", ""),
            with("female", "Leds", "E08000036", "LS6 1AB"),
        );
        assert_eq!(one, [2, 2, 2, 2]);
        let other = compare(
            with("", "Leeds", "E08000035", ""),
            with("F", "Bradford", "E08000035", ""),
        );
        assert_eq!(other, [0, 3, 1, 3]);
        // Sex carries evidence of its own only where the given names differ.
        let mut amy = with("F", "", "", "");
        let mut mary = with("F", "", "", "");
        mary.given_name = "Mary";
        assert_eq!(compare(amy.clone(), mary.clone())[0], 1);
        amy.sex = "M";
        assert_eq!(compare(amy, mary)[0], 4);
    }
}
