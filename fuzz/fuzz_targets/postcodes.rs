//! Postcodes, NHS numbers and GSS codes: the identifiers read from free text.
#![no_main]
use sightline_standard::identifiers::{is_gss_code, parse_nhs_number, parse_postcode};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(postcode) = parse_postcode(&text) {
        // What is kept reads again as itself.
        let normalised = postcode.normalised();
        let again = parse_postcode(&normalised).map(|p| p.normalised());
        assert_eq!(again.as_deref(), Some(normalised.as_str()), "{text:?}");
        let _ = postcode.area();
    }
    let _ = parse_nhs_number(&text);
    let _ = is_gss_code(&text);
});
