//! Which tables does the publication hold, and what survives disclosure control? Every table
//! of the report is built here from the assessment's figures, protected, and checked as a set;
//! published figures take their hidden state from the table cells they came from.

use sightline_assess::Assessment;
use sightline_assess::figure::{Breakdown, Figure, Status};
pub use sightline_assess::plural;
use sightline_disclosure::{Protected, Rules, Shown, Table, protect};
use std::collections::BTreeMap;

/// (row, column) → the id of the figure whose n the cell is.
pub type FigureCells = BTreeMap<(usize, usize), String>;

/// A table with its protection, and which figure each cell is.
#[derive(Debug, Clone)]
pub struct Published {
    pub table: Table,
    pub protected: Protected,
    /// (row, column) → figure id.
    pub figures: BTreeMap<(usize, usize), String>,
    /// Whether the report shows a share beside each count.
    pub shares: bool,
    /// Whether each row is a figure's n (first column) and its base (second).
    pub n_of_base: bool,
}

/// Readable label for a code.
pub fn label(code: &str) -> String {
    match code {
        "not_recorded" => "Not recorded".into(),
        "not_known" => "Not known".into(),
        "refused" => "Refused".into(),
        "not_stated" => "Not stated".into(),
        "unmapped" => "Not mapped to a code".into(),
        "no_return" => "No return".into(),
        "not_collected" => "Not collected".into(),
        "name_and_date_of_birth" => "Identified by name and date of birth".into(),
        "partial" => "Partly identified (a name or alias, no full date of birth)".into(),
        "unidentified" => "Unidentified (no name)".into(),
        "under_13" => "Under 13".into(),
        "13_15" => "13 to 15".into(),
        "16_17" => "16 to 17".into(),
        "18_24" => "18 to 24".into(),
        "25_34" => "25 to 34".into(),
        "35_plus" => "35 and over".into(),
        "3_5" => "3 to 5".into(),
        "6_10" => "6 to 10".into(),
        "11_20" => "11 to 20".into(),
        "11_plus" => "11 or more".into(),
        "21_plus" => "21 or more".into(),
        other => {
            if let Some(label) = standard_label(other) {
                return label;
            }
            let text = other.replace('_', " ");
            let mut chars = text.chars();
            match chars.next() {
                Some(first) if first.is_ascii_lowercase() => {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                }
                _ => text,
            }
        }
    }
}

/// The standard's own label for a code: ethnicity groups and codes, code lists, countries.
fn standard_label(code: &str) -> Option<String> {
    use sightline_standard::codes::ALL_LISTS;
    use sightline_standard::ethnicity::{self, Group};
    let short = |group: Group| match group {
        Group::Asian => "Asian",
        Group::Black => "Black",
        Group::Mixed => "Mixed",
        Group::White => "White",
        Group::Other => "Other ethnic group",
    };
    for group in [
        Group::Asian,
        Group::Black,
        Group::Mixed,
        Group::White,
        Group::Other,
    ] {
        if group.code() == code {
            return Some(short(group).to_string());
        }
        if code.strip_suffix("_not_detailed") == Some(group.code()) {
            return Some(format!("{}: not detailed", short(group)));
        }
    }
    if let Some(entry) = ethnicity::code(code) {
        return Some(format!("{}: {}", short(entry.group), entry.label));
    }
    if code == "GBR" {
        return Some("United Kingdom".to_string());
    }
    for list in ALL_LISTS {
        if let Some(found) = list.codes.iter().find(|c| c.code == code) {
            return Some(found.label.to_string());
        }
    }
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
        return sightline_standard::nationality::by_alpha3(code).map(|c| c.name.to_string());
    }
    None
}

/// A breakdown as a one-column table: categories, their known subtotal, then unknown kinds;
/// the total is the population.
pub fn breakdown_table(breakdown: &Breakdown, total_key: Option<&str>) -> (Table, FigureCells) {
    let mut rows: Vec<(String, u64)> = Vec::new();
    let mut figures = BTreeMap::new();
    for (at, figure) in breakdown.categories.iter().enumerate() {
        rows.push((label(&figure.label), figure.n));
        figures.insert((at, 0), figure.id.clone());
    }
    let known_at = rows.len();
    figures.insert((known_at, 0), breakdown.recorded.id.clone());
    for (at, figure) in breakdown.unknowns.iter().enumerate() {
        rows.push((label(&figure.label), figure.n));
        figures.insert((known_at + 1 + at, 0), figure.id.clone());
    }
    let summed: Vec<usize> = (0..known_at).collect();
    let status = match breakdown.recorded.status {
        Status::NotCollected => " (not collected)",
        _ => "",
    };
    let table = Table::column(
        breakdown.id.clone(),
        format!(
            "{} by {}{status}",
            capitalise(&breakdown.base_label),
            breakdown.label
        ),
        capitalise(&breakdown.base_label),
        rows,
        total_key.map(str::to_string),
    )
    .with_subtotal(
        known_at,
        format!("{} known", capitalise(&breakdown.label)),
        &summed,
    );
    (table, figures)
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// A table of single counts (no totals), one row per figure's n.
fn counts_table(
    id: &str,
    title: &str,
    column: &str,
    rows: Vec<(String, u64, Option<String>)>,
) -> (Table, FigureCells) {
    let mut figures = BTreeMap::new();
    let mut cells = Vec::new();
    let mut labels = Vec::new();
    for (at, (label, n, figure)) in rows.into_iter().enumerate() {
        labels.push(label);
        cells.push(vec![n]);
        if let Some(id) = figure {
            figures.insert((at, 0), id);
        }
    }
    (
        Table {
            id: id.to_string(),
            title: title.to_string(),
            rows: labels,
            columns: vec![column.to_string()],
            cells,
            row_totals: false,
            column_totals: false,
            total_key: None,
            subtotals: Vec::new(),
        },
        figures,
    )
}

/// Every table of the publication, protected (or, restricted, with nothing hidden). Groups one
/// by one (their sizes, reach and months) are in restricted output only: published output
/// gives their distribution.
pub fn tables(a: &Assessment, rules: &Rules, restricted: bool) -> Vec<Published> {
    // (table, which figure each cell is, shares shown, rows are n and base)
    let mut built: Vec<(Table, FigureCells, bool, bool)> = Vec::new();
    let population_key = |id: &str| -> Option<&'static str> {
        if id.ends_with("_identified") {
            None
        } else if id.starts_with("victims.") {
            Some("victims")
        } else if id.starts_with("offenders.victims_per_offender") {
            None
        } else if id.starts_with("offenders.") {
            Some("offenders")
        } else if id.starts_with("incidents.") {
            Some("incidents")
        } else {
            None
        }
    };
    for breakdown in a
        .victims
        .breakdowns
        .iter()
        .chain(&a.offenders.breakdowns)
        .chain(&a.offending.breakdowns)
        .chain(a.groups.iter().map(|g| &g.sizes))
        .chain([
            &a.missing.victims_missing_from,
            &a.missing.victims_episode_kind,
        ])
        .chain(&a.justice.outcomes)
    {
        let (table, figures) = breakdown_table(breakdown, population_key(&breakdown.id));
        built.push((table, figures, true, false));
    }

    // Records → people.
    let mut lines: Vec<(String, u64, Option<String>)> = Vec::new();
    let mut people: Vec<(String, u64, Option<String>)> = Vec::new();
    for line in &a.population.lines {
        let name = format!("{}, {}", label(&line.role), plural(&line.agency_type));
        lines.push((name.clone(), line.records, None));
        people.push((name, line.people, None));
    }
    let (mut records_table, _) = counts_table(
        "population.records",
        "Person records by role and agency type",
        "Records",
        lines,
    );
    records_table.columns.push("People".to_string());
    for (row, (_, n, _)) in records_table.cells.iter_mut().zip(people) {
        row.push(n);
    }
    built.push((records_table, BTreeMap::new(), false, false));

    // Single figures: justice, the missing link, groups, coverage, governance.
    let singles: Vec<(&str, &str, Vec<&Figure>)> = vec![
        (
            "justice",
            "From incident to conviction",
            a.justice.steps.iter().collect(),
        ),
        ("missing", "Victims and going missing", a.missing.figures()),
        (
            "groups",
            "Offending in groups",
            a.groups.iter().flat_map(|g| g.figures()).collect(),
        ),
        (
            "coverage",
            "Agencies asked and returned",
            a.coverage.types.iter().map(|t| &t.returned_share).collect(),
        ),
        (
            "governance",
            "Safeguarding boards' arrangements",
            a.coverage.governance.iter().collect(),
        ),
    ];
    for (id, title, figures) in singles {
        let mut table = Table {
            id: id.to_string(),
            title: title.to_string(),
            rows: Vec::new(),
            columns: vec!["Count".to_string(), "Of".to_string()],
            cells: Vec::new(),
            row_totals: false,
            column_totals: false,
            total_key: None,
            subtotals: Vec::new(),
        };
        let mut ids = BTreeMap::new();
        for (at, figure) in figures.iter().enumerate() {
            let status = match figure.status {
                Status::NotCollected => " — not collected",
                Status::NoData => " — no data",
                _ => "",
            };
            table.rows.push(format!(
                "{} (of {}){status}",
                capitalise(&figure.label),
                figure.base_label
            ));
            table.cells.push(vec![figure.n, figure.base]);
            ids.insert((at, 0), figure.id.clone());
        }
        built.push((table, ids, true, true));
    }

    // The lists' overlaps behind the estimate of the victims no agency knows.
    built.extend(crate::hidden::table(a).map(|(table, figures)| (table, figures, false, false)));

    // Groups one by one (shared-incident definition), without identifiers.
    if let Some(section) = a.groups.first().filter(|_| restricted) {
        let mut table = Table {
            id: "groups.list".to_string(),
            title: "Groups of offenders who shared an incident".to_string(),
            rows: Vec::new(),
            columns: ["Offenders", "Victims", "Incidents", "Areas", "Forces"]
                .map(String::from)
                .to_vec(),
            cells: Vec::new(),
            row_totals: false,
            column_totals: false,
            total_key: None,
            subtotals: Vec::new(),
        };
        for group in &section.groups {
            table.rows.push(format!(
                "{} ({} to {})",
                group.id,
                group.first.as_deref().unwrap_or("?"),
                group.last.as_deref().unwrap_or("?")
            ));
            table.cells.push(vec![
                group.offenders,
                group.victims,
                group.incidents,
                group.areas,
                group.forces,
            ]);
        }
        built.push((table, BTreeMap::new(), false, false));
    }

    built
        .into_iter()
        .map(|(table, figures, shares, n_of_base)| {
            let rules = rules_for(&table.id, rules);
            let protected = protect(&table, rules);
            Published {
                table,
                protected,
                figures,
                shares,
                n_of_base,
            }
        })
        .collect()
}

/// Tables whose counts are of organisations, not people: outside disclosure control.
const ORGANISATION_TABLES: [&str; 2] = ["coverage", "governance"];

/// The rules for a table or a figure (by its id): counts of organisations (who was asked, who
/// returned, what boards have in place) identify no person and are published as they are;
/// everything else under `rules`.
pub fn rules_for<'a>(id: &str, rules: &'a Rules) -> &'a Rules {
    let table = id.split('.').next().unwrap_or(id);
    if ORGANISATION_TABLES.contains(&table) {
        &Rules::NONE
    } else {
        rules
    }
}

/// Whether a count may be shown under the rules (0 and counts above the threshold).
pub fn showable(n: u64, rules: &Rules) -> bool {
    !(1..=rules.threshold).contains(&n)
}

/// The shown value of a count under the rules, outside any table.
pub fn shown(n: u64, rules: &Rules) -> Shown {
    if showable(n, rules) {
        Shown::Count(match rules.round {
            Some(base) if base > 1 => (n + base / 2) / base * base,
            _ => n,
        })
    } else {
        Shown::Hidden
    }
}
