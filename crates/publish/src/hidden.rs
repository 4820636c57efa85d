//! How many victims does no agency know, as the report says it: the overlaps between the lists
//! as a table under disclosure control (each combination of lists a cell, each list's size a
//! subtotal, the known victims the total), an UpSet-style chart of that table, the sentence with
//! its interval, assumptions and lists, and the methodology paragraph. The figure itself is
//! `sightline_assess::hidden` (`victims.estimated_total`); nothing here computes it.

use crate::charts::{BLUE, GREY, escape, shown, thousands};
use crate::tables::{FigureCells, Published, capitalise};
use sightline_assess::Assessment;
use sightline_assess::hidden::HiddenPopulation;
use sightline_disclosure::{Rules, Shown, Table};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The table's id in the publication.
pub const TABLE_ID: &str = "victims.lists";

/// The list's label as the report writes it.
fn list_label(h: &HiddenPopulation, code: &str) -> String {
    h.lists
        .iter()
        .find(|l| l.list == code)
        .map_or_else(|| code.replace('_', " "), |l| l.label.clone())
}

/// "police forces & children's services" for a combination.
fn combination(h: &HiddenPopulation, lists: &[String]) -> String {
    let names: Vec<String> = lists.iter().map(|l| list_label(h, l)).collect();
    if names.len() == 1 {
        format!("{} only", names[0])
    } else {
        names.join(" & ")
    }
}

/// The overlaps as a table: one row per combination of lists (victims on exactly those lists),
/// then one subtotal row per list (its victims, alone or with others); the total is the known
/// victims, shared with the victims' other tables when it is the same number.
pub fn table(a: &Assessment) -> Option<(Table, FigureCells)> {
    let h = &a.hidden_population;
    if h.overlaps.is_empty() {
        return None;
    }
    let rows: Vec<(String, u64)> = h
        .overlaps
        .iter()
        .map(|o| (capitalise(&combination(h, &o.lists)), o.people))
        .collect();
    let n_cells = rows.len();
    let shared = (a.count("victims") == Some(h.known)).then(|| "victims".to_string());
    let mut table = Table::column(
        TABLE_ID,
        "Victims on each combination of lists (kinds of agency)",
        "Victims",
        rows,
        shared,
    );
    for (i, list) in h.lists.iter().enumerate() {
        let members: Vec<usize> = (0..n_cells).filter(|c| (c + 1) & (1 << i) != 0).collect();
        let at = table.rows.len();
        table = table.with_subtotal(
            at,
            format!("On the list of {} (alone or with others)", list.label),
            &members,
        );
    }
    Some((table, BTreeMap::new()))
}

/// An estimate as the report prints it: to the nearest ten (an estimate, not a count).
fn about(x: f64) -> String {
    thousands(tens(x))
}

/// The UpSet-style chart: a bar per combination of lists (the victims on exactly those lists,
/// largest first; hidden counts have no bar and say `[c]`), a dot matrix saying which lists each
/// bar is, and each list's size beside its name.
fn upset(h: &HiddenPopulation, table: &Published) -> String {
    let n_lists = h.lists.len();
    let n_cells = h.overlaps.len();
    let cell = |row: usize| table.protected.cells[row][0];
    let mut order: Vec<usize> = (0..n_cells).collect();
    // Largest shown first, hidden last, then in mask order: the same table, the same chart.
    order.sort_by_key(|&c| match cell(c) {
        Shown::Count(n) => (0, std::cmp::Reverse(n), c),
        Shown::Hidden => (1, std::cmp::Reverse(0), c),
    });
    let (left, column, top, bar_height, row) = (250u32, 34u32, 20u32, 160u32, 22u32);
    let width = left + column * n_cells as u32 + 20;
    let matrix_top = top + bar_height + 24;
    let height = matrix_top + row * n_lists as u32 + 10;
    let max = (0..n_cells)
        .filter_map(|c| cell(c).count())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"upset-t upset-d\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\"><title id=\"upset-t\">Victims on each combination of lists</title><desc id=\"upset-d\">{}</desc>",
        escape(
            "Bars: the victims on exactly one combination of kinds of agency, largest first. Dots below each bar: which lists the combination is. Beside each list's name: its victims, alone or with others. A count too small to publish has no bar."
        )
    );
    for (x_at, &c) in order.iter().enumerate() {
        let x = left + column * x_at as u32;
        let (length, text) = match cell(c) {
            Shown::Count(n) => (
                (n as f64 / max * f64::from(bar_height)).round(),
                thousands(n),
            ),
            Shown::Hidden => (0.0, "[c]".to_string()),
        };
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{length}\" fill=\"{BLUE}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{text}</text>",
            x + 6,
            f64::from(top + bar_height) - length,
            column - 12,
            x + column / 2,
            f64::from(top + bar_height) - length - 4.0,
        );
        let mask = c + 1;
        let on: Vec<usize> = (0..n_lists).filter(|i| mask & (1 << i) != 0).collect();
        if let (Some(first), Some(last)) = (on.first(), on.last())
            && first != last
        {
            let _ = write!(
                svg,
                "<line x1=\"{cx}\" y1=\"{}\" x2=\"{cx}\" y2=\"{}\" stroke=\"#333333\" stroke-width=\"2\"/>",
                matrix_top + row * *first as u32 + row / 2,
                matrix_top + row * *last as u32 + row / 2,
                cx = x + column / 2
            );
        }
        for i in 0..n_lists {
            let fill = if mask & (1 << i) != 0 {
                "#333333"
            } else {
                "#dddddd"
            };
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{fill}\"/>",
                x + column / 2,
                matrix_top + row * i as u32 + row / 2
            );
        }
    }
    for (i, list) in h.lists.iter().enumerate() {
        let size = table
            .protected
            .cells
            .get(n_cells + i)
            .map_or(Shown::Hidden, |r| r[0]);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{} ({})</text>",
            left - 10,
            matrix_top + row * i as u32 + row / 2 + 4,
            escape(&capitalise(&list.label)),
            shown(size)
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{GREY}\"/></svg>",
        top + bar_height,
        width - 10,
        top + bar_height
    );
    svg
}

/// "2,179 children as victims (linked people, each counted once)", and how many of them are on
/// the lists when some were left out.
fn known_children(h: &HiddenPopulation, known: Shown, rules: &Rules) -> String {
    let victims = crate::tables::shown(h.victims, rules);
    if h.victims == h.known {
        format!(
            "{} children as victims (linked people, each counted once)",
            shown(victims)
        )
    } else {
        format!(
            "{} children as victims (linked people, each counted once), {} of them on the lists used",
            shown(victims),
            shown(known)
        )
    }
}

/// The estimate as `figures.json` publishes it: numbers to the nearest ten, as the report prints
/// them, the known victims under the overlaps table's disclosure control, and what it rests on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedEstimate {
    pub id: String,
    pub label: String,
    /// `estimated` or `refused`.
    pub status: &'static str,
    /// Victims on the lists used: the base of the estimate.
    pub known: Shown,
    pub estimate: Option<u64>,
    pub ci95: Option<[u64; 2]>,
    /// Victims known to no agency: the estimate less the known.
    pub hidden: Option<u64>,
    pub hidden_ci95: Option<[u64; 2]>,
    /// The lists (kinds of agency) used, by label.
    pub lists: Vec<String>,
    /// Lists merged or left out, and why.
    pub lists_left_out: Vec<String>,
    pub assumptions: Vec<String>,
    /// Why there is no estimate, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

/// The known victims as published: the overlaps table's total under its disclosure control, or
/// the count under the rules when there is no table.
fn known_shown(h: &HiddenPopulation, tables: &[Published], rules: &Rules) -> Shown {
    tables
        .iter()
        .find(|t| t.table.id == TABLE_ID)
        .and_then(|t| t.protected.grand_total)
        .unwrap_or_else(|| crate::tables::shown(h.known, rules))
}

/// A number as the report prints an estimate: to the nearest ten, never below zero.
fn tens(x: f64) -> u64 {
    ((x / 10.0).round() * 10.0).max(0.0) as u64
}

pub fn published_estimate(
    a: &Assessment,
    tables: &[Published],
    rules: &Rules,
) -> PublishedEstimate {
    let h = &a.hidden_population;
    let known = known_shown(h, tables, rules);
    let range = |r: Option<[f64; 2]>| r.map(|[low, high]| [tens(low), tens(high)]);
    PublishedEstimate {
        id: h.id.clone(),
        label: h.label.clone(),
        status: h.status,
        known,
        estimate: h.estimate.map(tens),
        ci95: range(h.ci95),
        hidden: h.hidden.map(tens),
        hidden_ci95: range(h.hidden_ci95),
        lists: h.lists.iter().map(|l| l.label.clone()).collect(),
        lists_left_out: h
            .lists_left_out
            .iter()
            .map(|l| format!("{} ({}): {}", l.label, l.action.replace('_', " "), l.reason))
            .collect(),
        assumptions: h.assumptions.clone(),
        refusal: h.refusal.as_ref().map(|r| r.message.clone()),
    }
}

/// The section: the sentence (or why there is no estimate), its assumptions, the chart and its
/// data table.
pub fn section(a: &Assessment, tables: &[Published], rules: &Rules) -> String {
    let h = &a.hidden_population;
    let mut out =
        String::from("<section id=\"hidden\"><h2>Victims no agency knows: an estimate</h2>");
    let table = tables.iter().find(|t| t.table.id == TABLE_ID);
    let known = known_shown(h, tables, rules);
    let lists: Vec<String> = h.lists.iter().map(|l| l.label.clone()).collect();
    let lists_text = match lists.as_slice() {
        [] => "no kind of agency".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    match (h.estimate, h.ci95, h.hidden) {
        (Some(estimate), Some([low, high]), Some(hidden)) => {
            let _ = write!(
                out,
                "<p>Agencies knew {}. The overlap between the lists of {lists_text} suggests about {} victims in all (a 95 in 100 interval of {} to {}), so roughly {} known to no agency. This is an estimate, not a count: it rests on the assumptions below, and if they are wrong the true number can lie outside the interval.</p>",
                known_children(h, known, rules),
                about(estimate),
                about(low),
                about(high),
                about(hidden.max(0.0)),
            );
        }
        _ => {
            let reason = h
                .refusal
                .as_ref()
                .map_or("the overlaps cannot identify a total", |r| {
                    r.message.as_str()
                });
            let _ = write!(
                out,
                "<p>Agencies knew {}. There is no estimate of how many victims no agency knows: {}</p>",
                known_children(h, known, rules),
                escape(reason)
            );
        }
    }
    // The assumptions are an estimate's; without one there is nothing resting on them.
    if h.estimate.is_some() {
        out.push_str("<p>It assumes:</p><ul>");
        for assumption in &h.assumptions {
            let _ = write!(out, "<li>{}</li>", escape(assumption));
        }
        out.push_str("</ul>");
    }
    for left in &h.lists_left_out {
        let _ = write!(
            out,
            "<p class=\"note\">{}: {}.</p>",
            escape(&capitalise(&left.label)),
            escape(&left.reason)
        );
    }
    if let Some(table) = table {
        let rows: String = table
            .table
            .rows
            .iter()
            .zip(&table.protected.cells)
            .map(|(label, cells)| {
                format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(label),
                    shown(cells[0])
                )
            })
            .collect();
        let _ = write!(
            out,
            "<figure><figcaption>Victims on each combination of lists</figcaption>{}<details><summary>Data table</summary><table><caption>{}</caption><tbody>{rows}<tr><th scope=\"row\">Victims on any list</th><td>{}</td></tr></tbody></table></details></figure>",
            upset(h, table),
            escape(&table.table.title),
            shown(known)
        );
    }
    out.push_str("</section>");
    out
}

/// The methodology paragraph.
pub fn methodology(a: &Assessment) -> String {
    let h = &a.hidden_population;
    let mut out = String::from(
        "<p><strong>Victims no agency knows.</strong> Each kind of agency (police forces, children's services, health bodies, education, charities) is a list: a victim is on it when one of its records names the child as a victim (a record of a child at risk does not). How much the lists overlap shows how much each one misses, and so how many victims none of them saw: multiple systems estimation. Log-linear models allow for pairs of lists that tend to know the same children; every model the data can fit is weighed by how well it fits (BIC weights) and the estimate averages over them, so the interval is wide when plausible models disagree. ",
    );
    let _ = write!(
        out,
        "A list with fewer than {} victims is merged with the other small lists or left out. To carry the linkage's own errors, the estimate is repeated on {} versions of the people and the versions are pooled: in each, every link holds with its match probability, every near miss between two victims (a pair of records the linkage scored but did not join) is made with a probability between the linkage model's own and the one it has among victims' records, and as many further missed links as the linkage model expects false ones are made again between victims each on one list; if the linkage missed more, the estimate is too high. There is no estimate when the lists do not overlap, when one list's victims are all on another, or when there are too few victims.",
        sightline_assess::hidden::MIN_LIST_SIZE,
        sightline_assess::hidden::LINKAGE_DRAWS + 1,
    );
    if let Some(model) = &h.model {
        let pairs: Vec<String> = model
            .interaction_weights
            .iter()
            .filter(|w| w.weight >= 0.5)
            .map(|w| {
                w.lists
                    .split(" & ")
                    .map(|code| list_label(h, code))
                    .collect::<Vec<_>>()
                    .join(" with ")
            })
            .collect();
        if !pairs.is_empty() {
            let _ = write!(
                out,
                " The models that carry most weight let these lists depend on each other: {}.",
                escape(&pairs.join("; "))
            );
        }
    }
    out.push_str("</p>");
    out
}
