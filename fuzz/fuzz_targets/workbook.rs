//! The workbook reader (zip directory checks, then calamine cell by cell): any bytes saved as
//! `return.xlsx`. Seeds are small real workbooks, so mutations reach the XML inside.
#![no_main]
#[path = "common.rs"]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_file("return.xlsx", data));
