//! Which names do people in England and Wales have, and how often?
//!
//! A heavy-tailed model, so that the synthetic worlds hold what real populations do: many
//! different people with one common full name. People belong to naming traditions
//! ([`Cluster`]) in which given and family names go together — "Muhammad Khan" is far more
//! common than "Muhammad" times "Khan" across the whole population. Within a tradition, names
//! are drawn by rank with Zipf-like weights, 1 / (rank + offset)^exponent: the commonest
//! family name is about one person in seventy-five, the commonest given name of a birth decade
//! two to three in a hundred of each sex, and the general tradition's family names have a
//! long tail of names composed from parts ("Ash" + "worth"), which most people share with few
//! others. Given names follow fashion: each birth decade ranks the list differently.
//!
//! Every name here is a generic, widely used name; nothing describes anyone. Names are ASCII
//! (some returns are written in Windows-1252).

use crate::people_names::{
    FAMILY, GIVEN_FEMALE, GIVEN_MALE, SURNAME_MIDDLES, SURNAME_PREFIXES, SURNAME_SUFFIXES,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::sync::OnceLock;

/// Draws indices in proportion to weights.
pub(crate) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    pub(crate) fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    /// Zipf-like weights for `len` ranks: 1 / (rank + offset)^exponent.
    pub(crate) fn zipf(len: usize, offset: f64, exponent: f64) -> Weighted {
        Weighted::new((1..=len).map(|rank| 1.0 / (rank as f64 + offset).powf(exponent)))
    }

    pub(crate) fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let at = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c <= at)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// A naming tradition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// English, Welsh, Scottish and Irish names, and everyone else's.
    General,
    /// Pakistani, Bangladeshi and Arab Muslim names.
    SouthAsianMuslim,
    /// Punjabi Sikh and Gujarati names.
    Indian,
    /// Polish, Romanian and Lithuanian names.
    EasternEuropean,
    /// Nigerian and Ghanaian names.
    WestAfrican,
}

/// Each tradition's share of people, where nothing else says which a person belongs to.
pub const CLUSTER_SHARES: [(Cluster, f64); 5] = [
    (Cluster::General, 0.82),
    (Cluster::SouthAsianMuslim, 0.07),
    (Cluster::Indian, 0.03),
    (Cluster::EasternEuropean, 0.04),
    (Cluster::WestAfrican, 0.04),
];

/// The general tradition's family names: this share from the list of common names, the rest
/// composed from parts.
pub const P_LISTED_FAMILY: f64 = 0.72;

const SOUTH_ASIAN_MALE: &[&str] = &[
    "Muhammad", "Mohammed", "Mohammad", "Ali", "Ahmed", "Hamza", "Omar", "Bilal", "Usman", "Imran",
    "Yusuf", "Zain", "Ibrahim", "Hassan", "Tariq", "Adnan", "Faisal", "Haris", "Ayaan", "Rayyan",
    "Zakariya", "Abdul", "Asif", "Kamran", "Shahid", "Sajid", "Naveed", "Waqas", "Zubair",
    "Junaid",
];
const SOUTH_ASIAN_FEMALE: &[&str] = &[
    "Aisha", "Fatima", "Maryam", "Zainab", "Ayesha", "Amina", "Hafsa", "Khadija", "Iqra", "Sana",
    "Noor", "Hira", "Mariam", "Safa", "Sumaya", "Aleena", "Anaya", "Zara", "Samina", "Nasreen",
    "Rukhsana", "Shabana", "Yasmin", "Farzana", "Bushra",
];
const SOUTH_ASIAN_FAMILY: &[&str] = &[
    "Khan", "Hussain", "Ahmed", "Ali", "Mahmood", "Iqbal", "Shah", "Akhtar", "Rehman", "Aslam",
    "Malik", "Butt", "Raza", "Javed", "Anwar", "Bashir", "Hussein", "Chaudhry", "Rashid", "Mirza",
    "Qureshi", "Siddiqui", "Uddin", "Miah", "Islam", "Rahman",
];
/// Family names some women of the tradition are recorded under instead of the household's.
const SOUTH_ASIAN_WOMEN: &[&str] = &["Begum", "Bibi"];

const INDIAN_MALE: &[&str] = &[
    "Harpreet",
    "Gurpreet",
    "Manpreet",
    "Jaspreet",
    "Amandeep",
    "Navdeep",
    "Rajinder",
    "Sukhdeep",
    "Harjit",
    "Jaswinder",
    "Arjun",
    "Rohan",
    "Raj",
    "Vikram",
    "Sanjay",
    "Ravi",
    "Amit",
    "Deepak",
    "Karan",
    "Aarav",
];
const INDIAN_FEMALE: &[&str] = &[
    "Harpreet",
    "Gurpreet",
    "Manpreet",
    "Jaspreet",
    "Amandeep",
    "Simran",
    "Navneet",
    "Priya",
    "Pooja",
    "Anjali",
    "Kiran",
    "Sunita",
    "Rajwinder",
    "Harjit",
    "Sandeep",
    "Divya",
    "Neha",
    "Riya",
    "Anaya",
    "Asha",
];
const INDIAN_FAMILY: &[&str] = &[
    "Patel", "Sandhu", "Gill", "Dhillon", "Sidhu", "Sharma", "Kumar", "Grewal", "Bains", "Johal",
    "Atwal", "Bhatti", "Mistry", "Parmar", "Chauhan", "Mehta", "Joshi",
];
/// Sikh family names given by sex, which many people of the tradition are recorded under.
const SIKH_MALE: &str = "Singh";
const SIKH_FEMALE: &str = "Kaur";
/// How often a person of the Indian tradition is recorded as Singh or Kaur.
const P_SINGH_KAUR: f64 = 0.55;
/// How often a woman of the South Asian Muslim tradition is recorded as Begum or Bibi.
const P_BEGUM_BIBI: f64 = 0.2;

const EASTERN_MALE: &[&str] = &[
    "Jakub",
    "Kacper",
    "Szymon",
    "Filip",
    "Mateusz",
    "Piotr",
    "Tomasz",
    "Adam",
    "Andrei",
    "Alexandru",
    "Ionut",
    "Mihai",
    "Lukas",
    "Marek",
    "Pawel",
    "Krzysztof",
    "Dawid",
    "Bartosz",
];
const EASTERN_FEMALE: &[&str] = &[
    "Zuzanna",
    "Julia",
    "Maja",
    "Oliwia",
    "Natalia",
    "Wiktoria",
    "Aleksandra",
    "Maria",
    "Ioana",
    "Elena",
    "Andreea",
    "Anna",
    "Katarzyna",
    "Agnieszka",
    "Magdalena",
    "Alicja",
];
const EASTERN_FAMILY: &[&str] = &[
    "Nowak",
    "Kowalski",
    "Wisniewski",
    "Wojcik",
    "Kowalczyk",
    "Kaminski",
    "Lewandowski",
    "Zielinski",
    "Szymanski",
    "Wozniak",
    "Popescu",
    "Ionescu",
    "Popa",
    "Pop",
    "Radu",
    "Dumitru",
    "Stan",
    "Stoica",
    "Kazlauskas",
    "Horvath",
];

const WEST_AFRICAN_MALE: &[&str] = &[
    "Emmanuel",
    "David",
    "Daniel",
    "Samuel",
    "Joshua",
    "Michael",
    "Joseph",
    "Ebenezer",
    "Kwame",
    "Kofi",
    "Chidi",
    "Oluwaseun",
    "Tobi",
    "Femi",
    "Tunde",
    "Ayo",
    "Kwabena",
    "Yaw",
    "Chinedu",
    "Segun",
];
const WEST_AFRICAN_FEMALE: &[&str] = &[
    "Grace", "Blessing", "Esther", "Precious", "Favour", "Mercy", "Faith", "Deborah", "Abena",
    "Ama", "Adwoa", "Chioma", "Ngozi", "Funmi", "Temi", "Ife", "Adaeze", "Efua", "Akosua", "Joy",
];
const WEST_AFRICAN_FAMILY: &[&str] = &[
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Osei", "Asante", "Owusu", "Okeke", "Adebayo",
    "Oyelaran", "Ogunleye", "Appiah", "Agyemang", "Eze", "Nwosu", "Balogun", "Oladipo", "Danso",
    "Addo", "Amoah",
];

/// One tradition's lists with their weights.
struct Names {
    female: &'static [&'static str],
    male: &'static [&'static str],
    family: &'static [&'static str],
    female_weights: Weighted,
    male_weights: Weighted,
    family_weights: Weighted,
}

impl Names {
    /// Lists of the smaller traditions: a few names hold most people.
    fn small(
        female: &'static [&'static str],
        male: &'static [&'static str],
        family: &'static [&'static str],
    ) -> Names {
        Names {
            female,
            male,
            family,
            female_weights: Weighted::zipf(female.len(), 1.5, 1.1),
            male_weights: Weighted::zipf(male.len(), 1.0, 1.1),
            family_weights: Weighted::zipf(family.len(), 1.5, 1.0),
        }
    }
}

/// A family name: one of a list, or composed from parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyName {
    Listed(&'static str),
    /// `middle` is 0 for none, else 1 + its index.
    Composed {
        prefix: u16,
        middle: u8,
        suffix: u16,
    },
}

impl FamilyName {
    pub fn render(self) -> String {
        match self {
            FamilyName::Listed(name) => name.to_string(),
            FamilyName::Composed {
                prefix,
                middle,
                suffix,
            } => {
                let mut name = SURNAME_PREFIXES[usize::from(prefix)].to_string();
                if middle > 0 {
                    join_part(&mut name, SURNAME_MIDDLES[usize::from(middle - 1)]);
                }
                join_part(&mut name, SURNAME_SUFFIXES[usize::from(suffix)]);
                name
            }
        }
    }

    /// The name as a `'static` string: listed names as they are, composed ones from a pool
    /// made once (every prefix, middle and suffix, a few thousand names).
    pub fn as_static(self) -> &'static str {
        match self {
            FamilyName::Listed(name) => name,
            FamilyName::Composed {
                prefix,
                middle,
                suffix,
            } => {
                static POOL: OnceLock<Vec<String>> = OnceLock::new();
                let pool = POOL.get_or_init(|| {
                    let mut pool = Vec::new();
                    for prefix in 0..SURNAME_PREFIXES.len() as u16 {
                        for middle in 0..=SURNAME_MIDDLES.len() as u8 {
                            for suffix in 0..SURNAME_SUFFIXES.len() as u16 {
                                pool.push(
                                    FamilyName::Composed {
                                        prefix,
                                        middle,
                                        suffix,
                                    }
                                    .render(),
                                );
                            }
                        }
                    }
                    pool
                });
                let at = (usize::from(prefix) * (SURNAME_MIDDLES.len() + 1) + usize::from(middle))
                    * SURNAME_SUFFIXES.len()
                    + usize::from(suffix);
                pool.get(at).map_or("", String::as_str)
            }
        }
    }
}

/// Appends a name part, writing a letter once where the part starts with the letter the name
/// ends with ("Ash" + "hurst" = "Ashurst").
fn join_part(name: &mut String, part: &str) {
    let part = match (name.chars().last(), part.chars().next()) {
        (Some(last), Some(first)) if last.eq_ignore_ascii_case(&first) => &part[first.len_utf8()..],
        _ => part,
    };
    name.push_str(part);
}

/// The ASCII names of `list`, in order, kept in `cell`.
fn ascii_only(
    cell: &'static OnceLock<Vec<&'static str>>,
    list: &'static [&'static str],
) -> &'static [&'static str] {
    cell.get_or_init(|| list.iter().copied().filter(|n| n.is_ascii()).collect())
}

/// The model: every tradition's lists and weights.
pub struct NameModel {
    clusters: Weighted,
    general: Names,
    prefixes: Weighted,
    suffixes: Weighted,
    south_asian: Names,
    indian: Names,
    eastern: Names,
    west_african: Names,
}

/// Ranks a birth decade moves each given name by: fashion.
const FASHION_STEP: usize = 17;

impl Default for NameModel {
    fn default() -> Self {
        NameModel::new()
    }
}

impl NameModel {
    pub fn new() -> NameModel {
        // The general lists carry a few accented names for readers' Unicode folding; the model
        // draws ASCII names only, in the lists' order.
        static FEMALE: OnceLock<Vec<&'static str>> = OnceLock::new();
        static MALE: OnceLock<Vec<&'static str>> = OnceLock::new();
        static FAMILY_ASCII: OnceLock<Vec<&'static str>> = OnceLock::new();
        let (female, male, family) = (
            ascii_only(&FEMALE, GIVEN_FEMALE),
            ascii_only(&MALE, GIVEN_MALE),
            ascii_only(&FAMILY_ASCII, FAMILY),
        );
        NameModel {
            clusters: Weighted::new(CLUSTER_SHARES.iter().map(|&(_, share)| share)),
            general: Names {
                female,
                male,
                family,
                female_weights: Weighted::zipf(female.len(), 10.0, 1.0),
                male_weights: Weighted::zipf(male.len(), 10.0, 1.0),
                family_weights: Weighted::zipf(family.len(), 15.0, 1.0),
            },
            prefixes: Weighted::zipf(SURNAME_PREFIXES.len(), 10.0, 0.8),
            suffixes: Weighted::zipf(SURNAME_SUFFIXES.len(), 6.0, 0.9),
            south_asian: Names::small(SOUTH_ASIAN_FEMALE, SOUTH_ASIAN_MALE, SOUTH_ASIAN_FAMILY),
            indian: Names::small(INDIAN_FEMALE, INDIAN_MALE, INDIAN_FAMILY),
            eastern: Names::small(EASTERN_FEMALE, EASTERN_MALE, EASTERN_FAMILY),
            west_african: Names::small(WEST_AFRICAN_FEMALE, WEST_AFRICAN_MALE, WEST_AFRICAN_FAMILY),
        }
    }

    /// A tradition drawn by [`CLUSTER_SHARES`].
    pub fn cluster(&self, rng: &mut ChaCha8Rng) -> Cluster {
        CLUSTER_SHARES[self.clusters.sample(rng)].0
    }

    fn names(&self, cluster: Cluster) -> &Names {
        match cluster {
            Cluster::General => &self.general,
            Cluster::SouthAsianMuslim => &self.south_asian,
            Cluster::Indian => &self.indian,
            Cluster::EasternEuropean => &self.eastern,
            Cluster::WestAfrican => &self.west_african,
        }
    }

    /// A given name for someone of `cluster` born in `birth_year`.
    pub fn given(
        &self,
        cluster: Cluster,
        female: bool,
        birth_year: i32,
        rng: &mut ChaCha8Rng,
    ) -> &'static str {
        let names = self.names(cluster);
        let (list, weights) = if female {
            (names.female, &names.female_weights)
        } else {
            (names.male, &names.male_weights)
        };
        let rank = weights.sample(rng);
        let at = if cluster == Cluster::General {
            let decade = (birth_year - 1900).clamp(0, 200) as usize / 10;
            (rank + decade * FASHION_STEP) % list.len()
        } else {
            rank
        };
        list.get(at).copied().unwrap_or("")
    }

    /// A family name for a household of `cluster`.
    pub fn family(&self, cluster: Cluster, rng: &mut ChaCha8Rng) -> FamilyName {
        if cluster == Cluster::General && !rng.random_bool(P_LISTED_FAMILY) {
            let middle = if rng.random_bool(0.2) {
                1 + rng.random_range(0..SURNAME_MIDDLES.len()) as u8
            } else {
                0
            };
            return FamilyName::Composed {
                prefix: self.prefixes.sample(rng) as u16,
                middle,
                suffix: self.suffixes.sample(rng) as u16,
            };
        }
        let names = self.names(cluster);
        FamilyName::Listed(
            names
                .family
                .get(names.family_weights.sample(rng))
                .copied()
                .unwrap_or(""),
        )
    }

    /// The family name a person of `cluster` is recorded under, given their household's: Sikh
    /// men and women often as Singh and Kaur, some Muslim women as Begum or Bibi.
    pub fn own_family(
        &self,
        cluster: Cluster,
        female: bool,
        household: FamilyName,
        rng: &mut ChaCha8Rng,
    ) -> FamilyName {
        match cluster {
            Cluster::Indian if rng.random_bool(P_SINGH_KAUR) => {
                FamilyName::Listed(if female { SIKH_FEMALE } else { SIKH_MALE })
            }
            Cluster::SouthAsianMuslim if female && rng.random_bool(P_BEGUM_BIBI) => {
                FamilyName::Listed(SOUTH_ASIAN_WOMEN[rng.random_range(0..SOUTH_ASIAN_WOMEN.len())])
            }
            _ => household,
        }
    }
}

/// The tradition a person's recorded ethnicity suggests for their names (the synthetic world
/// draws names after ethnicity, so that the two agree as they mostly do).
pub fn cluster_for_ethnicity(ethnicity: &str, rng: &mut ChaCha8Rng) -> Cluster {
    match ethnicity {
        "asian_pakistani" | "asian_bangladeshi" | "other_arab" => Cluster::SouthAsianMuslim,
        "asian_indian" => Cluster::Indian,
        "white_other" | "white_roma" if rng.random_bool(0.7) => Cluster::EasternEuropean,
        "black_african" => Cluster::WestAfrican,
        _ => Cluster::General,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::HashMap;

    /// Shares of the commonest names over many draws: heavy-tailed, but not absurdly so.
    #[test]
    fn the_commonest_names_hold_realistic_shares() {
        let model = NameModel::new();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws: u32 = 200_000;
        let mut family: HashMap<String, u32> = HashMap::new();
        let mut given_1990s: HashMap<&str, u32> = HashMap::new();
        let mut full: HashMap<(String, &str), u32> = HashMap::new();
        for _ in 0..draws {
            let cluster = model.cluster(&mut rng);
            let name = model.family(cluster, &mut rng);
            let given = model.given(cluster, false, 1994, &mut rng);
            *family.entry(name.render()).or_default() += 1;
            *given_1990s.entry(given).or_default() += 1;
            *full.entry((name.render(), given)).or_default() += 1;
        }
        fn share<K>(map: &HashMap<K, u32>, draws: u32) -> f64 {
            f64::from(map.values().copied().max().unwrap_or(0)) / f64::from(draws)
        }
        let top_family = share(&family, draws);
        let top_given = share(&given_1990s, draws);
        assert!((0.008..0.03).contains(&top_family), "{top_family}");
        assert!((0.015..0.06).contains(&top_given), "{top_given}");
        // The commonest full name is far more common than independence would make it.
        let top_full = share(&full, draws);
        assert!(top_full > 3.0 * top_family * top_given, "{top_full}");
        // A long tail: many family names held by few.
        let rare = family.values().filter(|&&c| c <= 3).count();
        assert!(rare > 200, "{rare}");
    }

    #[test]
    fn fashion_changes_the_commonest_given_names() {
        let model = NameModel::new();
        let commonest = |year: i32| {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for _ in 0..20_000 {
                *counts
                    .entry(model.given(Cluster::General, true, year, &mut rng))
                    .or_default() += 1;
            }
            counts
                .into_iter()
                .max_by_key(|&(n, c)| (c, n))
                .map(|(n, _)| n)
        };
        assert_ne!(commonest(1975), commonest(2010));
    }

    #[test]
    fn composed_names_have_a_static_form() {
        let name = FamilyName::Composed {
            prefix: 0,
            middle: 1,
            suffix: 2,
        };
        assert_eq!(name.as_static(), name.render());
        assert_eq!(FamilyName::Listed("Khan").as_static(), "Khan");
    }
}
