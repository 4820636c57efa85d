//! Dates in every declared format, and Excel serial numbers.
#![no_main]
use sightline_standard::dates::{DateFormat, PartialDate, parse_with};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_with(&text, &DateFormat::ALL);
    let _ = parse_with(&text, &DateFormat::DEFAULT);
    if let Ok(bytes) = <[u8; 8]>::try_from(data) {
        let _ = PartialDate::from_excel_serial(f64::from_le_bytes(bytes));
    }
});
