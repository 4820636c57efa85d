//! Which countries does a nationality value name?
//!
//! Nationality is ISO 3166-1 alpha-3, several allowed ("British/Pakistani" is GBR;PAK).
//! Country names, alpha-2 and alpha-3 codes and demonyms ("Polish", "UK") are recognised.
//! `stateless` is a nationality, not an unknown; the four unknown kinds stay distinct.

use crate::codes::Unknown;
use crate::countries::{COUNTRIES, Country};
use crate::fold::fold;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// A normalised nationality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nationality {
    /// One or more ISO 3166-1 alpha-3 codes, in the order written, without repeats.
    Countries(Vec<&'static str>),
    Stateless,
    Unknown(Unknown),
    /// Text that names no country: kept so it can be reported and mapped.
    Unmapped,
}

impl Nationality {
    /// Whether this value states at least one country.
    pub fn is_known(&self) -> bool {
        matches!(self, Nationality::Countries(_) | Nationality::Stateless)
    }
}

impl fmt::Display for Nationality {
    /// Alpha-3 codes joined by `;`, or `stateless`, an unknown kind, or `unmapped`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nationality::Countries(codes) => f.write_str(&codes.join(";")),
            Nationality::Stateless => f.write_str("stateless"),
            Nationality::Unknown(kind) => f.write_str(kind.code()),
            Nationality::Unmapped => f.write_str("unmapped"),
        }
    }
}

static COUNTRY_KEYS: LazyLock<HashMap<String, &'static Country>> = LazyLock::new(|| {
    let mut keys = HashMap::new();
    for country in COUNTRIES {
        keys.insert(fold(country.name), country);
        keys.insert(country.alpha2.to_ascii_lowercase(), country);
        keys.insert(country.alpha3.to_ascii_lowercase(), country);
        for alias in country.aliases {
            keys.insert((*alias).to_string(), country);
        }
    }
    keys
});

const STATELESS: &[&str] = &["stateless", "no nationality", "xxa"];

/// The country a folded key names: its name, alpha-2, alpha-3 or a demonym. "u k" and "u s a"
/// are also tried without their spaces.
pub fn country(key: &str) -> Option<&'static Country> {
    if let Some(found) = COUNTRY_KEYS.get(key) {
        return Some(found);
    }
    if key.len() <= 7 && key.contains(' ') {
        return COUNTRY_KEYS.get(&key.replace(' ', "")).copied();
    }
    None
}

/// The country with this alpha-3 code.
pub fn by_alpha3(alpha3: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|country| country.alpha3 == alpha3)
}

/// Reads a nationality value: one country, several separated by `;`, `/`, `,`, `&`, `+` or
/// " and ", stateless, or an unknown kind.
pub fn parse(text: &str) -> Nationality {
    let key = fold(text);
    if let Some(kind) = Unknown::from_folded(&key) {
        return Nationality::Unknown(kind);
    }
    if STATELESS.contains(&key.as_str()) {
        return Nationality::Stateless;
    }
    if let Some(found) = country(&key) {
        return Nationality::Countries(vec![found.alpha3]);
    }
    let mut codes: Vec<&'static str> = Vec::new();
    for part in text.split([';', '/', ',', '&', '+', '|']) {
        for piece in split_and(part) {
            let piece_key = fold(piece);
            if piece_key.is_empty() {
                continue;
            }
            match country(&piece_key) {
                Some(found) if !codes.contains(&found.alpha3) => codes.push(found.alpha3),
                Some(_) => {}
                None => return Nationality::Unmapped,
            }
        }
    }
    if codes.is_empty() {
        Nationality::Unmapped
    } else {
        Nationality::Countries(codes)
    }
}

/// Splits on the word "and" unless the whole part is one country ("Trinidad and Tobago").
fn split_and(part: &str) -> Vec<&str> {
    if country(&fold(part)).is_some() {
        return vec![part];
    }
    let lower = part.to_ascii_lowercase();
    match lower.find(" and ") {
        Some(at) => vec![&part[..at], &part[at + 5..]],
        None => vec![part],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Nationality {
        parse(text)
    }

    #[test]
    fn names_codes_and_demonyms() {
        assert_eq!(codes("Pakistani"), Nationality::Countries(vec!["PAK"]));
        assert_eq!(codes("Polish"), Nationality::Countries(vec!["POL"]));
        assert_eq!(codes("British"), Nationality::Countries(vec!["GBR"]));
        assert_eq!(codes("UK"), Nationality::Countries(vec!["GBR"]));
        assert_eq!(codes("U.K."), Nationality::Countries(vec!["GBR"]));
        assert_eq!(codes("gbr"), Nationality::Countries(vec!["GBR"]));
        assert_eq!(codes("Côte d'Ivoire"), Nationality::Countries(vec!["CIV"]));
        assert_eq!(
            codes("Trinidad and Tobago"),
            Nationality::Countries(vec!["TTO"])
        );
    }

    #[test]
    fn several_nationalities() {
        assert_eq!(
            codes("British/Pakistani"),
            Nationality::Countries(vec!["GBR", "PAK"])
        );
        assert_eq!(codes("GBR;IRL"), Nationality::Countries(vec!["GBR", "IRL"]));
        assert_eq!(
            codes("Irish and British"),
            Nationality::Countries(vec!["IRL", "GBR"])
        );
        assert_eq!(codes("UK; British"), Nationality::Countries(vec!["GBR"]));
    }

    #[test]
    fn stateless_and_unknowns_differ() {
        assert_eq!(codes("Stateless"), Nationality::Stateless);
        assert_eq!(codes("not known"), Nationality::Unknown(Unknown::NotKnown));
        assert_eq!(codes(""), Nationality::Unknown(Unknown::NotRecorded));
        assert_eq!(codes("Refused"), Nationality::Unknown(Unknown::Refused));
        assert_eq!(codes("Atlantis"), Nationality::Unmapped);
        assert_eq!(codes("British/Atlantean"), Nationality::Unmapped);
        assert_eq!(codes("Kurdish"), Nationality::Unmapped, "not a country");
    }
}
