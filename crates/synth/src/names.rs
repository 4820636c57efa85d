//! Which names, places and nicknames may a synthetic person have?
//!
//! Generic lists only: common given names and family names, and placeholder postcodes in the
//! unused `ZZ` postcode area. Nothing here describes anyone.

pub const GIVEN_FEMALE: &[&str] = &[
    "Amy",
    "Bella",
    "Chloe",
    "Daisy",
    "Ella",
    "Freya",
    "Grace",
    "Hannah",
    "Isla",
    "Jessica",
    "Katie",
    "Lucy",
    "Megan",
    "Niamh",
    "Olivia",
    "Paige",
    "Rebecca",
    "Sophie",
    "Tia",
    "Zoe",
    "Abigail",
    "Beth",
    "Caitlin",
    "Demi",
    "Emily",
    "Faith",
    "Georgia",
    "Holly",
    "Imogen",
    "Jade",
    "Kayla",
    "Leah",
    "Molly",
    "Nadia",
    "Poppy",
    "Rosie",
    "Sasha",
    "Tegan",
    "Amira",
    "Ayesha",
    "Maryam",
    "Sana",
    "Zainab",
    "Kasia",
    "Oliwia",
    "Ioana",
    "Precious",
    "Chantelle",
];

pub const GIVEN_MALE: &[&str] = &[
    "Adam", "Ben", "Callum", "Daniel", "Ethan", "Finley", "George", "Harry", "Isaac", "Jack",
    "Kyle", "Liam", "Mason", "Noah", "Oliver", "Ryan", "Samuel", "Thomas", "Tyler", "William",
    "Aaron", "Bilal", "Connor", "Dylan", "Ewan", "Hamza", "Imran", "Jamal", "Kieran", "Luke",
    "Marcus", "Nathan", "Omar", "Patryk", "Reece", "Sami", "Tariq", "Usman", "Yusuf", "Zak",
];

pub const FAMILY: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Shah", "Iqbal",
    "Nowak", "Kowalski", "Popescu", "Ionescu", "Okafor", "Mensah", "Campbell", "Stewart", "Murphy",
    "Kelly", "Morris", "Cooper", "Ward", "Turner", "Hill", "Moore", "Clark", "Lee", "Harris",
    "Martin", "Baker", "Edwards",
];

/// Formal names and the short forms agencies also write.
pub const NICKNAMES: &[(&str, &str)] = &[
    ("Katie", "Kathryn"),
    ("Beth", "Elizabeth"),
    ("Bella", "Isabella"),
    ("Abigail", "Abby"),
    ("Rebecca", "Becky"),
    ("Jessica", "Jess"),
    ("Daniel", "Danny"),
    ("Samuel", "Sam"),
    ("Thomas", "Tom"),
    ("William", "Will"),
    ("Oliver", "Ollie"),
    ("Harry", "Hal"),
    ("Jack", "Jacky"),
    ("Sophie", "Soph"),
    ("Zoe", "Zoë"),
];

/// The other form of a given name, if it has one: the first pair that holds the name decides.
pub fn nickname(given: &str) -> Option<&'static str> {
    static OTHER_FORM: std::sync::LazyLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::LazyLock::new(|| {
            let mut other = std::collections::HashMap::new();
            for (a, b) in NICKNAMES.iter().chain(crate::people_names::NICKNAMES) {
                other.entry(*a).or_insert(*b);
                other.entry(*b).or_insert(*a);
            }
            other
        });
    OTHER_FORM.get(given).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_go_both_ways() {
        assert_eq!(nickname("Katie"), Some("Kathryn"));
        assert_eq!(nickname("Kathryn"), Some("Katie"));
        assert_eq!(nickname("Mason"), None);
    }
}
