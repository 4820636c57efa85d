//! Who are the people, and what do their records say about them? Records are grouped into the
//! people linkage made; each attribute of a person comes from their records by a written rule:
//!
//! - self-defined over observed: ethnicity is taken only from self-defined (or combined)
//!   columns; the observed (IC) group is a separate attribute and never fills a gap in it;
//! - the most precise value: a detailed ethnicity over a group only; a full birth month over a
//!   year over an age;
//! - the most frequent known value when records disagree (ties go to the earliest record), and
//!   the disagreement is counted as a conflict;
//! - when no record knows the value, the most informative unknown kind: refused, then not
//!   stated, then not known, then not recorded;
//! - looked-after and missing history: `yes` if any record says yes;
//! - `not_collected` when none of the person's agencies recorded the field at all (see
//!   `collected`): a different thing from an agency that asks and did not record it.

use rustc_hash::FxHashMap;
use sightline_store::analysis::{Analysis, PersonRow, Text};

use crate::collected::{Field, Sources};
use crate::figure::unknown_kind;

/// One linked person.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// The linkage run's person id (or the record id of a record linked by no run).
    pub id: i64,
    /// Indexes into `Analysis::people`.
    pub records: Vec<usize>,
    /// The agencies of those records (indexes into `Analysis::agencies`), each once, in order.
    pub agencies: Vec<usize>,
    /// Whether any of those agencies records a date of birth or an age at all.
    pub birth_collected: bool,
    /// The best identification among the records: `name_and_date_of_birth`, `partial`,
    /// `unidentified`, or `not_known` (records stored before the level was kept).
    pub identification: &'static str,
    pub victim: bool,
    pub offender: bool,
    /// A child known to an agency (at risk) who is neither a victim nor an offender here.
    pub other_child: bool,
    pub sex: Text,
    pub ethnicity_group: Text,
    /// The detailed self-defined code, or the group's unknown kind.
    pub ethnicity_detail: Text,
    pub observed_group: Text,
    pub nationality: Text,
    pub looked_after: Text,
    pub missing_history: Text,
    pub local_authority: Text,
    /// Days since 1970-01-01 of the earliest and latest possible birth date: the month or year
    /// recorded, or the year an age implies.
    pub birth: Option<(i64, i64)>,
    pub first_incident: Option<i64>,
    pub first_episode: Option<i64>,
    pub episodes: u32,
    /// Attributes whose known values disagree between records.
    pub sex_conflict: bool,
    pub ethnicity_conflict: bool,
}

/// People, and how to find a person from an agency-scoped key.
#[derive(Debug, Default)]
pub struct People {
    pub people: Vec<Person>,
    /// Agency-scoped person key → index into `people`.
    pub by_key: FxHashMap<u64, usize>,
    /// Record (index into `Analysis::people`) → index into `people`.
    pub person_of: Vec<usize>,
    /// Records not in the latest linkage run (ingested after it).
    pub unlinked_records: usize,
    /// What each agency could record.
    pub sources: Sources,
}

/// Identification levels, best first.
pub const IDENTIFICATION: [&str; 3] = ["name_and_date_of_birth", "partial", "unidentified"];

const UNKNOWN_PRIORITY: [&str; 4] = ["refused", "not_stated", "not_known", "not_recorded"];

/// Shared copies of the values a resolved attribute can be without coming from a record.
struct Words {
    /// In `UNKNOWN_PRIORITY` order.
    unknown: [Text; 4],
    yes: Text,
    no: Text,
}

impl Words {
    fn new() -> Words {
        Words {
            unknown: UNKNOWN_PRIORITY.map(Text::from),
            yes: Text::from("yes"),
            no: Text::from("no"),
        }
    }
}

/// The person's value of one attribute from their records' values, and whether known values
/// disagree.
fn resolve<'a>(values: impl Iterator<Item = &'a Text>, words: &Words) -> (Text, bool) {
    let mut known: Vec<(&Text, usize)> = Vec::new();
    let mut unknown_rank = UNKNOWN_PRIORITY.len() - 1;
    for value in values {
        match unknown_kind(value) {
            Some(kind) => {
                if let Some(rank) = UNKNOWN_PRIORITY.iter().position(|k| *k == kind) {
                    unknown_rank = unknown_rank.min(rank);
                }
            }
            None => match known.iter_mut().find(|(v, _)| v == &value) {
                Some((_, n)) => *n += 1,
                None => known.push((value, 1)),
            },
        }
    }
    let conflict = known.len() > 1;
    // max_by_key keeps the last maximum; iterate reversed so ties go to the earliest record.
    match known.iter().rev().max_by_key(|(_, n)| *n) {
        Some((value, _)) => (Text::clone(value), conflict),
        None => (words.unknown[unknown_rank].clone(), false),
    }
}

/// `yes` if any record says yes, else `no` if any says no, else the most informative unknown.
fn any_yes<'a>(values: impl Iterator<Item = &'a Text> + Clone, words: &Words) -> Text {
    if values.clone().any(|v| &**v == "yes") {
        words.yes.clone()
    } else if values.clone().any(|v| &**v == "no") {
        words.no.clone()
    } else {
        resolve(values, words).0
    }
}

/// Days since 1970-01-01 of an ISO date at any precision (its middle for a month or a year).
pub fn day_of(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: Option<u8> = parts.next().and_then(|m| m.parse().ok());
    let day: Option<u8> = parts.next().and_then(|d| d.parse().ok());
    let (month, day) = match (month, day) {
        (Some(m), Some(d)) => (m, d),
        (Some(m), None) => (m, 15),
        _ => (7, 1),
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(sightline_standard::dates::days_from_civil(year, month, day))
}

fn birth_range(records: &[&PersonRow]) -> Option<(i64, i64)> {
    let mut years: Vec<(i32, Option<u8>)> = records
        .iter()
        .filter_map(|r| Some((r.birth_year?, r.birth_month)))
        .collect();
    if !years.is_empty() {
        years.sort_unstable();
        // The most frequent year, then the most frequent month within it.
        let year = most_frequent(years.iter().map(|(y, _)| *y));
        let month = most_frequent(
            years
                .iter()
                .filter(|(y, m)| *y == year && m.is_some())
                .filter_map(|(_, m)| *m),
        );
        let civil = sightline_standard::dates::days_from_civil;
        return Some(if (1..=12).contains(&month) {
            let next = if month == 12 {
                civil(year + 1, 1, 1)
            } else {
                civil(year, month + 1, 1)
            };
            (civil(year, month, 1), next - 1)
        } else {
            (civil(year, 1, 1), civil(year + 1, 1, 1) - 1)
        });
    }
    records.iter().find_map(|r| {
        let on = day_of(r.age_date.as_deref()?)?;
        let age = r.age?;
        // Aged `age` on that day: born after the day `age + 1` years before, on or before the
        // day `age` years before.
        Some((
            on - ((age + 1) as f64 * 365.25) as i64 + 1,
            on - (age as f64 * 365.25) as i64,
        ))
    })
}

fn most_frequent<T: Ord + Copy + Default>(values: impl Iterator<Item = T>) -> T {
    let mut counts: std::collections::BTreeMap<T, usize> = std::collections::BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    // Ties go to the smallest value.
    counts
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or_else(T::default, |(v, _)| v)
}

fn has_role(roles: &str, wanted: &[&str]) -> bool {
    roles.split(';').any(|r| wanted.contains(&r))
}

/// Groups records into people and resolves their attributes and dates.
pub fn people(data: &Analysis) -> People {
    // At most a person a record: made that size at once, not grown by doubling (each doubling
    // copied every person into fresh pages the kernel zeroes, a tenth of `assess` at scale
    // 100); the pages of the slots never used are never touched.
    let mut index: FxHashMap<i64, usize> =
        FxHashMap::with_capacity_and_hasher(data.people.len(), Default::default());
    let mut people: Vec<Person> = Vec::with_capacity(data.people.len());
    let mut unlinked_records = 0;
    for (at, row) in data.people.iter().enumerate() {
        let id = row.person.unwrap_or_else(|| {
            unlinked_records += 1;
            row.record_id
        });
        let next = people.len();
        let slot = *index.entry(id).or_insert(next);
        if slot == next {
            people.push(Person {
                id,
                ..Person::default()
            });
        }
        people[slot].records.push(at);
    }
    let mut by_key: FxHashMap<u64, usize> = FxHashMap::default();
    let mut person_of = vec![0usize; data.people.len()];
    for (p, person) in people.iter().enumerate() {
        for &r in &person.records {
            person_of[r] = p;
        }
    }
    let words = Words::new();
    let sources = Sources::new(data);
    let not_collected = Text::from("not_collected");
    for (p, person) in people.iter_mut().enumerate() {
        let records: Vec<&PersonRow> = person.records.iter().map(|&r| &data.people[r]).collect();
        let mut agencies: Vec<usize> = records.iter().map(|r| r.agency).collect();
        agencies.sort_unstable();
        agencies.dedup();
        person.agencies = agencies;
        for record in &records {
            by_key.entry(record.person_key).or_insert(p);
        }
        person.victim = records.iter().any(|r| has_role(&r.roles, &["victim"]));
        person.offender = records
            .iter()
            .any(|r| has_role(&r.roles, &["suspect", "offender"]));
        let (sex, sex_conflict) = resolve(records.iter().map(|r| &r.sex), &words);
        person.sex = sex;
        person.sex_conflict = sex_conflict;
        let self_defined: Vec<&&PersonRow> = records
            .iter()
            .filter(|r| &*r.ethnicity_source != "none")
            .collect();
        let (group, conflict) = resolve(self_defined.iter().map(|r| &r.ethnicity_group), &words);
        person.ethnicity_conflict = conflict;
        person.ethnicity_detail = self_defined
            .iter()
            .filter(|r| r.ethnicity_group == group && &*r.ethnicity_precision == "detailed")
            .find_map(|r| r.ethnicity_code.clone())
            .unwrap_or_else(|| {
                if unknown_kind(&group).is_some() {
                    group.clone()
                } else {
                    Text::from(format!("{group}_not_detailed"))
                }
            });
        person.ethnicity_group = if self_defined.is_empty() {
            words.unknown[3].clone()
        } else {
            group
        };
        person.observed_group =
            resolve(records.iter().map(|r| &r.ethnicity_observed_group), &words).0;
        person.nationality = resolve(records.iter().map(|r| &r.nationality), &words).0;
        person.looked_after = any_yes(records.iter().map(|r| &r.looked_after), &words);
        person.missing_history = any_yes(records.iter().map(|r| &r.missing_history), &words);
        let blank = Text::from("");
        person.local_authority = resolve(
            records
                .iter()
                .map(|r| r.local_authority.as_ref().unwrap_or(&blank)),
            &words,
        )
        .0;
        person.birth = birth_range(&records);
        let agencies = std::mem::take(&mut person.agencies);
        let collects = |field: Field| agencies.iter().any(|&a| sources.filled(a, field));
        person.birth_collected = collects(Field::Birth);
        person.identification = IDENTIFICATION
            .iter()
            .find(|level| records.iter().any(|r| &*r.identification == **level))
            .copied()
            .unwrap_or("not_known");
        for (field, slot) in [
            (Field::Sex, &mut person.sex),
            (Field::Ethnicity, &mut person.ethnicity_group),
            (Field::Ethnicity, &mut person.ethnicity_detail),
            (Field::Observed, &mut person.observed_group),
            (Field::Nationality, &mut person.nationality),
            (Field::LookedAfter, &mut person.looked_after),
            (Field::MissingHistory, &mut person.missing_history),
            (Field::LocalAuthority, &mut person.local_authority),
        ] {
            if !collects(field) {
                *slot = not_collected.clone();
            }
        }
        person.agencies = agencies;
    }

    // Roles and first dates from incidents and episodes.
    let incident_day: FxHashMap<u64, Option<i64>> = data
        .incidents
        .iter()
        .map(|i| (i.incident_key, i.first_date.as_deref().and_then(day_of)))
        .collect();
    for involvement in &data.involvements {
        let Some(&p) = by_key.get(&involvement.person_key) else {
            continue;
        };
        let person = &mut people[p];
        match &*involvement.role {
            "victim" => person.victim = true,
            "offender" | "paying_abuser" => person.offender = true,
            _ => {}
        }
        if let Some(Some(day)) = incident_day.get(&involvement.incident_key) {
            person.first_incident = Some(person.first_incident.map_or(*day, |d| d.min(*day)));
        }
    }
    for episode in &data.episodes {
        let Some(&p) = by_key.get(&episode.person_key) else {
            continue;
        };
        let person = &mut people[p];
        person.episodes += 1;
        if let Some(day) = day_of(&episode.start) {
            person.first_episode = Some(person.first_episode.map_or(day, |d| d.min(day)));
        }
    }
    for person in &mut people {
        person.other_child = !person.victim
            && !person.offender
            && person
                .records
                .iter()
                .any(|&r| has_role(&data.people[r].roles, &["at_risk"]));
    }
    People {
        people,
        by_key,
        person_of,
        unlinked_records,
        sources,
    }
}

/// The age in whole years on a day of someone born on `born`.
fn age_on(born: i64, on: i64) -> i64 {
    let (by, bm, bd) = civil(born);
    let (y, m, d) = civil(on);
    i64::from(y - by) - i64::from((m, d) < (bm, bd))
}

fn civil(day: i64) -> (i32, u8, u8) {
    sightline_standard::dates::PartialDate::from_days_since_epoch(day)
        .map_or((1970, 1, 1), |d| d.earliest())
}

/// The age on a day, if the birth range gives one age (an imprecise birth date that could
/// give two ages is not a known age).
pub fn age_at(birth: Option<(i64, i64)>, on: Option<i64>) -> Option<i64> {
    let ((earliest, latest), on) = (birth?, on?);
    let (oldest, youngest) = (age_on(earliest, on), age_on(latest, on));
    (oldest == youngest).then_some(oldest)
}

/// The age band on a day; `not_known` when the birth range straddles two bands.
pub fn age_band(birth: Option<(i64, i64)>, on: Option<i64>) -> &'static str {
    let band = |age: i64| match age {
        a if a < 13 => "under_13",
        13..=15 => "13_15",
        16..=17 => "16_17",
        18..=24 => "18_24",
        25..=34 => "25_34",
        _ => "35_plus",
    };
    let (Some((earliest, latest)), Some(on)) = (birth, on) else {
        return "not_known";
    };
    let (oldest, youngest) = (band(age_on(earliest, on)), band(age_on(latest, on)));
    if oldest == youngest {
        oldest
    } else {
        "not_known"
    }
}

/// Whether the age on a day is in `range`: `yes`, `no`, or `not_known` when the birth range
/// allows both.
pub fn age_in(
    birth: Option<(i64, i64)>,
    on: Option<i64>,
    range: std::ops::Range<i64>,
) -> &'static str {
    let (Some((earliest, latest)), Some(on)) = (birth, on) else {
        return "not_known";
    };
    match (
        range.contains(&age_on(earliest, on)),
        range.contains(&age_on(latest, on)),
    ) {
        (true, true) => "yes",
        (false, false) => "no",
        _ => "not_known",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_win_over_unknowns_the_most_frequent_wins_and_conflicts_are_counted() {
        let words = Words::new();
        let texts = |values: &[&str]| values.iter().map(|v| Text::from(*v)).collect::<Vec<_>>();
        let resolved = |values: &[&str]| {
            let (value, conflict) = resolve(texts(values).iter(), &words);
            (value.to_string(), conflict)
        };
        assert_eq!(
            resolved(&["not_recorded", "female", "female", "male"]),
            ("female".to_string(), true)
        );
        // A tie goes to the earliest record.
        assert_eq!(resolved(&["male", "female"]), ("male".to_string(), true));
        assert_eq!(
            resolved(&["not_recorded", "refused", "not_known"]),
            ("refused".to_string(), false)
        );
        assert_eq!(resolved(&[""]), ("not_recorded".to_string(), false));
        let yes = any_yes(texts(&["no", "not_known", "yes"]).iter(), &words);
        assert_eq!(&*yes, "yes");
        let no = any_yes(texts(&["not_known", "no"]).iter(), &words);
        assert_eq!(&*no, "no");
    }

    #[test]
    fn dates_at_any_precision_become_days_and_imprecise_births_give_no_age_across_a_boundary() {
        let civil = sightline_standard::dates::days_from_civil;
        assert_eq!(day_of("2008-04"), Some(civil(2008, 4, 15)));
        assert_eq!(day_of("2008"), Some(civil(2008, 7, 1)));
        assert_eq!(day_of("2008-13-01"), None);
        assert_eq!(day_of("soon"), None);
        let row = |year: Option<i32>, month: Option<u8>| PersonRow {
            birth_year: year,
            birth_month: month,
            ..PersonRow::default()
        };
        let april = birth_range(&[&row(Some(2008), Some(4))]);
        assert_eq!(april, Some((civil(2008, 4, 1), civil(2008, 4, 30))));
        // In May 2021 every April-2008 child is 13; on 15 April 2021 some are 12, some 13.
        assert_eq!(age_band(april, day_of("2021-05-02")), "13_15");
        assert_eq!(age_at(april, day_of("2021-05-02")), Some(13));
        assert_eq!(age_band(april, day_of("2021-04-15")), "not_known");
        assert_eq!(age_at(april, day_of("2021-04-15")), None);
        // Inside a band, the imprecision does not matter.
        assert_eq!(age_band(april, day_of("2022-04-15")), "13_15");
        assert_eq!(age_in(april, day_of("2022-04-15"), 12..18), "yes");
        assert_eq!(age_in(april, day_of("2020-04-15"), 12..18), "not_known");
        assert_eq!(age_band(None, day_of("2022-04-15")), "not_known");
        // The most frequent year wins; an age gives a one-year range.
        let years = birth_range(&[
            &row(Some(2008), None),
            &row(Some(2009), None),
            &row(Some(2008), None),
        ]);
        assert_eq!(years, Some((civil(2008, 1, 1), civil(2008, 12, 31))));
        let aged = PersonRow {
            age: Some(14),
            age_date: Some(Text::from("2023-03-23")),
            ..PersonRow::default()
        };
        let range = birth_range(&[&aged]);
        assert_eq!(age_at(range, day_of("2023-03-23")), Some(14));
    }
}
