//! Which pairs are worth comparing? Blocking rules, as a union.
//!
//! Each rule gives a record a key (or none, when a part is missing); records with the same key
//! are paired. A pair is counted by the first rule that finds it only, so the union has no
//! duplicates without a sort of all pairs. Before pairing, each rule's pair count is computed
//! from its block sizes, and a rule that would generate more pairs than the guard allows is
//! refused and reported, not run.

use crate::Progress;
use crate::compare::Field;
use crate::dataset::{Dataset, NONE};
use rayon::prelude::*;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// A blocking rule: a name and the record parts that make its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    FamilySoundBirthYear,
    GivenSoundBirthDate,
    BirthDatePostcodeDistrict,
    BirthDateGivenInitial,
    BirthDateFamilyInitial,
    NameSoundsEitherOrder,
    FamilySoundGivenNickname,
    GivenSoundFamilyLetters,
    GivenSoundPostcode,
    FamilyNamePostcode,
    NhsNumber,
    Upn,
    PncId,
    /// The full postcode + a given name initial: one person at one address, whatever the
    /// family name (married, misspelt) and date of birth say.
    PostcodeGivenInitial,
    /// The full postcode + birth year.
    PostcodeBirthYear,
    /// Date of birth + the initials of both names, in either order (swapped names too).
    BirthDateInitials,
    /// Given name sound + family name initial + birth year.
    GivenSoundFamilyInitialBirthYear,
    /// Family name sound + birth day and month, whatever the year: a year mistyped.
    FamilySoundBirthDay,
    /// Given name sound + birth day and month + family name initial.
    GivenSoundBirthDayFamilyInitial,
    /// Family name + birth year + given name initial: "Kisty" and "Kirsty" Bradley, 1996.
    FamilyBirthYearGivenInitial,
    /// Given name + family name initial + town: a charity's "Kenneth H." in Kibden.
    GivenFamilyInitialTown,
    /// Given name + family name initial + postcode district.
    GivenFamilyInitialDistrict,
    /// Probes without a full date of birth: given and family name sounds, either order.
    NameSoundsUndated,
    /// Given and family name sounds (either order) + birth day and month, whatever the year.
    NameSoundsBirthDay,
    /// Probes without a full date of birth: family name + given name initial.
    FamilyGivenInitialUndated,
    /// Probes without a full date of birth: given name + family name initial.
    GivenFamilyInitialUndated,
    /// Probes without a full date of birth: the full postcode.
    PostcodeUndated,
    /// Probes without a given name: the family name + postcode district.
    FamilyNoGiven,
    /// Probes without a family name: the given name + postcode district.
    GivenDistrictNoFamily,
    /// Probes without a name: date of birth + local authority (the record's own, else where
    /// its incidents took place). A children's services return that sends no names.
    BirthDateAreaNoName,
    /// Training only: given and family name sounds (either order) + postcode district.
    NameSoundsPostcodeDistrict,
    /// Training only: given and family name sounds (either order) + birth year.
    NameSoundsBirthYear,
    /// Training only: given and family name sounds (either order) + full date of birth.
    NameSoundsBirthDate,
    /// Training only: given and family name sounds (either order) + full postcode.
    NameSoundsPostcode,
    /// Training only: full date of birth + postcode district + given name initial.
    BirthDateDistrictGivenInitial,
    /// Training only: full date of birth + postcode district + family name initial.
    BirthDateDistrictFamilyInitial,
}

impl Rule {
    pub const DEFAULT: [Rule; 30] = [
        Rule::NhsNumber,
        Rule::Upn,
        Rule::PncId,
        Rule::FamilySoundBirthYear,
        Rule::GivenSoundBirthDate,
        Rule::BirthDatePostcodeDistrict,
        Rule::BirthDateGivenInitial,
        Rule::BirthDateFamilyInitial,
        Rule::NameSoundsUndated,
        Rule::NameSoundsBirthYear,
        Rule::NameSoundsBirthDay,
        Rule::NameSoundsPostcodeDistrict,
        Rule::FamilySoundGivenNickname,
        Rule::GivenSoundFamilyLetters,
        Rule::GivenSoundPostcode,
        Rule::FamilyNamePostcode,
        Rule::PostcodeGivenInitial,
        Rule::PostcodeBirthYear,
        Rule::BirthDateInitials,
        Rule::GivenSoundFamilyInitialBirthYear,
        Rule::GivenFamilyInitialTown,
        Rule::GivenFamilyInitialDistrict,
        Rule::FamilyBirthYearGivenInitial,
        Rule::FamilySoundBirthDay,
        Rule::GivenSoundBirthDayFamilyInitial,
        Rule::FamilyGivenInitialUndated,
        Rule::PostcodeUndated,
        Rule::FamilyNoGiven,
        Rule::GivenDistrictNoFamily,
        Rule::BirthDateAreaNoName,
    ];

    /// The rules whose pairs train m, in two tiers. The first are blocks where most pairs are one
    /// person even in a national population of children born within a few years of each other,
    /// and which select no kind of name error (a block on a name's initial would leave out
    /// swapped names): between them, every comparison is estimated in a session that does not
    /// block on it. The second tier, broader, estimates only what the first could not (a set
    /// without dates of birth or postcodes): blocked on a name alone, the pairs of a large
    /// population are mostly namesakes.
    pub const TRAINING: [Rule; 3] = [
        Rule::NameSoundsBirthDate,
        Rule::NameSoundsPostcode,
        Rule::BirthDatePostcodeDistrict,
    ];
    pub const TRAINING_FALLBACK: [Rule; 3] = [
        Rule::NameSoundsPostcodeDistrict,
        Rule::NameSoundsBirthYear,
        Rule::NameSoundsEitherOrder,
    ];

    /// The comparisons this rule's key decides: the fields it is made of, and for a postcode
    /// the town and local authority that follow from it (pairs blocked on a district agree on
    /// those by construction, not because they are one person).
    pub fn fields(self) -> &'static [Field] {
        const ADDRESS: [Field; 3] = [Field::Postcode, Field::Town, Field::LocalAuthority];
        match self {
            Rule::FamilySoundBirthYear => &[Field::FamilyName, Field::DateOfBirth],
            Rule::GivenSoundBirthDate | Rule::BirthDateGivenInitial => {
                &[Field::GivenName, Field::DateOfBirth]
            }
            Rule::BirthDateFamilyInitial => &[Field::FamilyName, Field::DateOfBirth],
            Rule::BirthDatePostcodeDistrict => {
                &[Field::DateOfBirth, ADDRESS[0], ADDRESS[1], ADDRESS[2]]
            }
            Rule::NameSoundsEitherOrder
            | Rule::NameSoundsUndated
            | Rule::NameSoundsBirthDay
            | Rule::FamilySoundGivenNickname
            | Rule::GivenSoundFamilyLetters => &[Field::GivenName, Field::FamilyName],
            Rule::GivenSoundPostcode => &[Field::GivenName, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::NameSoundsPostcodeDistrict => &[
                Field::GivenName,
                Field::FamilyName,
                ADDRESS[0],
                ADDRESS[1],
                ADDRESS[2],
            ],
            Rule::NameSoundsBirthYear | Rule::NameSoundsBirthDate => {
                &[Field::GivenName, Field::FamilyName, Field::DateOfBirth]
            }
            Rule::NameSoundsPostcode => &[
                Field::GivenName,
                Field::FamilyName,
                ADDRESS[0],
                ADDRESS[1],
                ADDRESS[2],
            ],
            Rule::BirthDateDistrictGivenInitial => &[
                Field::GivenName,
                Field::DateOfBirth,
                ADDRESS[0],
                ADDRESS[1],
                ADDRESS[2],
            ],
            Rule::BirthDateDistrictFamilyInitial => &[
                Field::FamilyName,
                Field::DateOfBirth,
                ADDRESS[0],
                ADDRESS[1],
                ADDRESS[2],
            ],
            Rule::PostcodeGivenInitial => &[Field::GivenName, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::PostcodeBirthYear => &[Field::DateOfBirth, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::GivenFamilyInitialTown => &[Field::GivenName, Field::Town],
            Rule::FamilyBirthYearGivenInitial => &[Field::FamilyName, Field::DateOfBirth],
            Rule::FamilySoundBirthDay => &[Field::FamilyName, Field::DateOfBirth],
            Rule::FamilyGivenInitialUndated | Rule::GivenFamilyInitialUndated => {
                &[Field::GivenName, Field::FamilyName]
            }
            Rule::PostcodeUndated => &ADDRESS,
            Rule::FamilyNoGiven => &[Field::FamilyName, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::GivenDistrictNoFamily => &[Field::GivenName, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::BirthDateAreaNoName => &[
                Field::DateOfBirth,
                Field::LocalAuthority,
                Field::IncidentLocalAuthority,
            ],
            Rule::GivenSoundBirthDayFamilyInitial => {
                &[Field::GivenName, Field::FamilyName, Field::DateOfBirth]
            }
            Rule::GivenFamilyInitialDistrict => {
                &[Field::GivenName, ADDRESS[0], ADDRESS[1], ADDRESS[2]]
            }
            Rule::BirthDateInitials => &[Field::DateOfBirth],
            Rule::GivenSoundFamilyInitialBirthYear => {
                &[Field::GivenName, Field::FamilyName, Field::DateOfBirth]
            }
            Rule::FamilyNamePostcode => &[Field::FamilyName, ADDRESS[0], ADDRESS[1], ADDRESS[2]],
            Rule::NhsNumber => &[Field::NhsNumber],
            Rule::Upn => &[Field::Upn],
            Rule::PncId => &[Field::PncId],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::FamilySoundBirthYear => "family name sound + birth year and month",
            Rule::GivenSoundBirthDate => "given name sound + date of birth",
            Rule::BirthDatePostcodeDistrict => "date of birth + postcode district",
            Rule::BirthDateGivenInitial => "date of birth + given name initial",
            Rule::BirthDateFamilyInitial => "date of birth + family name initial",
            Rule::NameSoundsEitherOrder => "given and family name sounds, either order",
            Rule::NameSoundsUndated => {
                "undated records: given and family name sounds, either order"
            }
            Rule::NameSoundsBirthDay => {
                "given and family name sounds, either order + birth day and month"
            }
            Rule::FamilySoundGivenNickname => "family name sound + given name's short-form group",
            Rule::GivenSoundFamilyLetters => "given name sound + family name's letters, any order",
            Rule::GivenSoundPostcode => "given name sound + postcode",
            Rule::FamilyNamePostcode => "family name + postcode",
            Rule::NhsNumber => "NHS number",
            Rule::Upn => "UPN",
            Rule::PncId => "PNC id",
            Rule::NameSoundsPostcodeDistrict => {
                "given and family name sounds, either order + postcode district"
            }
            Rule::NameSoundsBirthYear => "given and family name sounds, either order + birth year",
            Rule::NameSoundsBirthDate => {
                "given and family name sounds, either order + date of birth"
            }
            Rule::NameSoundsPostcode => "given and family name sounds, either order + postcode",
            Rule::BirthDateDistrictGivenInitial => {
                "date of birth + postcode district + given name initial"
            }
            Rule::BirthDateDistrictFamilyInitial => {
                "date of birth + postcode district + family name initial"
            }
            Rule::PostcodeGivenInitial => "postcode + given name initial",
            Rule::PostcodeBirthYear => "postcode + birth year",
            Rule::GivenFamilyInitialTown => "given name + family name initial + town",
            Rule::FamilyBirthYearGivenInitial => "family name + birth year + given name initial",
            Rule::FamilySoundBirthDay => "family name sound + birth day and month",
            Rule::FamilyGivenInitialUndated => "undated records: family name + given name initial",
            Rule::GivenFamilyInitialUndated => "undated records: given name + family name initial",
            Rule::PostcodeUndated => "undated records: postcode",
            Rule::FamilyNoGiven => "records without a given name: family name + postcode district",
            Rule::GivenDistrictNoFamily => {
                "records without a family name: given name + postcode district"
            }
            Rule::GivenSoundBirthDayFamilyInitial => {
                "given name sound + birth day and month + family name initial"
            }
            Rule::BirthDateAreaNoName => "records without a name: date of birth + local authority",
            Rule::GivenFamilyInitialDistrict => {
                "given name + family name initial + postcode district"
            }
            Rule::BirthDateInitials => "date of birth + both initials, either order",
            Rule::GivenSoundFamilyInitialBirthYear => {
                "given name sound + family name initial + birth year"
            }
        }
    }

    /// Whether the rule pairs only where one record is a probe ([`Rule::is_probe`]): records
    /// that lack what most rules block on, looked for among everyone by a looser key.
    pub fn probes_only(self) -> bool {
        matches!(
            self,
            Rule::NameSoundsUndated
                | Rule::FamilyGivenInitialUndated
                | Rule::GivenFamilyInitialUndated
                | Rule::PostcodeUndated
                | Rule::FamilyNoGiven
                | Rule::GivenDistrictNoFamily
                | Rule::BirthDateAreaNoName
        )
    }

    /// Whether the record is a probe of this rule (every record is, for a rule that is not
    /// [`Rule::probes_only`]).
    pub fn is_probe(self, data: &Dataset, record: usize) -> bool {
        let row = &data.rows[record];
        let dated = row.birth.year != 0 && row.birth.month != 0 && row.birth.day != 0;
        match self {
            Rule::NameSoundsUndated
            | Rule::FamilyGivenInitialUndated
            | Rule::GivenFamilyInitialUndated
            | Rule::PostcodeUndated => !dated,
            Rule::FamilyNoGiven => row.given == NONE,
            Rule::GivenDistrictNoFamily => row.family == NONE,
            Rule::BirthDateAreaNoName => row.given == NONE && row.family == NONE,
            _ => true,
        }
    }

    /// The record's key under this rule, or `u64::MAX` for none.
    pub fn key(self, data: &Dataset, record: usize) -> u64 {
        let given = data.rows[record].given;
        let family = data.rows[record].family;
        let birth = data.rows[record].birth;
        // Day and month in either order, so that a transposed date still blocks together.
        let date = (birth.year != 0 && birth.month != 0 && birth.day != 0).then(|| {
            let (low, high) = if birth.month <= birth.day {
                (birth.month, birth.day)
            } else {
                (birth.day, birth.month)
            };
            u32::from(birth.year) << 16 | u32::from(low) << 8 | u32::from(high)
        });
        // Day and month, in either order, without the year.
        let day_month = (birth.month != 0 && birth.day != 0).then(|| {
            let (low, high) = (birth.month.min(birth.day), birth.month.max(birth.day));
            u32::from(low) << 8 | u32::from(high)
        });
        // A UK postcode's district; otherwise the whole of a postcode.
        let place = match data.rows[record].district {
            NONE => data.rows[record].postcode,
            district => district,
        };
        let sounds = (given != NONE && family != NONE).then(|| {
            let (x, y) = (data.phonetic(given), data.phonetic(family));
            [x.min(y), x.max(y)]
        });
        let parts: Option<[u32; 2]> = match self {
            Rule::FamilySoundBirthYear => (family != NONE && birth.year != 0 && birth.month != 0)
                .then(|| {
                    [
                        data.phonetic(family),
                        u32::from(birth.year) << 8 | u32::from(birth.month),
                    ]
                }),
            Rule::GivenSoundBirthDate => date
                .filter(|_| given != NONE)
                .map(|date| [data.phonetic(given), date]),
            Rule::BirthDatePostcodeDistrict => {
                date.filter(|_| place != NONE).map(|date| [date, place])
            }
            Rule::NameSoundsPostcodeDistrict => sounds
                .filter(|_| place != NONE)
                .map(|[x, y]| [mix(x, y), place]),
            Rule::NameSoundsBirthDate => sounds.zip(date).map(|([x, y], date)| [mix(x, y), date]),
            Rule::NameSoundsPostcode => sounds
                .filter(|_| data.rows[record].postcode != NONE)
                .map(|[x, y]| [mix(x, y), data.rows[record].postcode]),
            Rule::BirthDateDistrictGivenInitial | Rule::BirthDateDistrictFamilyInitial => {
                let name = match self {
                    Rule::BirthDateDistrictGivenInitial => given,
                    _ => family,
                };
                date.filter(|_| place != NONE && name != NONE).map(|date| {
                    let initial = data.names.get(name).bytes().next().unwrap_or(0);
                    [date, mix(place, u32::from(initial))]
                })
            }
            Rule::NameSoundsBirthYear => sounds
                .filter(|_| birth.year != 0)
                .map(|[x, y]| [mix(x, y), u32::from(birth.year)]),
            Rule::BirthDateFamilyInitial => date.filter(|_| family != NONE).map(|date| {
                let initial = data.names.get(family).bytes().next().unwrap_or(0);
                [date, u32::from(initial)]
            }),
            Rule::BirthDateGivenInitial => date.filter(|_| given != NONE).map(|date| {
                let initial = data.names.get(given).bytes().next().unwrap_or(0);
                [date, u32::from(initial)]
            }),
            Rule::NameSoundsEitherOrder | Rule::NameSoundsUndated => sounds,
            Rule::NameSoundsBirthDay => sounds.zip(day_month).map(|([x, y], day)| [mix(x, y), day]),
            // Katie and Kathryn: the first group the given name is in.
            Rule::FamilySoundGivenNickname => {
                let groups = if given == NONE {
                    0
                } else {
                    data.name_groups[given as usize]
                };
                (family != NONE && groups != 0)
                    .then(|| [data.phonetic(family), groups.trailing_zeros()])
            }
            // Transposed letters ("Logn", "Thompsno") change the sound, not the letters.
            Rule::GivenSoundFamilyLetters => (given != NONE && family != NONE).then(|| {
                let name = data.names.get(family).as_bytes();
                let mut hasher = rustc_hash::FxHasher::default();
                // The letters sorted, on the stack when the name is not unusually long (a
                // slice hashes as the vector of it would).
                let mut short = [0u8; 48];
                if let Some(letters) = short.get_mut(..name.len()) {
                    letters.copy_from_slice(name);
                    letters.sort_unstable();
                    (*letters).hash(&mut hasher);
                } else {
                    let mut letters = name.to_vec();
                    letters.sort_unstable();
                    letters.hash(&mut hasher);
                }
                [data.phonetic(given), hasher.finish() as u32]
            }),
            Rule::GivenSoundPostcode => (given != NONE && data.rows[record].postcode != NONE)
                .then(|| [data.phonetic(given), data.rows[record].postcode]),
            Rule::FamilyNamePostcode => (family != NONE && data.rows[record].postcode != NONE)
                .then(|| [family, data.rows[record].postcode]),
            Rule::PostcodeGivenInitial => (data.rows[record].postcode != NONE && given != NONE)
                .then(|| {
                    let initial = data.names.get(given).bytes().next().unwrap_or(0);
                    [data.rows[record].postcode, u32::from(initial)]
                }),
            Rule::PostcodeBirthYear => (data.rows[record].postcode != NONE && birth.year != 0)
                .then(|| [data.rows[record].postcode, u32::from(birth.year)]),
            Rule::FamilyGivenInitialUndated => (given != NONE && family != NONE).then(|| {
                let initial = data.names.get(given).bytes().next().unwrap_or(0);
                [family, u32::from(initial)]
            }),
            Rule::GivenFamilyInitialUndated => (given != NONE && family != NONE).then(|| {
                let initial = data.names.get(family).bytes().next().unwrap_or(0);
                [given, u32::from(initial)]
            }),
            Rule::PostcodeUndated => {
                (data.rows[record].postcode != NONE).then(|| [data.rows[record].postcode, 0])
            }
            Rule::FamilyNoGiven => (family != NONE && data.rows[record].district != NONE)
                .then(|| [family, data.rows[record].district]),
            Rule::GivenDistrictNoFamily => (given != NONE && data.rows[record].district != NONE)
                .then(|| [given, data.rows[record].district]),
            Rule::BirthDateAreaNoName => {
                let area = match data.rows[record].local_authority {
                    NONE => data
                        .incident_las_of(record)
                        .first()
                        .copied()
                        .unwrap_or(NONE),
                    own => own,
                };
                date.filter(|_| area != NONE).map(|date| [date, area])
            }
            Rule::FamilySoundBirthDay => day_month
                .filter(|_| family != NONE)
                .map(|day| [data.phonetic(family), day]),
            Rule::GivenSoundBirthDayFamilyInitial => day_month
                .filter(|_| given != NONE && family != NONE)
                .map(|day| {
                    let initial = data.names.get(family).bytes().next().unwrap_or(0);
                    [data.phonetic(given), day << 8 | u32::from(initial)]
                }),
            Rule::FamilyBirthYearGivenInitial => {
                (given != NONE && family != NONE && birth.year != 0).then(|| {
                    let initial = data.names.get(given).bytes().next().unwrap_or(0);
                    [family, u32::from(birth.year) << 8 | u32::from(initial)]
                })
            }
            Rule::GivenFamilyInitialTown | Rule::GivenFamilyInitialDistrict => {
                let place = match self {
                    Rule::GivenFamilyInitialTown => data.rows[record].town,
                    _ => data.rows[record].district,
                };
                (given != NONE && family != NONE && place != NONE).then(|| {
                    let initial = data.names.get(family).bytes().next().unwrap_or(0);
                    [given, mix(place, u32::from(initial))]
                })
            }
            Rule::BirthDateInitials => {
                date.filter(|_| given != NONE && family != NONE)
                    .map(|date| {
                        let x = data.names.get(given).bytes().next().unwrap_or(0);
                        let y = data.names.get(family).bytes().next().unwrap_or(0);
                        [date, u32::from(x.min(y)) << 8 | u32::from(x.max(y))]
                    })
            }
            Rule::GivenSoundFamilyInitialBirthYear => {
                (given != NONE && family != NONE && birth.year != 0).then(|| {
                    let initial = data.names.get(family).bytes().next().unwrap_or(0);
                    [
                        data.phonetic(given),
                        u32::from(birth.year) << 8 | u32::from(initial),
                    ]
                })
            }
            Rule::NhsNumber => {
                (data.rows[record].nhs_number != NONE).then(|| [data.rows[record].nhs_number, 0])
            }
            Rule::Upn => (data.rows[record].upn != NONE).then(|| [data.rows[record].upn, 0]),
            Rule::PncId => {
                (data.rows[record].pnc_id != NONE).then(|| [data.rows[record].pnc_id, 0])
            }
        };
        parts.map_or(u64::MAX, |[x, y]| u64::from(x) << 32 | u64::from(y))
    }
}

/// Two 32-bit parts of a key as one (a hash: distinct parts may rarely share it, which costs a
/// few extra pairs, never a missed one).
fn mix(x: u32, y: u32) -> u32 {
    let mut hasher = rustc_hash::FxHasher::default();
    (x, y).hash(&mut hasher);
    let h = hasher.finish();
    (h ^ (h >> 32)) as u32
}

/// What one rule did.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    pub rule: String,
    /// Pairs the rule's blocks hold, before removing those an earlier rule found.
    pub pairs: u64,
    /// Pairs that no earlier rule found.
    pub new_pairs: u64,
    pub refused: bool,
    /// Why the rule was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_because: Option<String>,
    /// Matches the model expects among the pairs new to the union, from a sample of them
    /// (when the rule was large enough to be weighed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_matches: Option<f64>,
}

/// Weighs a large rule before it is scanned: a sample of its new pairs is scored, and a rule
/// whose pairs are almost never one person is refused — it would cost more than every other
/// rule and find next to nothing.
pub struct YieldGuard<'a> {
    /// A pair's match probability.
    pub probability: &'a (dyn Fn(u32, u32) -> f64 + Sync),
    /// Rules holding more than this many pairs are weighed.
    pub above_pairs: u64,
    /// A weighed rule is refused when its expected matches per new pair are below this.
    pub min_yield: f64,
    /// About this many of its pairs are scored to weigh it.
    pub sample: u64,
    pub seed: u64,
}

/// Pairs handled by one unit of parallel work (small blocks together, or a slice of a large
/// one).
const WORK_PAIRS: u64 = 1 << 16;

/// One rule's blocks: each record's key, the keyed records sorted by key, and the runs of two
/// or more records that share one. Pairs are never stored: [`RuleBlocks::scan`] visits them.
///
/// A probe rule ([`Rule::probes_only`]) pairs only where at least one record is a probe: a
/// block's probes come first, and its pairs are the probes with every later member.
pub struct RuleBlocks {
    pub rule: Rule,
    /// Each record's key (`u64::MAX` for none); for a probe rule, with [`PROBE_BIT`] set on
    /// the probes.
    pub keys: Vec<u64>,
    /// Keyed records, sorted by key, probes first, then record.
    order: Vec<u32>,
    /// Runs in `order` of records with one key that hold a pair: (start, end, end of probes).
    blocks: Vec<(u32, u32, u32)>,
    /// Pairs in the blocks.
    pub pairs: u64,
}

/// Marks a probe's key in [`RuleBlocks::keys`].
pub const PROBE_BIT: u64 = 1 << 63;

/// A slice of one block: the pairs whose first member is at positions `first..first_end`.
#[derive(Clone, Copy)]
struct Slice {
    start: u32,
    end: u32,
    first: u32,
    first_end: u32,
}

impl RuleBlocks {
    pub fn new(data: &Dataset, rule: Rule) -> RuleBlocks {
        let probes_only = rule.probes_only();
        let keys: Vec<u64> = (0..data.len())
            .into_par_iter()
            .map(|r| match rule.key(data, r) {
                u64::MAX => u64::MAX,
                // The top bit is the probe mark: keys keep the other 63 (two keys that differ
                // only there share a block, which costs a few pairs, never a missed one).
                key if probes_only && rule.is_probe(data, r) => key | PROBE_BIT,
                key => key & !PROBE_BIT,
            })
            .collect();
        // Sorted by key without the probe mark, probes first within a key, then by record: one
        // number per keyed record, (key without the mark, not a probe, record) from the high
        // bits down, so that sorting numbers sorts by all three.
        let mut keyed: Vec<u128> = keys
            .par_iter()
            .enumerate()
            .filter(|&(_, &k)| k != u64::MAX)
            .map(|(r, &k)| {
                let probe = !probes_only || k & PROBE_BIT != 0;
                u128::from((k & !PROBE_BIT) << 1 | u64::from(!probe)) << 32 | r as u128
            })
            .collect();
        keyed.par_sort_unstable();
        let key_of = |entry: u128| (entry >> 33) as u64;
        let is_probe = |entry: u128| (entry >> 32) & 1 == 0;
        let mut blocks = Vec::new();
        let mut pairs = 0u64;
        let mut start = 0;
        for at in 1..=keyed.len() {
            if at == keyed.len() || key_of(keyed[at]) != key_of(keyed[start]) {
                let size = (at - start) as u64;
                let probes = keyed[start..at].iter().filter(|&&e| is_probe(e)).count() as u64;
                let block_pairs = probes * probes.saturating_sub(1) / 2 + probes * (size - probes);
                if block_pairs > 0 {
                    pairs += block_pairs;
                    blocks.push((start as u32, at as u32, (start as u64 + probes) as u32));
                }
                start = at;
            }
        }
        RuleBlocks {
            rule,
            keys,
            order: keyed.par_iter().map(|&entry| entry as u32).collect(),
            blocks,
            pairs,
        }
    }

    /// The blocks in slices of at most about [`WORK_PAIRS`] pairs, in order, and the slices
    /// gathered into pieces of work of about that many pairs (a large block's slice alone,
    /// many small blocks together), as ranges of the slices.
    fn work(&self) -> (Vec<Slice>, Vec<std::ops::Range<usize>>) {
        let mut slices = Vec::new();
        let mut pieces = Vec::new();
        let (mut piece_start, mut piece_pairs) = (0, 0u64);
        for &(start, end, probes_end) in &self.blocks {
            // Rows whose pairs are this slice's: the probes, and never the last member.
            let rows_end = probes_end.min(end - 1);
            let mut first = start;
            while first < rows_end {
                let mut first_end = first;
                let mut pairs = 0u64;
                while first_end < rows_end && pairs < WORK_PAIRS {
                    pairs += u64::from(end - first_end - 1);
                    first_end += 1;
                }
                slices.push(Slice {
                    start,
                    end,
                    first,
                    first_end,
                });
                first = first_end;
                piece_pairs += pairs;
                if piece_pairs >= WORK_PAIRS {
                    pieces.push(piece_start..slices.len());
                    (piece_start, piece_pairs) = (slices.len(), 0);
                }
            }
        }
        if piece_start < slices.len() {
            pieces.push(piece_start..slices.len());
        }
        (slices, pieces)
    }

    /// Visits every pair of every block (as `(a, b)` with `a < b`) for which `wanted` holds
    /// and which no rule in `earlier` holds, in parallel, and keeps what `visit` returns, in
    /// block order: the result does not depend on the number of threads. `visit` may also add
    /// to a tally of its own kind, one per piece of work, summed in order at the end (so
    /// tallies should be integers, whose sum does not depend on the order). Returns the kept
    /// values, the tally and the number of pairs visited; `progress` advances by the pairs
    /// looked at, wanted or not.
    pub fn scan<T: Send, S: Tally>(
        &self,
        data: &Dataset,
        earlier: Option<&Earlier>,
        wanted: impl Fn(u32, u32) -> bool + Sync,
        visit: impl Fn(u32, u32, &mut S) -> Option<T> + Sync,
        progress: &dyn Progress,
    ) -> (Vec<T>, S, u64) {
        self.scan_warming(data, earlier, &|_| 0, wanted, visit, progress)
    }

    /// [`RuleBlocks::scan`], reading `warm(record)` for each member of a block before its
    /// pairs are visited, with the member's row: whatever else `visit` reads of a record by
    /// its number is then in cache too.
    pub fn scan_warming<T: Send, S: Tally>(
        &self,
        data: &Dataset,
        earlier: Option<&Earlier>,
        warm: &(dyn Fn(u32) -> u64 + Sync),
        wanted: impl Fn(u32, u32) -> bool + Sync,
        visit: impl Fn(u32, u32, &mut S) -> Option<T> + Sync,
        progress: &dyn Progress,
    ) -> (Vec<T>, S, u64) {
        let width = earlier.map_or(0, Earlier::local_width);
        let open = earlier.map_or(&[][..], |e| &e.open[..width]);
        let (slices, pieces) = self.work();
        let parts: Vec<(Vec<T>, S, u64)> = pieces
            .into_par_iter()
            .map_init(Vec::new, |local, piece| {
                let mut kept = Vec::new();
                let mut tally = S::default();
                let (mut visited, mut looked) = (0u64, 0u64);
                for slice in &slices[piece] {
                    // Read every member's row once, all at the same time, so that comparing
                    // the slice's pairs (each row many times) finds them in cache rather than
                    // waiting on memory pair by pair; and copy the members' digests of earlier
                    // rules side by side, for the same reason.
                    let members = &self.order[slice.first as usize..slice.end as usize];
                    let warmed = members.iter().fold(0u64, |acc, &r| {
                        acc ^ u64::from(data.rows[r as usize].given) ^ warm(r)
                    });
                    std::hint::black_box(warmed);
                    local.clear();
                    if let Some(earlier) = earlier.filter(|_| width > 0) {
                        for &r in members {
                            earlier.copy_row(r, local);
                        }
                    }
                    for i in slice.first..slice.first_end {
                        let x = self.order[i as usize];
                        let at = (i - slice.first) as usize;
                        let own = &local[at * width..(at + 1) * width];
                        let others = &self.order[i as usize + 1..slice.end as usize];
                        for (k, &y) in others.iter().enumerate() {
                            looked += 1;
                            let (a, b) = (x.min(y), x.max(y));
                            if !wanted(a, b) {
                                continue;
                            }
                            if width > 0 {
                                let other = (at + 1 + k) * width;
                                if Earlier::holds_rows(own, &local[other..other + width], open) {
                                    continue;
                                }
                            }
                            visited += 1;
                            if let Some(value) = visit(a, b, &mut tally) {
                                kept.push(value);
                            }
                        }
                    }
                    debug_assert!(slice.start <= slice.first);
                }
                progress.advance(looked);
                (kept, tally, visited)
            })
            .collect();
        let mut tally = S::default();
        let mut visited = 0;
        let mut kept = Vec::new();
        for (part, part_tally, part_visited) in parts {
            kept.extend(part);
            tally.add(&part_tally);
            visited += part_visited;
        }
        (kept, tally, visited)
    }
}

/// Match probabilities summed as integers in units of [`PROBABILITY_UNIT`], so that the sum
/// does not depend on the order threads add them in.
#[derive(Default)]
pub struct ProbabilityUnits(pub u64);

/// 2^32.
pub const PROBABILITY_UNIT: f64 = 4_294_967_296.0;

impl Tally for ProbabilityUnits {
    fn add(&mut self, other: &Self) {
        self.0 += other.0;
    }
}

/// What a scan counts beside the values it keeps: summed piece by piece.
pub trait Tally: Default + Send {
    fn add(&mut self, other: &Self);
}

impl Tally for () {
    fn add(&mut self, _: &Self) {}
}

/// The keys of the rules scanned so far, held record by record as 32-bit digests, so that
/// asking whether an earlier rule already holds a pair reads two short rows instead of one key
/// per rule from far apart in memory. Two different keys share a digest once in about four
/// billion comparisons; such a pair is taken for held and skipped, as if no rule had found it.
pub struct Earlier {
    /// Digests per record: one per rule.
    width: usize,
    rules: usize,
    digests: Vec<u32>,
    /// Per column, [`PROBE_DIGEST`] when its rule pairs any two records, 0 when it pairs only
    /// where one is a probe (so that `x | y | open` has the probe mark exactly when the pair
    /// may be the rule's).
    open: Vec<u32>,
}

/// No key.
const NO_DIGEST: u32 = 0;
/// The probe mark in a digest.
const PROBE_DIGEST: u32 = 1;
/// Digests compared at once by [`Earlier::holds`].
const LANES: usize = 8;

impl Earlier {
    /// Room for `width` rules' keys of `records` records.
    pub fn new(records: usize, width: usize) -> Earlier {
        Earlier {
            width,
            rules: 0,
            digests: vec![NO_DIGEST; records * width],
            open: vec![0; width.div_ceil(LANES) * LANES],
        }
    }

    /// A key's digest: never [`NO_DIGEST`], with the probe mark in its lowest bit.
    fn digest(key: u64) -> u32 {
        let mixed = (key & !PROBE_BIT).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let digest = ((mixed >> 32) as u32) & !PROBE_DIGEST;
        let digest = if digest == NO_DIGEST { 2 } else { digest };
        digest | u32::from(key & PROBE_BIT != 0)
    }

    /// Adds the next rule's keys (one per record; a probe rule's with [`PROBE_BIT`] on its
    /// probes).
    pub fn push(&mut self, keys: &[u64], probe_rule: bool) {
        if self.rules == self.width {
            return;
        }
        let column = self.rules;
        self.digests
            .par_chunks_mut(self.width)
            .zip(keys.par_iter())
            .for_each(|(row, &key)| {
                row[column] = match key {
                    u64::MAX => NO_DIGEST,
                    key => Earlier::digest(key),
                };
            });
        self.open[self.rules] = if probe_rule { 0 } else { PROBE_DIGEST };
        self.rules += 1;
    }

    /// Whether an earlier rule holds the pair: both records have its key, it is the same, and
    /// (for a probe rule) one of them is a probe.
    pub fn holds(&self, a: u32, b: u32) -> bool {
        let width = self.local_width();
        let (mut x, mut y) = (Vec::with_capacity(width), Vec::with_capacity(width));
        self.copy_row(a, &mut x);
        self.copy_row(b, &mut y);
        Earlier::holds_rows(&x, &y, &self.open[..width])
    }

    /// Appends the record's digests of the rules so far, padded with [`NO_DIGEST`] to
    /// [`Earlier::local_width`].
    fn copy_row(&self, record: u32, out: &mut Vec<u32>) {
        const PADDING: [u32; LANES] = [NO_DIGEST; LANES];
        out.extend_from_slice(&self.row(record)[..self.rules]);
        out.extend_from_slice(&PADDING[..self.local_width() - self.rules]);
    }

    /// The columns in use, rounded up to whole vectors (the width of a copied row).
    fn local_width(&self) -> usize {
        self.rules.div_ceil(LANES) * LANES
    }

    fn row(&self, record: u32) -> &[u32] {
        &self.digests[record as usize * self.width..][..self.width]
    }

    /// [`Earlier::holds`] on two records' rows of digests (as many columns as `open`, a
    /// multiple of [`LANES`]). Every column is compared, without branches, a vector at a time:
    /// most pairs asked about are new, so every column is read anyway.
    fn holds_rows(x: &[u32], y: &[u32], open: &[u32]) -> bool {
        let mut hit = [0u32; LANES];
        for ((x, y), open) in x
            .chunks_exact(LANES)
            .zip(y.chunks_exact(LANES))
            .zip(open.chunks_exact(LANES))
        {
            for lane in 0..LANES {
                let (x, y) = (x[lane], y[lane]);
                // The same key (probe marks aside), a key at all, and a probe if the rule
                // needs one.
                let same = u32::from(x != NO_DIGEST) & u32::from(x ^ y <= PROBE_DIGEST);
                hit[lane] |= same & (x | y | open[lane]);
            }
        }
        hit.iter().fold(0, |all, &lane| all | lane) != 0
    }
}

/// Scans the union of the rules' pairs, each pair once (with the first rule that finds it),
/// keeping what `visit` returns, in rule and block order. A rule whose blocks hold more than
/// `max_pairs` pairs is refused, not run. `progress` hears of each rule's pairs as they are
/// looked at.
pub fn scan_union<T: Send, S: Tally>(
    data: &Dataset,
    rules: &[Rule],
    max_pairs: u64,
    guard: Option<&YieldGuard>,
    progress: &dyn Progress,
    visit: impl Fn(u32, u32, &mut S) -> Option<T> + Sync,
) -> (Vec<T>, S, Vec<RuleReport>) {
    scan_union_warming(data, rules, max_pairs, guard, progress, &|_| 0, visit)
}

/// [`scan_union`], with `warm` read for each member of a block before its pairs are visited
/// ([`RuleBlocks::scan_warming`]).
pub fn scan_union_warming<T: Send, S: Tally>(
    data: &Dataset,
    rules: &[Rule],
    max_pairs: u64,
    guard: Option<&YieldGuard>,
    progress: &dyn Progress,
    warm: &(dyn Fn(u32) -> u64 + Sync),
    visit: impl Fn(u32, u32, &mut S) -> Option<T> + Sync,
) -> (Vec<T>, S, Vec<RuleReport>) {
    let mut earlier = Earlier::new(data.len(), rules.len());
    let mut kept = Vec::new();
    let mut tally = S::default();
    let mut reports = Vec::new();
    for &rule in rules {
        let blocks = RuleBlocks::new(data, rule);
        let mut refused_because = (blocks.pairs > max_pairs)
            .then(|| format!("its blocks hold more than {max_pairs} pairs"));
        let mut expected_matches = None;
        if let Some(guard) =
            guard.filter(|g| refused_because.is_none() && blocks.pairs > g.above_pairs)
        {
            let rate = guard.sample as f64 / blocks.pairs as f64;
            let seed = guard.seed ^ rule.name().len() as u64;
            let (_, sample, sampled_pairs) = blocks.scan(
                data,
                Some(&earlier),
                |a, b| crate::train::sampled(a, b, seed, rate),
                |a, b, units: &mut ProbabilityUnits| {
                    units.0 += ((guard.probability)(a, b) * PROBABILITY_UNIT) as u64;
                    None::<()>
                },
                &crate::Quiet,
            );
            let matches = sample.0 as f64 / PROBABILITY_UNIT / rate;
            let new_pairs = sampled_pairs as f64 / rate;
            expected_matches = Some(matches);
            if new_pairs > guard.above_pairs as f64 && matches < guard.min_yield * new_pairs {
                refused_because = Some(format!(
                    "about {new_pairs:.0} new pairs would find about {matches:.0} matches"
                ));
            }
        }
        let refused = refused_because.is_some();
        let mut new_pairs = 0;
        if !refused {
            let (found, rule_tally, visited) =
                blocks.scan_warming(data, Some(&earlier), warm, |_, _| true, &visit, progress);
            kept.extend(found);
            tally.add(&rule_tally);
            new_pairs = visited;
        }
        reports.push(RuleReport {
            rule: rule.name().to_string(),
            pairs: blocks.pairs,
            new_pairs,
            refused,
            refused_because,
            expected_matches,
        });
        if !refused {
            earlier.push(&blocks.keys, rule.probes_only());
        }
    }
    (kept, tally, reports)
}

/// Blocked pairs (a < b) and what each rule contributed.
pub struct Blocked {
    pub pairs: Vec<(u32, u32)>,
    pub rules: Vec<RuleReport>,
}

/// The union of the rules' pairs, as a list (for tests and small sets; linking scans the
/// union without keeping it).
pub fn block(data: &Dataset, rules: &[Rule], max_pairs: u64, progress: &dyn Progress) -> Blocked {
    let (pairs, (), rules) = scan_union(
        data,
        rules,
        max_pairs,
        None,
        progress,
        |a, b, _: &mut ()| Some((a, b)),
    );
    Blocked { pairs, rules }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::PersonInput;
    use sightline_standard::dates::PartialDate;

    fn data() -> Dataset {
        let mut data = Dataset::new(vec![]);
        let people = [
            ("Katie", "Smith", PartialDate::full(2008, 4, 7), "LS6 1AB"),
            ("Kathryn", "Smyth", PartialDate::full(2008, 7, 4), "LS6 1AB"),
            ("Smith", "Katie", None, ""),
            ("Omar", "Khan", PartialDate::full(1990, 1, 1), "M1 1AA"),
            ("Omar", "Khan", PartialDate::full(1990, 1, 1), "M1 1AA"),
        ];
        for (given, family, birth, postcode) in people {
            data.push(&PersonInput {
                id: "x",
                given_name: given,
                family_name: family,
                birth,
                postcode,
                ..PersonInput::default()
            });
        }
        data
    }

    #[test]
    fn the_union_has_each_pair_once() {
        let data = data();
        let blocked = block(&data, &Rule::DEFAULT, 1_000, &crate::Quiet);
        let mut pairs = blocked.pairs.clone();
        pairs.sort_unstable();
        // Smith/Smyth sound alike and share a year; the swapped record shares name sounds with
        // Katie Smith (not with Kathryn Smyth); the two Omar Khans share everything.
        assert_eq!(pairs, vec![(0, 1), (0, 2), (3, 4)]);
        let new: u64 = blocked.rules.iter().map(|r| r.new_pairs).sum();
        assert_eq!(new, 3);
        let first = blocked
            .rules
            .iter()
            .find(|r| r.rule == Rule::FamilySoundBirthYear.name())
            .map(|r| (r.pairs, r.new_pairs));
        // Only the Omar Khans share surname sound, year and month (Katie's dates are transposed).
        assert_eq!(first, Some((1, 1)));
    }

    #[test]
    fn records_without_a_name_block_on_date_of_birth_and_local_authority() {
        let mut data = Dataset::new(vec![]);
        let people: [(&str, &str, &str, Vec<&str>); 5] = [
            // A census child: no name, the council's own authority.
            ("", "", "E06000034", vec![]),
            // Police victims born the same day: incidents in that authority, and elsewhere.
            ("Amy", "Lee", "", vec!["E06000034"]),
            ("Zoe", "Hart", "", vec!["E06000051"]),
            // Named records of that authority pair with each other by their own rules only.
            ("Mia", "Cole", "E06000034", vec![]),
            // Another census child of the same day and authority.
            ("", "", "E06000034", vec![]),
        ];
        for (given, family, la, incidents) in people {
            data.push(&PersonInput {
                id: "x",
                given_name: given,
                family_name: family,
                birth: PartialDate::full(2009, 2, 11),
                local_authority: la,
                incident_local_authorities: incidents,
                ..PersonInput::default()
            });
        }
        let blocked = block(&data, &[Rule::BirthDateAreaNoName], 1_000, &crate::Quiet);
        let mut pairs = blocked.pairs.clone();
        pairs.sort_unstable();
        assert_eq!(pairs, vec![(0, 1), (0, 3), (0, 4), (1, 4), (3, 4)]);
    }

    #[test]
    fn short_forms_and_transposed_letters_block_without_a_date() {
        let mut data = Dataset::new(vec![]);
        for (given, family) in [
            ("Fran", "Lee"),
            ("Frances", "Lee"),
            ("Sarah", "Long"),
            ("Sarah", "Logn"),
            ("Sarah", "Lee"),
        ] {
            data.push(&PersonInput {
                id: "x",
                given_name: given,
                family_name: family,
                ..PersonInput::default()
            });
        }
        let rules = [Rule::FamilySoundGivenNickname];
        assert_eq!(
            block(&data, &rules, 1_000, &crate::Quiet).pairs,
            vec![(0, 1)]
        );
        let rules = [Rule::GivenSoundFamilyLetters];
        assert_eq!(
            block(&data, &rules, 1_000, &crate::Quiet).pairs,
            vec![(2, 3)]
        );
    }

    #[test]
    fn family_letters_are_hashed_as_a_sorted_vector_of_them() {
        let mut data = Dataset::new(vec![]);
        let long = "Abcdefghijklmnopqrstuvwxyz-Abcdefghijklmnopqrstuvwxyz";
        for family in ["Logn", long] {
            data.push(&PersonInput {
                id: "x",
                given_name: "Sarah",
                family_name: family,
                ..PersonInput::default()
            });
        }
        for record in 0..2 {
            let mut letters = data.names.get(data.rows[record].family).as_bytes().to_vec();
            letters.sort_unstable();
            let mut hasher = rustc_hash::FxHasher::default();
            letters.hash(&mut hasher);
            let want = u64::from(data.phonetic(data.rows[record].given)) << 32
                | u64::from(hasher.finish() as u32);
            assert_eq!(Rule::GivenSoundFamilyLetters.key(&data, record), want);
        }
    }

    #[test]
    fn a_rule_over_the_guard_is_refused() {
        let data = data();
        let rules = [Rule::FamilySoundBirthYear, Rule::NameSoundsEitherOrder];
        let blocked = block(&data, &rules, 1, &crate::Quiet);
        assert!(!blocked.rules[0].refused, "one pair is within the guard");
        assert!(blocked.rules[1].refused, "two pairs are not");
        assert_eq!(blocked.rules[1].pairs, 2);
        assert_eq!(blocked.pairs, vec![(3, 4)]);
    }
}
