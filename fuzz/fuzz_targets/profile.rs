//! Profiles (TOML): any text is a profile or a `ProfileError`, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sightline_intake::Profile::parse(text, "fuzz.toml");
    }
});
