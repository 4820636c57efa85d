//! Ethnicity text under every scheme, observed (IC) codes, and combined
//! ethnicity-and-nationality text.
#![no_main]
use sightline_standard::ethnicity::{Scheme, read_combined, read_observed, read_self_defined};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = read_self_defined(&text, None);
    let _ = read_combined(&text, None);
    let _ = read_observed(&text);
    for scheme in Scheme::ALL {
        let _ = read_self_defined(&text, Some(scheme));
        let _ = read_combined(&text, Some(scheme));
    }
});
