//! Formula neutralising: whatever the value, restoring its neutralised cell gives it back,
//! and the neutralised cell never starts a formula.
#![no_main]
use sightline_standard::cells::{needs_neutralising, neutralise, restore};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    let cell = neutralise(&value);
    assert_eq!(restore(&cell), value.as_ref());
    if needs_neutralising(&value) {
        assert!(cell.starts_with('\''), "{cell:?}");
    }
});
