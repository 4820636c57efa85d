//! The CIN census reader (streamed XML): any bytes saved as `cin.xml`.
#![no_main]
#[path = "common.rs"]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_file("cin.xml", data));
