//! The CSV reader and the checks behind it: any bytes saved as `people.csv`.
#![no_main]
#[path = "common.rs"]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_file("people.csv", data));
