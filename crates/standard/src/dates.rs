//! What date does a cell hold, and how precisely?
//!
//! Dates are kept at the precision they were given: a date of birth recorded as "2009" is the
//! year 2009, not 1 January 2009. Formats are explicit ([`DateFormat`]); UK day-first order is
//! the default and month-first is never guessed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date, possibly partial (year, or year and month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn full(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        (valid_year(year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    pub fn year_month(year: i32, month: u8) -> Option<PartialDate> {
        (valid_year(year) && (1..=12).contains(&month)).then_some(PartialDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    pub fn year(year: i32) -> Option<PartialDate> {
        valid_year(year).then_some(PartialDate {
            year,
            month: None,
            day: None,
        })
    }

    pub fn is_full(&self) -> bool {
        self.day.is_some()
    }

    /// The first day this date could be (for "ends before it starts" and period checks).
    pub fn earliest(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date could be.
    pub fn latest(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        (
            self.year,
            month,
            self.day.unwrap_or(days_in_month(self.year, month)),
        )
    }

    /// The date `days` after 1899-12-30, as Excel counts serial dates (the 1900 leap-year bug
    /// is before 1 March 1900 and does not matter for people alive now).
    pub fn from_excel_serial(serial: f64) -> Option<PartialDate> {
        if !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        // Days from 1970-01-01: Excel day 25569 is 1970-01-01.
        let days = serial.floor() as i64 - 25_569;
        let (year, month, day) = civil_from_days(days);
        PartialDate::full(year, month, day)
    }

    /// Days since 1970-01-01 of the earliest day this date could be.
    pub fn days_since_epoch(&self) -> i64 {
        let (year, month, day) = self.earliest();
        days_from_civil(year, month, day)
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Option<PartialDate> {
        let (year, month, day) = civil_from_days(days);
        PartialDate::full(year, month, day)
    }
}

impl fmt::Display for PartialDate {
    /// ISO 8601 at the precision held: `2009-04-17`, `2009-04` or `2009`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written digit by digit: generating and exporting millions of dates spent more time
        // in the formatting machinery than in anything else.
        let small = |part: Option<u8>| part.is_none_or(|n| n < 100);
        let (Ok(year @ 0..=9999), true, true) =
            (u16::try_from(self.year), small(self.month), small(self.day))
        else {
            write!(f, "{:04}", self.year)?;
            if let Some(month) = self.month {
                write!(f, "-{month:02}")?;
            }
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
            return Ok(());
        };
        let mut text = [0u8; 10];
        let mut len = 4;
        text[..4].copy_from_slice(&digits4(year));
        for part in [self.month, self.day].into_iter().map_while(|part| part) {
            let [tens, units] = digits2(part);
            text[len..len + 3].copy_from_slice(&[b'-', tens, units]);
            len += 3;
        }
        f.write_str(std::str::from_utf8(&text[..len]).map_err(|_| fmt::Error)?)
    }
}

/// `n` (below 10,000) as four ASCII digits.
fn digits4(n: u16) -> [u8; 4] {
    let [a, b] = digits2((n / 100 % 100) as u8);
    let [c, d] = digits2((n % 100) as u8);
    [a, b, c, d]
}

/// `n` (below 100) as two ASCII digits.
fn digits2(n: u8) -> [u8; 2] {
    let n = n % 100;
    [b'0' + n / 10, b'0' + n % 10]
}

fn valid_year(year: i32) -> bool {
    (1850..=2200).contains(&year)
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Howard Hinnant's days-from-civil algorithm.
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

/// A way of writing dates that a profile can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateFormat {
    /// `2009-04-17`, and the partial `2009-04` and `2009`.
    #[serde(rename = "yyyy-mm-dd")]
    Iso,
    /// `17/04/2009` (also `-` or `.` between the parts), and the partial `04/2009`.
    #[serde(rename = "dd/mm/yyyy")]
    DayMonthYear,
    /// `04/17/2009`: only when a profile says so; never guessed.
    #[serde(rename = "mm/dd/yyyy")]
    MonthDayYear,
    /// `20090417`.
    #[serde(rename = "yyyymmdd")]
    Compact,
    /// An Excel serial day number such as `39920`.
    #[serde(rename = "excel")]
    ExcelSerial,
    /// `17-Apr-2009` or `17 April 2009` (English month names, any case), and the partial
    /// `Apr-2009`.
    #[serde(rename = "dd-mmm-yyyy")]
    DayMonthName,
}

impl DateFormat {
    pub const ALL: [DateFormat; 6] = [
        DateFormat::Iso,
        DateFormat::DayMonthYear,
        DateFormat::MonthDayYear,
        DateFormat::Compact,
        DateFormat::ExcelSerial,
        DateFormat::DayMonthName,
    ];

    /// Formats tried when a profile names none: ISO, UK day-first, `yyyymmdd` and the
    /// unambiguous `17-Apr-2009`.
    pub const DEFAULT: [DateFormat; 4] = [
        DateFormat::Iso,
        DateFormat::DayMonthYear,
        DateFormat::Compact,
        DateFormat::DayMonthName,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DateFormat::Iso => "yyyy-mm-dd",
            DateFormat::DayMonthYear => "dd/mm/yyyy",
            DateFormat::MonthDayYear => "mm/dd/yyyy",
            DateFormat::Compact => "yyyymmdd",
            DateFormat::ExcelSerial => "excel",
            DateFormat::DayMonthName => "dd-mmm-yyyy",
        }
    }

    pub fn parse_name(name: &str) -> Option<DateFormat> {
        let name = name.trim().to_ascii_lowercase();
        DateFormat::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .or(match name.as_str() {
                "iso" | "yyyy/mm/dd" => Some(DateFormat::Iso),
                "dd-mm-yyyy" | "dd.mm.yyyy" | "d/m/yyyy" | "uk" => Some(DateFormat::DayMonthYear),
                "mm-dd-yyyy" | "us" => Some(DateFormat::MonthDayYear),
                "excel serial" | "serial" => Some(DateFormat::ExcelSerial),
                "dd mmm yyyy" | "dd-mon-yyyy" | "d mmmm yyyy" => Some(DateFormat::DayMonthName),
                _ => None,
            })
    }

    /// Reads `text` in this format; `None` when it is not a date in this format.
    pub fn parse(self, text: &str) -> Option<PartialDate> {
        let text = strip_midnight(text.trim());
        match self {
            DateFormat::Iso => {
                let mut parts = text.split(['-', '/']);
                let year = number(parts.next()?, 4)?;
                match (parts.next(), parts.next(), parts.next()) {
                    (None, _, _) => PartialDate::year(year),
                    (Some(month), None, _) => {
                        PartialDate::year_month(year, number(month, 2)? as u8)
                    }
                    (Some(month), Some(day), None) => {
                        PartialDate::full(year, number(month, 2)? as u8, number(day, 2)? as u8)
                    }
                    _ => None,
                }
            }
            DateFormat::DayMonthYear | DateFormat::MonthDayYear => {
                let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
                match parts.as_slice() {
                    [month, year] => {
                        PartialDate::year_month(number(year, 4)?, number(month, 2)? as u8)
                    }
                    [first, second, year] => {
                        let (day, month) = if self == DateFormat::DayMonthYear {
                            (first, second)
                        } else {
                            (second, first)
                        };
                        PartialDate::full(
                            number(year, 4)?,
                            number(month, 2)? as u8,
                            number(day, 2)? as u8,
                        )
                    }
                    _ => None,
                }
            }
            DateFormat::Compact => {
                if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                PartialDate::full(
                    text[..4].parse().ok()?,
                    text[4..6].parse().ok()?,
                    text[6..].parse().ok()?,
                )
            }
            DateFormat::ExcelSerial => {
                let serial: f64 = text.parse().ok()?;
                PartialDate::from_excel_serial(serial)
            }
            DateFormat::DayMonthName => {
                let parts: Vec<&str> = text
                    .split(['-', ' ', '/', '.'])
                    .filter(|part| !part.is_empty())
                    .collect();
                match parts.as_slice() {
                    [month, year] => {
                        PartialDate::year_month(number(year, 4)?, month_number(month)?)
                    }
                    [day, month, year] => PartialDate::full(
                        number(year, 4)?,
                        month_number(month)?,
                        number(day, 2)? as u8,
                    ),
                    _ => None,
                }
            }
        }
    }
}

/// An English month name, or its first three or more letters, in any case.
fn month_number(text: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let at = MONTHS.iter().position(|month| month.starts_with(&lower))?;
    Some(at as u8 + 1)
}

/// Drops a midnight time that spreadsheets append ("2009-04-17 00:00:00", "17/04/2009 00:00").
fn strip_midnight(text: &str) -> &str {
    for suffix in [
        " 00:00:00",
        "T00:00:00",
        " 00:00",
        "T00:00:00Z",
        "T00:00:00.000",
    ] {
        if let Some(stripped) = text.strip_suffix(suffix) {
            return stripped;
        }
    }
    text
}

/// A run of 1..=`max_digits` ASCII digits (exactly 4 for years).
fn number(text: &str, max_digits: usize) -> Option<i32> {
    let ok = !text.is_empty()
        && text.len() <= max_digits
        && (max_digits != 4 || text.len() == 4)
        && text.bytes().all(|b| b.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
}

/// Reads `text` with the first format that accepts it.
pub fn parse_with(text: &str, formats: &[DateFormat]) -> Option<PartialDate> {
    formats.iter().find_map(|format| format.parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str, formats: &[DateFormat]) -> Option<String> {
        parse_with(text, formats).map(|date| date.to_string())
    }

    #[test]
    fn displays_iso_at_the_precision_held() {
        let date = |year, month, day| PartialDate { year, month, day };
        for (value, text) in [
            (date(2009, Some(4), Some(17)), "2009-04-17"),
            (date(2009, Some(12), None), "2009-12"),
            (date(2009, None, None), "2009"),
            (date(987, Some(1), Some(2)), "0987-01-02"),
            (date(0, Some(10), Some(31)), "0000-10-31"),
            // Outside what a return can hold, still written as the numbers are.
            (date(12_345, Some(1), Some(1)), "12345-01-01"),
            (date(-44, Some(3), Some(15)), "-044-03-15"),
            (date(2009, Some(123), None), "2009-123"),
        ] {
            assert_eq!(value.to_string(), text);
        }
    }

    #[test]
    fn default_formats() {
        let formats = DateFormat::DEFAULT;
        assert_eq!(iso("2009-04-17", &formats).as_deref(), Some("2009-04-17"));
        assert_eq!(iso("2009-04", &formats).as_deref(), Some("2009-04"));
        assert_eq!(iso("2009", &formats).as_deref(), Some("2009"));
        assert_eq!(iso("17/04/2009", &formats).as_deref(), Some("2009-04-17"));
        assert_eq!(iso("7/4/2009", &formats).as_deref(), Some("2009-04-07"));
        assert_eq!(iso("17.04.2009", &formats).as_deref(), Some("2009-04-17"));
        assert_eq!(iso("04/2009", &formats).as_deref(), Some("2009-04"));
        assert_eq!(iso("20090417", &formats).as_deref(), Some("2009-04-17"));
        assert_eq!(
            iso("2009-04-17 00:00:00", &formats).as_deref(),
            Some("2009-04-17")
        );
    }

    #[test]
    fn impossible_and_ambiguous_dates_are_refused() {
        let formats = DateFormat::DEFAULT;
        assert_eq!(iso("2023-02-29", &formats), None);
        assert_eq!(iso("2024-02-29", &formats).as_deref(), Some("2024-02-29"));
        assert_eq!(iso("31/04/2009", &formats), None);
        assert_eq!(
            iso("04/17/2009", &formats),
            None,
            "month-first is never guessed"
        );
        assert_eq!(
            iso("17/04/09", &formats),
            None,
            "two-digit years are refused"
        );
        assert_eq!(iso("yesterday", &formats), None);
        assert_eq!(iso("", &formats), None);
        assert_eq!(iso("0000-01-01", &formats), None);
    }

    #[test]
    fn declared_formats() {
        assert_eq!(
            iso("04/17/2009", &[DateFormat::MonthDayYear]).as_deref(),
            Some("2009-04-17")
        );
        assert_eq!(
            iso("39920", &[DateFormat::ExcelSerial]).as_deref(),
            Some("2009-04-17")
        );
        assert_eq!(
            iso("45292", &[DateFormat::ExcelSerial]).as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(iso("2009-04-17", &[DateFormat::DayMonthYear]), None);
        let named = &[DateFormat::DayMonthName];
        assert_eq!(iso("17-Apr-2009", named).as_deref(), Some("2009-04-17"));
        assert_eq!(iso("7 SEPT 2009", named).as_deref(), Some("2009-09-07"));
        assert_eq!(iso("17 april 2009", named).as_deref(), Some("2009-04-17"));
        assert_eq!(iso("Apr-2009", named).as_deref(), Some("2009-04"));
        assert_eq!(iso("30-Feb-2008", named), None, "no such day");
        assert_eq!(iso("17-Ap-2009", named), None, "too short to be a month");
        assert_eq!(iso("17-04-2009", named), None);
        assert_eq!(
            DateFormat::parse_name("dd-mmm-yyyy"),
            Some(DateFormat::DayMonthName)
        );
    }

    #[test]
    fn day_counts_round_trip() {
        for days in [-25_000_i64, 0, 1, 13_000, 19_723, 30_000] {
            let date = PartialDate::from_days_since_epoch(days).expect("in range");
            assert_eq!(date.days_since_epoch(), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn partial_dates_span_their_period() {
        let date = PartialDate::year_month(2024, 2).expect("valid");
        assert_eq!(date.earliest(), (2024, 2, 1));
        assert_eq!(date.latest(), (2024, 2, 29));
        assert_eq!(
            PartialDate::year(2009).expect("valid").latest(),
            (2009, 12, 31)
        );
    }
}
