//! Nationality text: names, demonyms, ISO codes, lists of them.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sightline_standard::nationality::parse(&text);
});
