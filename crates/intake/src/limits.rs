//! How much may one file cost before a byte of it is trusted?
//!
//! Every file is hostile until read. These limits hold before or while a file is parsed, so
//! that whatever an agency (or anyone who can upload) sends is answered in bounded memory:
//!
//! - a file over a file-level limit is refused whole, with its rule code (`F3…`) and a message
//!   that says what to do ([`IntakeError::Refused`]);
//! - a value longer than its field's maximum rejects its row (E012), with the value cut short
//!   for display; it is never silently dropped or truncated into the store.
//!
//! A workbook is a zip archive: its central directory is read first (with the `zip` crate
//! calamine itself uses), and a workbook whose parts would inflate beyond [`Limits`] — in size
//! or in compression ratio, the mark of a zip bomb — is refused before calamine opens it. The
//! `zip` crate then stops any part that inflates beyond the size its directory declares, so a
//! directory that lies is an error, not a bomb. Sheets are read cell by cell, and a workbook is
//! held in memory only up to a number of cells and bytes of text: larger returns go as CSV,
//! which streams.
//!
//! The numbers are in [`Limits::default`]; RELIABILITY.md gives each one's reason.

use crate::IntakeError;
use crate::rules::Rule;
use sightline_standard::FieldKind;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// The file-level limits of a check. Tests lower them; the defaults are what `sightline`
/// uses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Bytes of a CSV file (F301).
    pub csv_bytes: u64,
    /// Bytes of a workbook file, compressed (F301).
    pub workbook_bytes: u64,
    /// Bytes of a CIN census XML file (F301).
    pub xml_bytes: u64,
    /// Bytes of one CSV record, quoted line breaks included (F307).
    pub row_bytes: u64,
    /// Data rows of one table across the files of a return, and of the tables with ids of their
    /// own (people, incidents) together (F305): the identifiers kept to find duplicates and
    /// check references grow with them.
    pub rows: u64,
    /// Columns of a header, or of a sheet (F306).
    pub columns: usize,
    /// Sheets in a workbook (F304).
    pub sheets: usize,
    /// Parts (files) in a workbook's zip archive (F303).
    pub zip_entries: u64,
    /// Bytes of one workbook part once inflated (F302).
    pub part_bytes: u64,
    /// Bytes of the shared-strings part once inflated: calamine holds it all (F302).
    pub shared_strings_bytes: u64,
    /// Bytes of all parts of a workbook once inflated (F302).
    pub inflated_bytes: u64,
    /// Inflated bytes per compressed byte of a part (F302), for parts above
    /// [`Limits::ratio_grace_bytes`].
    pub compression_ratio: u64,
    /// Parts this small are not held to the ratio (a small, repetitive part compresses well).
    pub ratio_grace_bytes: u64,
    /// Bytes a workbook's sheets may take in memory as they are read and laid out in rows
    /// (F308), reckoned by [`held_by_cell`] and [`held_by_row`]: text, and the strings and
    /// rows that hold it.
    pub workbook_held_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            csv_bytes: 8 * GIB,
            workbook_bytes: 64 * MIB,
            xml_bytes: 2 * GIB,
            row_bytes: MIB,
            rows: 3_000_000,
            columns: 1_000,
            sheets: 100,
            zip_entries: 10_000,
            part_bytes: 64 * MIB,
            shared_strings_bytes: 16 * MIB,
            inflated_bytes: 512 * MIB,
            compression_ratio: 100,
            ratio_grace_bytes: MIB,
            workbook_held_bytes: 96 * MIB,
        }
    }
}

/// A file refused for a file-level limit.
pub(crate) fn refused(path: &Path, rule: Rule, message: impl Into<String>) -> IntakeError {
    IntakeError::Refused {
        path: path.display().to_string(),
        rule,
        message: message.into(),
    }
}

/// A byte count as people read it.
pub fn bytes(n: u64) -> String {
    for (unit, name) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if n >= unit {
            return if n.is_multiple_of(unit) {
                format!("{} {name}", n / unit)
            } else {
                format!("{:.1} {name}", n as f64 / unit as f64)
            };
        }
    }
    format!("{n} bytes")
}

/// The size of a file, refused when over `limit`.
pub(crate) fn check_file_size(path: &Path, limit: u64, what: &str) -> Result<u64, IntakeError> {
    let size = std::fs::metadata(path)
        .map_err(|e| IntakeError::Unreadable {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
        .len();
    if size > limit {
        return Err(refused(
            path,
            Rule::F301,
            format!(
                "the file is {} and a {what} may be at most {}; split the return into several files (one per table, or by period)",
                bytes(size),
                bytes(limit)
            ),
        ));
    }
    Ok(size)
}

/// The number of entries the end-of-central-directory record of a zip archive declares, read
/// before the directory itself is parsed (each entry costs memory). `None` when there is no
/// such record (not a zip archive).
fn declared_entries(file: &mut std::fs::File, size: u64) -> std::io::Result<Option<u64>> {
    // The record is 22 bytes plus a comment of at most 65,535.
    let tail_len = size.min(22 + 65_535);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    file.take(tail_len).read_to_end(&mut tail)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
    else {
        return Ok(None);
    };
    let total = u16::from_le_bytes([tail[at + 10], tail[at + 11]]);
    Ok(Some(u64::from(total)))
}

/// Checks a workbook's zip archive from its central directory before anything is inflated:
/// size of the file, number of parts and of sheets, the inflated size of each part and of all
/// together, and each part's compression ratio.
pub(crate) fn check_workbook(path: &Path, limits: &Limits) -> Result<(), IntakeError> {
    let size = check_file_size(path, limits.workbook_bytes, "workbook")?;
    let broken = |message: String| {
        refused(
            path,
            Rule::F303,
            format!(
                "{message}; the file is not a readable workbook (a damaged or renamed file?): open it in a spreadsheet and save it again as .xlsx, or send the tables as CSV"
            ),
        )
    };
    let mut file = std::fs::File::open(path).map_err(|e| IntakeError::Unreadable {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let entries = declared_entries(&mut file, size)
        .map_err(|e| broken(e.to_string()))?
        .ok_or_else(|| broken("no zip directory found".to_string()))?;
    // 0xFFFF: a zip64 archive, whose real count is elsewhere; no workbook within the size limit
    // needs one.
    if entries > limits.zip_entries || entries == 0xFFFF {
        return Err(refused(
            path,
            Rule::F303,
            format!(
                "the workbook's archive declares {entries} parts and a workbook may have at most {}; save it again from a spreadsheet, or send the tables as CSV",
                limits.zip_entries
            ),
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| broken(e.to_string()))?;
    let archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| broken(format!("its zip directory cannot be read ({e})")))?;
    let mut total: u64 = 0;
    let mut sheets = 0usize;
    let bomb = |message: String| {
        refused(
            path,
            Rule::F302,
            format!(
                "{message}; a workbook this large or this compressed is refused to keep memory bounded (a \"zip bomb\" looks like this): send the tables as CSV"
            ),
        )
    };
    for index in 0..archive.len() {
        let part = archive
            .by_index_data(index)
            .map_err(|e| broken(format!("its zip directory cannot be read ({e})")))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let inflated = part.size();
        let compressed = part.compressed_size();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") && !name.contains("/_rels/")
        {
            sheets += 1;
        }
        let limit = if name.ends_with("sharedStrings.xml") || name.ends_with("sharedStrings.bin") {
            limits.shared_strings_bytes
        } else {
            limits.part_bytes
        };
        if inflated > limit {
            return Err(bomb(format!(
                "part {name} inflates to {} and a part may be at most {}",
                bytes(inflated),
                bytes(limit)
            )));
        }
        if inflated > limits.ratio_grace_bytes
            && inflated / compressed.max(1) > limits.compression_ratio
        {
            return Err(bomb(format!(
                "part {name} inflates {} times over ({} from {}) and a part may inflate at most {} times",
                inflated / compressed.max(1),
                bytes(inflated),
                bytes(compressed),
                limits.compression_ratio
            )));
        }
        total = total.saturating_add(inflated);
        if total > limits.inflated_bytes {
            return Err(bomb(format!(
                "the parts inflate to more than {} together",
                bytes(limits.inflated_bytes)
            )));
        }
    }
    if sheets > limits.sheets {
        return Err(too_many_sheets(path, sheets, limits));
    }
    Ok(())
}

pub(crate) fn too_many_sheets(path: &Path, sheets: usize, limits: &Limits) -> IntakeError {
    refused(
        path,
        Rule::F304,
        format!(
            "the workbook has {sheets} sheets and a return may have at most {}; keep one sheet per table (people, incidents, ...) and remove the others",
            limits.sheets
        ),
    )
}

pub(crate) fn too_many_rows(path: &Path, what: &str, limits: &Limits) -> IntakeError {
    refused(
        path,
        Rule::F305,
        format!(
            "{what} more than {} rows; send it as several returns (by period, or by area)",
            limits.rows
        ),
    )
}

pub(crate) fn too_many_columns(path: &Path, columns: usize, limits: &Limits) -> IntakeError {
    refused(
        path,
        Rule::F306,
        format!(
            "a table has {columns} columns and may have at most {}; remove the columns the return does not need",
            limits.columns
        ),
    )
}

/// What a cell of a sheet takes in memory as read: its place and string (32 bytes) and its
/// text, in the 16-byte blocks an allocator hands out.
pub fn held_by_cell(text_len: usize) -> u64 {
    32 + (text_len as u64).div_ceil(16) * 16
}

/// What a row of a sheet takes in memory once laid out: its number and list (48 bytes) and a
/// string for each column (24 bytes; the text is moved, not copied).
pub fn held_by_row(width: usize) -> u64 {
    48 + 24 * width as u64
}

/// The longest value, in characters, a field of a kind may hold (E012). Generous for real
/// data: the longest names and free text agencies send are far shorter.
pub fn max_chars(kind: &FieldKind) -> usize {
    match kind {
        FieldKind::Id | FieldKind::Reference(_) => 100,
        FieldKind::Identifier => 200,
        FieldKind::Identifiers => 1_000,
        FieldKind::Text => 2_000,
        FieldKind::Date
        | FieldKind::Integer { .. }
        | FieldKind::Postcode
        | FieldKind::NhsNumber
        | FieldKind::AreaCode => 50,
        FieldKind::Code(_) | FieldKind::Ethnicity | FieldKind::EthnicityObserved => 200,
        FieldKind::EthnicityScheme => 100,
        FieldKind::Codes(_) | FieldKind::Nationality => 1_000,
    }
}

/// The longest value of a column holding ethnicity and nationality at once, and of a column of
/// CIN assessment factors.
pub const COMBINED_MAX_CHARS: usize = 500;
pub const FACTORS_MAX_CHARS: usize = 1_000;

/// Characters of a value shown in a diagnostic before it is cut short.
pub const DISPLAY_CHARS: usize = 60;

/// A value for display: at most [`DISPLAY_CHARS`] characters, with how long it really was.
pub fn for_display(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= DISPLAY_CHARS {
        return value.to_string();
    }
    let head: String = value.chars().take(DISPLAY_CHARS).collect();
    format!("{head}… ({chars} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_cuts_long_values_and_says_how_long() {
        assert_eq!(for_display("Smith"), "Smith");
        let long = "x".repeat(1000);
        let shown = for_display(&long);
        assert!(shown.starts_with(&"x".repeat(DISPLAY_CHARS)));
        assert!(shown.ends_with("… (1000 characters)"), "{shown}");
    }

    #[test]
    fn byte_counts_read_plainly() {
        assert_eq!(bytes(64 * MIB), "64 MiB");
        assert_eq!(bytes(8 * GIB), "8 GiB");
        assert_eq!(bytes(1500), "1.5 KiB");
        assert_eq!(bytes(2 * GIB + 126), "2.0 GiB");
        assert_eq!(bytes(1000), "1000 bytes");
    }
}
