//! The Excel template: Guidance, one sheet per table, and the Lists that feed the drop-downs.

use crate::{Choices, CodeListTable, allowed_values, choices};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, Formula,
    Workbook, Worksheet, XlsxError, worksheet_range_absolute,
};
use sightline_standard::{FieldKind, STANDARD_VERSION, Table};

const LISTS: &str = "Lists";
/// The last row (0-based) that gets drop-downs: rows 2 to 10,000 as Excel numbers them.
const LAST_ROW: u32 = 9_999;

const HOW_TO: &[&str] = &[
    "Fill in one sheet per table. Keep each header row exactly as it is: do not rename, reorder or delete columns.",
    "A sheet the agency has nothing for may be left with its header only.",
    "Leave a cell blank when the agency did not record the value. Write not_known, refused or not_stated when that is what the record says: they are counted apart.",
    "Coded columns offer a drop-down; the codes and their meanings are listed below. Where several codes are allowed, separate them with ';' (victim;suspect).",
    "Dates: YYYY-MM-DD, or YYYY-MM or YYYY when only part is known. Date columns are formatted as text so that a partial date stays partial.",
    "Ethnicity: write what the person said, in the scheme it was recorded in, and name that scheme in ethnicity_scheme. Officer-observed IC codes go in ethnicity_observed only.",
    "Nationality is not ethnicity: write ISO 3166-1 alpha-3 codes (GBR, PAK), several separated by ';', or stateless.",
    "The same return may be sent as one CSV file per table with the same headers (see datapackage.json).",
    "Children's services may instead send what they already make for the DfE, as it is: the SSDA903 extract (header.csv, episodes.csv, missing.csv) and the CIN census (XML). dfe_layouts.csv and dfe_codes.csv say how each column and code is read; a child with factor 11A is counted as at risk, never as a victim.",
];

/// The workbook, ready to save. Its creation date is fixed so that the file is reproducible.
pub(crate) fn build(lists: &[CodeListTable]) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("Sightline return")
            .set_subject(format!("Sightline data standard {STANDARD_VERSION}"))
            .set_creation_datetime(&ExcelDateTime::from_ymd(2025, 1, 1)?),
    );
    guidance(book.add_worksheet(), lists)?;

    let mut columns: Vec<Choices> = Vec::new();
    for field in Table::ALL.iter().flat_map(|table| table.fields()) {
        if let Some(offered) = choices(field.kind)
            && !columns.iter().any(|column| column.list == offered.list)
        {
            columns.push(offered);
        }
    }
    for table in Table::ALL {
        table_sheet(book.add_worksheet(), table, &columns)?;
    }
    lists_sheet(book.add_worksheet(), &columns)?;
    Ok(book)
}

fn guidance(sheet: &mut Worksheet, lists: &[CodeListTable]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    sheet.set_name("Guidance")?;
    for (col, width) in [18, 28, 10, 60, 40, 22].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_column_format(3, &wrap)?;
    sheet.set_column_format(4, &wrap)?;

    sheet.write_with_format(
        0,
        0,
        "Sightline return template",
        &bold.clone().set_font_size(14),
    )?;
    sheet.write(1, 0, format!("Data standard version {STANDARD_VERSION}"))?;
    sheet.write_with_format(3, 0, "How to fill it in", &bold)?;
    let mut row = 4;
    for line in HOW_TO {
        sheet.write(row, 0, *line)?;
        row += 1;
    }

    row += 1;
    let header = [
        "Table",
        "Field",
        "Required",
        "What it holds",
        "Allowed values",
        "Example",
    ];
    sheet.write_row_with_format(row, 0, header, &bold)?;
    for table in Table::ALL {
        row += 1;
        sheet.write_with_format(row, 0, table.name(), &bold)?;
        sheet.write(row, 3, table.description())?;
        for field in table.fields() {
            row += 1;
            let required = if field.required { "yes" } else { "no" };
            let cells = [
                table.name().to_string(),
                field.name.to_string(),
                required.to_string(),
                field.description.to_string(),
                allowed_values(field.kind),
                field.example.to_string(),
            ];
            sheet.write_row(row, 0, cells)?;
        }
    }

    row += 2;
    sheet.write_with_format(row, 0, "Code lists", &bold)?;
    row += 1;
    sheet.write_row_with_format(row, 0, ["List", "Code", "Label"], &bold)?;
    for list in lists {
        for (code, label) in &list.rows {
            row += 1;
            sheet.write_row(row, 0, [&list.name, code, label])?;
        }
    }
    Ok(())
}

fn table_sheet(sheet: &mut Worksheet, table: Table, columns: &[Choices]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    // Text, so that Excel keeps what is typed: partial dates, leading zeros, long numbers.
    let text = Format::new().set_num_format("@");
    sheet.set_name(table.name())?;
    sheet.set_freeze_panes(1, 0)?;
    for (col, field) in (0u16..).zip(table.fields()) {
        sheet.write_with_format(0, col, field.name, &bold)?;
        let width = field.name.len().max(field.example.len()).clamp(10, 38) + 2;
        sheet.set_column_width(col, width as f64)?;
        if !matches!(field.kind, FieldKind::Integer { .. }) {
            sheet.set_column_format(col, &text)?;
        }
        let mut validation = DataValidation::new().allow_any_value();
        let listed = choices(field.kind)
            .and_then(|offered| (0u16..).zip(columns).find(|(_, c)| c.list == offered.list));
        if let Some((col_in_lists, offered)) = listed {
            let range = worksheet_range_absolute(
                LISTS,
                1,
                col_in_lists,
                offered.values.len() as u32,
                col_in_lists,
            );
            validation = validation.allow_list_formula(Formula::new(range));
            validation = if offered.strict {
                validation.set_error_message(
                    "Choose a value from the drop-down. The Guidance sheet says what each code means.",
                )?
            } else {
                validation
                    .set_error_style(DataValidationErrorStyle::Information)
                    .set_error_message(
                        "This is not one of the listed codes. Several codes may be given, separated by ';'.",
                    )?
            };
        }
        let validation = validation
            .set_input_title(field.name)?
            .set_input_message(field.description)?;
        sheet.add_data_validation(1, col, LAST_ROW, col, &validation)?;
    }
    Ok(())
}

fn lists_sheet(sheet: &mut Worksheet, columns: &[Choices]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    sheet.set_name(LISTS)?;
    for (col, column) in (0u16..).zip(columns) {
        sheet.write_with_format(0, col, column.list, &bold)?;
        sheet.write_column(1, col, column.values.iter().copied())?;
        sheet.set_column_width(col, column.list.len().max(12) as f64 + 2.0)?;
    }
    Ok(())
}
