//! Which rules does a return have to pass, and what does each one's code mean?
//!
//! Codes are stable: `E…` rejects the row, `W…` keeps it with a note, `F…` is about a whole
//! file or column rather than one row, and `F3…` refuses a whole file for a limit (the check
//! stops with [`crate::IntakeError::Refused`]; see [`crate::limits`]). New rules get new codes; a
//! code is never reused.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row is rejected.
    Error,
    /// The row is kept; the value is noted.
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// A required value is missing.
    E001,
    /// An identifier that must be unique in the return is used twice.
    E002,
    /// A date cannot be read in any accepted format.
    E003,
    /// A date of birth is in the future.
    E004,
    /// An end date is before its start date.
    E005,
    /// A row names a person not in the people table.
    E006,
    /// A row names an incident not in the incidents table.
    E007,
    /// A date lies outside the return period.
    E008,
    /// A number cannot be read or is out of range.
    E009,
    /// A required code is not one of its list.
    E010,
    /// A row has more cells than the header has columns.
    E011,
    /// A value is longer than its field's maximum (names 200 characters, ids 100, free text
    /// 2,000: [`crate::limits::max_chars`]).
    E012,
    /// A value holds a NUL character (a binary file, or a broken export).
    E013,
    /// A value is not in its code list; kept as `unmapped` with its original text.
    W101,
    /// An officer-observed IC code was found in the self-defined ethnicity column and moved.
    W102,
    /// A value could be an ethnicity or a nationality; read as ethnicity only.
    W103,
    /// A national identity ("British") was found where ethnicity belongs.
    W104,
    /// An NHS number fails its check digit; the value is not kept.
    W105,
    /// A postcode is not shaped like a UK postcode; the value is not kept.
    W106,
    /// A local authority is not an ONS GSS code (e.g. E06000015).
    W107,
    /// An ethnicity code belongs to another scheme than the one declared.
    W108,
    /// Age and date of birth disagree.
    W109,
    /// A row of a DfE table that completes a child's record (a 903 episode) names a child the
    /// return does not hold; it is not read.
    W110,
    /// A header matches no field of the standard or the profile; the column is not read.
    F201,
    /// A field the table requires has no column.
    F202,
    /// The file is not UTF-8 and was read as Windows-1252.
    F203,
    /// A cross-table rule could not be checked because the other table is not in the return.
    F204,
    /// A column named in the profile is not in the file.
    F205,
    /// A DfE table the standard does not hold (903 UASC, Reviews, OC2, ...): recognised, not read.
    F206,
    /// The file is larger than a file of its kind may be (refused).
    F301,
    /// A workbook part would inflate beyond its limit, or is compressed beyond the ratio a
    /// workbook has: a zip bomb (refused).
    F302,
    /// A workbook's zip archive is broken or has too many parts, or the workbook is not .xlsx
    /// (an .xls, .xlsb or .ods sheet cannot be read within bounded memory) (refused).
    F303,
    /// A workbook has too many sheets (refused).
    F304,
    /// A table has too many rows (refused).
    F305,
    /// A table has too many columns (refused).
    F306,
    /// A CSV row is longer than a row may be: usually an unclosed quote (refused).
    F307,
    /// A workbook holds more cells or text than a workbook is read with (refused).
    F308,
    /// A CIN census XML that could cost far more to read than its size: a DOCTYPE (entities),
    /// nesting too deep, or a tag or text too long (refused).
    F309,
    /// A CSV file holds NUL bytes near its start: binary, or UTF-16 without a byte-order mark
    /// (refused).
    F310,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::E001 => "E001",
            Rule::E002 => "E002",
            Rule::E003 => "E003",
            Rule::E004 => "E004",
            Rule::E005 => "E005",
            Rule::E006 => "E006",
            Rule::E007 => "E007",
            Rule::E008 => "E008",
            Rule::E009 => "E009",
            Rule::E010 => "E010",
            Rule::E011 => "E011",
            Rule::E012 => "E012",
            Rule::E013 => "E013",
            Rule::W101 => "W101",
            Rule::W102 => "W102",
            Rule::W103 => "W103",
            Rule::W104 => "W104",
            Rule::W105 => "W105",
            Rule::W106 => "W106",
            Rule::W107 => "W107",
            Rule::W108 => "W108",
            Rule::W109 => "W109",
            Rule::W110 => "W110",
            Rule::F201 => "F201",
            Rule::F202 => "F202",
            Rule::F203 => "F203",
            Rule::F204 => "F204",
            Rule::F205 => "F205",
            Rule::F206 => "F206",
            Rule::F301 => "F301",
            Rule::F302 => "F302",
            Rule::F303 => "F303",
            Rule::F304 => "F304",
            Rule::F305 => "F305",
            Rule::F306 => "F306",
            Rule::F307 => "F307",
            Rule::F308 => "F308",
            Rule::F309 => "F309",
            Rule::F310 => "F310",
        }
    }

    pub fn severity(self) -> Severity {
        if self.code().starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }

    /// What the rule checks, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            Rule::E001 => "required value missing",
            Rule::E002 => "identifier used twice",
            Rule::E003 => "date not readable",
            Rule::E004 => "date of birth in the future",
            Rule::E005 => "end date before start date",
            Rule::E006 => "person not in the people table",
            Rule::E007 => "incident not in the incidents table",
            Rule::E008 => "date outside the return period",
            Rule::E009 => "number not readable or out of range",
            Rule::E010 => "required code not in its list",
            Rule::E011 => "more cells than headers",
            Rule::E012 => "value longer than its field's maximum",
            Rule::E013 => "NUL character in a value",
            Rule::W101 => "value not in its code list (kept as unmapped)",
            Rule::W102 => "IC code in self-defined ethnicity (moved to observed)",
            Rule::W103 => "ethnicity or nationality? (read as ethnicity)",
            Rule::W104 => "national identity in an ethnicity column",
            Rule::W105 => "NHS number fails its check digit",
            Rule::W106 => "postcode not shaped like a UK postcode",
            Rule::W107 => "local authority is not an ONS code",
            Rule::W108 => "ethnicity code of another scheme",
            Rule::W109 => "age and date of birth disagree",
            Rule::W110 => "a 903 episode of a child not in the return (not read)",
            Rule::F201 => "column not read",
            Rule::F202 => "required column missing",
            Rule::F203 => "file read as Windows-1252",
            Rule::F204 => "cross-table rule not checked",
            Rule::F205 => "profile column not in the file",
            Rule::F206 => "DfE table not part of the standard (not read)",
            Rule::F301 => "file too large (refused)",
            Rule::F302 => "workbook part inflates too far: zip bomb (refused)",
            Rule::F303 => "workbook broken, not .xlsx, or too many parts (refused)",
            Rule::F304 => "too many sheets (refused)",
            Rule::F305 => "too many rows (refused)",
            Rule::F306 => "too many columns (refused)",
            Rule::F307 => "CSV row too long (refused)",
            Rule::F308 => "workbook too large to hold in memory (refused)",
            Rule::F309 => "CIN census XML too costly to read (refused)",
            Rule::F310 => "not a text file (refused)",
        }
    }

    /// What to do about it.
    pub fn hint(self) -> &'static str {
        match self {
            Rule::E001 => "fill in the value, or remove the row",
            Rule::E002 => "give each row its own identifier, or merge the rows",
            Rule::E003 => {
                "write dates as YYYY-MM-DD (or YYYY-MM, YYYY), or declare the format in a profile"
            }
            Rule::E004 => "check the date of birth",
            Rule::E005 => "check both dates",
            Rule::E006 => "add the person to the people table, or correct the person_id",
            Rule::E007 => "add the incident to the incidents table, or correct the incident_id",
            Rule::E008 => "check the date, or the period given with --period",
            Rule::E009 => "write a whole number in range",
            Rule::E010 => {
                "use a code of the list (see the template's Lists sheet), or map the value in a profile"
            }
            Rule::E011 => "remove the extra cells or add a header for them",
            Rule::E012 => "shorten the value, or check that the column is the right one",
            Rule::E013 => "remove the NUL characters (export the file again as CSV)",
            Rule::W101 => "map the value in the profile's [tables.TABLE.values.FIELD]",
            Rule::W102 => "put IC codes in ethnicity_observed",
            Rule::W103 => "record ethnicity and nationality in separate columns",
            Rule::W104 => "record nationality in the nationality column",
            Rule::W105 => "check the NHS number",
            Rule::W106 => "check the postcode",
            Rule::W107 => "use the ONS code of the local authority",
            Rule::W108 => "check ethnicity_scheme, or the profile's ethnicity_scheme",
            Rule::W109 => "check the age, its date and the date of birth",
            Rule::W110 => "send the 903 Header (or the CIN census) with the Episodes",
            Rule::F201 => {
                "map the header to a field in a profile ([tables.TABLE.columns]) if it should be read"
            }
            Rule::F202 => "add the column, or map an existing header to it in a profile",
            Rule::F203 => "save the file as UTF-8 to be sure of accented letters",
            Rule::F204 => "send the related table in the same return",
            Rule::F205 => "correct the header in the profile's [tables.TABLE.columns]",
            Rule::F206 => "nothing to do: the file need not be sent",
            Rule::F301 => "split the return into several files",
            Rule::F302 => "send the tables as CSV",
            Rule::F303 => "save the workbook again from a spreadsheet, or send CSV",
            Rule::F304 => "keep one sheet per table",
            Rule::F305 => "split the return into several files",
            Rule::F306 => "remove the columns the return does not need",
            Rule::F307 => "close the quote that opens the long cell, or shorten it",
            Rule::F308 => "send the tables as CSV, which is read as a stream",
            Rule::F309 => "export the census again from the case management system",
            Rule::F310 => "save the file as CSV UTF-8",
        }
    }

    pub const ALL: [Rule; 39] = [
        Rule::E001,
        Rule::E002,
        Rule::E003,
        Rule::E004,
        Rule::E005,
        Rule::E006,
        Rule::E007,
        Rule::E008,
        Rule::E009,
        Rule::E010,
        Rule::E011,
        Rule::E012,
        Rule::E013,
        Rule::W101,
        Rule::W102,
        Rule::W103,
        Rule::W104,
        Rule::W105,
        Rule::W106,
        Rule::W107,
        Rule::W108,
        Rule::W109,
        Rule::W110,
        Rule::F201,
        Rule::F202,
        Rule::F203,
        Rule::F204,
        Rule::F205,
        Rule::F206,
        Rule::F301,
        Rule::F302,
        Rule::F303,
        Rule::F304,
        Rule::F305,
        Rule::F306,
        Rule::F307,
        Rule::F308,
        Rule::F309,
        Rule::F310,
    ];
}

/// One problem found in a return: where it is, what was there, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub table: sightline_standard::Table,
    /// The standard's field the column is read as, when it is bound to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// The row as the user sees it in their spreadsheet (1-based, counting title lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// The column header as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub expected: String,
    pub message: String,
}
