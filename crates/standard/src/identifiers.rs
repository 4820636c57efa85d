//! Is this a well-formed UK postcode, NHS number or local authority code?
//!
//! Postcodes are normalised to upper case with one space before the inward code
//! ("ls61ab" → "LS6 1AB"); analysis keeps only the district ("LS6"). NHS numbers are ten digits
//! whose last is a modulus-11 check digit.

/// A UK postcode: full, or a district alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Postcode {
    /// The outward code, e.g. "LS6".
    pub district: String,
    /// The inward code, e.g. "1AB", when the full postcode was given.
    pub inward: Option<String>,
}

impl Postcode {
    /// The postcode as written normally: "LS6 1AB", or the district alone.
    pub fn normalised(&self) -> String {
        match &self.inward {
            Some(inward) => format!("{} {inward}", self.district),
            None => self.district.clone(),
        }
    }

    /// The postcode area: the letters at the start ("LS").
    pub fn area(&self) -> &str {
        let letters = self
            .district
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        &self.district[..letters]
    }
}

/// Reads a UK postcode, full ("LS6 1AB", "ls61ab") or district only ("LS6"). `None` when the
/// text is not shaped like one.
pub fn parse_postcode(text: &str) -> Option<Postcode> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !compact.is_ascii() {
        return None;
    }
    if is_district(&compact) {
        return Some(Postcode {
            district: compact,
            inward: None,
        });
    }
    if compact.len() < 5 || compact.len() > 7 {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = {
        let b = inward.as_bytes();
        b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
    };
    (inward_ok && is_district(outward)).then(|| Postcode {
        district: outward.to_string(),
        inward: Some(inward.to_string()),
    })
}

/// An outward code: A9, A99, A9A, AA9, AA99, AA9A.
fn is_district(text: &str) -> bool {
    let b = text.as_bytes();
    let alpha = |i: usize| b[i].is_ascii_alphabetic();
    let digit = |i: usize| b[i].is_ascii_digit();
    match b.len() {
        2 => alpha(0) && digit(1),
        3 => alpha(0) && ((digit(1) && (digit(2) || alpha(2))) || (alpha(1) && digit(2))),
        4 => alpha(0) && alpha(1) && digit(2) && (digit(3) || alpha(3)),
        _ => false,
    }
}

/// The ten digits of an NHS number written with or without spaces or dashes, if its check
/// digit is right. `Err` says what is wrong.
pub fn parse_nhs_number(text: &str) -> Result<String, &'static str> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("10 digits");
    }
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = values[..9]
        .iter()
        .enumerate()
        .map(|(i, v)| v * (10 - i as u32))
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return Err("10 digits with a valid check digit"),
        check => check,
    };
    if check == values[9] {
        Ok(digits)
    } else {
        Err("10 digits with a valid check digit")
    }
}

/// Whether text is an ONS GSS code for an area (a letter and eight digits, e.g. E06000015).
pub fn is_gss_code(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_normalise() {
        let full = parse_postcode(" ls61ab ").expect("valid");
        assert_eq!(full.normalised(), "LS6 1AB");
        assert_eq!(full.district, "LS6");
        assert_eq!(full.area(), "LS");
        assert_eq!(parse_postcode("SW1A 1AA").expect("valid").district, "SW1A");
        assert_eq!(
            parse_postcode("M1 1AE").expect("valid").normalised(),
            "M1 1AE"
        );
        assert_eq!(parse_postcode("B33 8TH").expect("valid").district, "B33");
        assert_eq!(parse_postcode("ec1a").expect("valid").normalised(), "EC1A");
        assert_eq!(parse_postcode("LS6").expect("valid").inward, None);
    }

    #[test]
    fn bad_postcodes_are_refused() {
        for bad in [
            "",
            "12345",
            "LS6 1A",
            "HELLO",
            "LS6 AAB",
            "Ł6 1AB",
            "LS66 1ABC",
        ] {
            assert_eq!(parse_postcode(bad), None, "{bad}");
        }
    }

    #[test]
    fn nhs_numbers_check_digit() {
        assert_eq!(
            parse_nhs_number("943 476 5919").as_deref(),
            Ok("9434765919")
        );
        assert_eq!(
            parse_nhs_number("401-023-2137").as_deref(),
            Ok("4010232137")
        );
        assert!(parse_nhs_number("9434765918").is_err());
        assert!(parse_nhs_number("94347659").is_err());
        assert!(parse_nhs_number("ABCDEFGHIJ").is_err());
    }

    #[test]
    fn gss_codes() {
        assert!(is_gss_code("E06000015"));
        assert!(is_gss_code("W06000001"));
        assert!(!is_gss_code("E0600001"));
        assert!(!is_gss_code("Derby"));
    }
}
