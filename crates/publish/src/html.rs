//! The report as one HTML file: inline CSS and SVG, no scripts, prints to PDF cleanly. Every
//! share is rendered from a published figure, inside an element carrying its n and base; a
//! share of the known is said to be one, next to how many were known.

use crate::charts::{self, Bar, Heat, data, escape, shown, thousands};
use crate::tables::{Published, capitalise, label, plural};
use crate::{Options, PublishedFigure};
use sightline_assess::Assessment;
use sightline_assess::figure::{Breakdown, Status};
use sightline_disclosure::Shown;
use std::collections::BTreeMap;
use std::fmt::Write as _;

type Figures<'a> = BTreeMap<&'a str, &'a PublishedFigure>;

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 60em; margin: 0 auto; padding: 1em 2em; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2em; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.1em; color: #7a0000; margin: 0.3em 0; }
.lead { font-size: 1.1em; } .fig { white-space: nowrap; }
figure { margin: 1.5em 0; } figcaption { font-weight: bold; margin-bottom: 0.4em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #cccccc; padding: 0.2em 0.6em; text-align: right; } th:first-child, td:first-child { text-align: left; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
details { margin: 0.5em 0 1em; } summary { cursor: pointer; color: #0072B2; }
.note { color: #555555; font-size: 0.9em; }
nav ol { columns: 2; }
@media print { nav, summary { display: none; } details { display: block; } details > * { display: block; } h2 { break-before: page; } figure, table { break-inside: avoid; } }
";

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Where the base is restricted to some agencies' people: ", among victims known to the 3
/// agencies that returned the missing-episodes table (12 victims known only to others are not
/// in the base)".
fn restriction(figure: &PublishedFigure) -> String {
    match (&figure.collection, figure.status) {
        (Some(c), Status::PartlyCollected) => {
            let left = match c.left_out {
                Shown::Count(0) => String::new(),
                left => format!(
                    " ({} {} known only to other agencies are not in the base)",
                    shown(left),
                    escape(&c.population_label)
                ),
            };
            format!(", {}{left}", escape(&c.among()))
        }
        _ => String::new(),
    }
}

/// "n of N base (x%; 95% CI a–b%)", in one element with its n and base; or what there is to
/// say instead when the figure was not collected or has no data.
fn quote(figure: &PublishedFigure) -> String {
    if matches!(figure.status, Status::NotCollected | Status::NoData) {
        return format!(
            "<span class=\"fig\" {}>{}</span>",
            data(figure),
            escape(figure.statement.as_deref().unwrap_or("no data"))
        );
    }
    let body = match figure.share {
        Some(share) => {
            let ci = figure
                .ci95
                .map(|[l, h]| format!("; 95% CI {:.0}–{:.0}%", l * 100.0, h * 100.0))
                .unwrap_or_default();
            format!(
                "{} of {} {} ({}{ci})",
                shown(figure.n),
                shown(figure.base),
                escape(&figure.base_label),
                percent(share)
            )
        }
        None => format!(
            "{} of {} {}",
            shown(figure.n),
            shown(figure.base),
            escape(&figure.base_label)
        ),
    };
    format!(
        "<span class=\"fig\" {}>{body}{}</span>",
        data(figure),
        restriction(figure)
    )
}

/// The two-sentence form for a category of a breakdown: how many were known, then the share
/// of those.
fn sentence(breakdown: &Breakdown, category: &str, says: &str, figures: &Figures<'_>) -> String {
    let (Some(recorded), Some(figure)) = (
        figures.get(breakdown.recorded.id.as_str()),
        figures.get(format!("{}.{category}", breakdown.id).as_str()),
    ) else {
        return String::new();
    };
    if matches!(recorded.status, Status::NotCollected | Status::NoData) {
        return format!(
            "<p>{}: <span class=\"fig\" {}>{}</span>.</p>",
            capitalise(&breakdown.label),
            data(recorded),
            escape(recorded.statement.as_deref().unwrap_or("no data"))
        );
    }
    let known = match recorded.share {
        Some(share) => format!(
            "{} was known for <span class=\"fig\" {}>{} of the {} {} ({}){}</span>.",
            capitalise(&breakdown.label),
            data(recorded),
            shown(recorded.n),
            shown(recorded.base),
            escape(&breakdown.base_label),
            percent(share),
            restriction(recorded)
        ),
        None => format!(
            "{} was known for {} of the {} {}.",
            capitalise(&breakdown.label),
            shown(recorded.n),
            shown(recorded.base),
            escape(&breakdown.base_label)
        ),
    };
    let of = match figure.share {
        Some(share) => {
            let ci = figure
                .ci95
                .map(|[l, h]| format!("; 95% CI {:.0}–{:.0}%", l * 100.0, h * 100.0))
                .unwrap_or_default();
            let bounds = figure
                .bounds
                .filter(|[l, h]| (h - l).abs() > 1e-9)
                .map(|[l, h]| {
                    format!(
                        " Counting every unknown as {says} or as not, the share of all {} would lie between {} and {}.",
                        escape(&breakdown.base_label),
                        percent(l),
                        percent(h)
                    )
                })
                .unwrap_or_default();
            format!(
                " Of those {}, <span class=\"fig\" {}>{} ({}{ci})</span> were {says}.<span class=\"bounds\" {}>{bounds}</span>",
                shown(recorded.n),
                data(figure),
                shown(figure.n),
                percent(share),
                data(figure)
            )
        }
        None => format!(
            " Of those {}, {} were {says}.",
            shown(recorded.n),
            shown(figure.n)
        ),
    };
    format!("<p>{known}{of}</p>")
}

/// A figure as a list item: its label, then n of base with the share.
fn item(figure: &sightline_assess::figure::Figure, figures: &Figures<'_>) -> String {
    figures
        .get(figure.id.as_str())
        .map(|published| {
            format!(
                "<li>{}: {}</li>",
                capitalise(&escape(&published.label)),
                quote(published)
            )
        })
        .unwrap_or_default()
}

/// A count as published under the rules, with thousands separators or `[c]`.
fn count(n: u64, rules: &sightline_disclosure::Rules) -> String {
    shown(crate::tables::shown(n, rules))
}

fn table_html(table: &Published, figures: &Figures<'_>) -> String {
    let rows = crate::table_rows(table);
    let mut html = format!(
        "<table><caption>{}</caption><thead><tr>",
        escape(&table.table.title)
    );
    for cell in &rows[0] {
        let _ = write!(html, "<th scope=\"col\">{}</th>", escape(cell));
    }
    let shares = table.shares && table.table.columns.len() == 1;
    if shares {
        html.push_str("<th scope=\"col\">Share</th>");
    }
    html.push_str("</tr></thead><tbody>");
    for (r, row) in rows.iter().skip(1).enumerate() {
        html.push_str("<tr>");
        for (c, cell) in row.iter().enumerate() {
            if c == 0 {
                let _ = write!(html, "<th scope=\"row\">{}</th>", escape(cell));
            } else {
                let text = cell.parse::<u64>().map_or_else(|_| cell.clone(), thousands);
                let _ = write!(html, "<td>{}</td>", escape(&text));
            }
        }
        if shares {
            match table
                .figures
                .get(&(r, 0))
                .and_then(|id| figures.get(id.as_str()))
            {
                Some(figure) => match figure.share {
                    Some(share) => {
                        let _ = write!(html, "<td {}>{}</td>", data(figure), percent(share));
                    }
                    None if figure.n.is_hidden() || figure.base.is_hidden() => {
                        html.push_str("<td>[c]</td>");
                    }
                    None => html.push_str("<td>–</td>"),
                },
                None => html.push_str("<td></td>"),
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

fn breakdown_figure(
    breakdown: &Breakdown,
    table: Option<&Published>,
    figures: &Figures<'_>,
) -> String {
    if matches!(
        breakdown.recorded.status,
        Status::NotCollected | Status::NoData
    ) {
        return format!(
            "<p class=\"note\"><strong>{} by {}</strong>: <span class=\"fig\" data-id=\"{}\" data-status=\"{}\">{}</span>.</p>",
            escape(&capitalise(&breakdown.base_label)),
            escape(&breakdown.label),
            escape(&breakdown.recorded.id),
            charts::status(breakdown.recorded.status),
            escape(breakdown.recorded.statement.as_deref().unwrap_or("no data"))
        );
    }
    let mut bars: Vec<Bar<'_>> = Vec::new();
    for figure in &breakdown.categories {
        if let Some(published) = figures.get(figure.id.as_str()) {
            bars.push(Bar {
                label: label(&figure.label),
                figure: published,
                unknown: false,
            });
        }
    }
    for figure in &breakdown.unknowns {
        if let Some(published) = figures.get(figure.id.as_str()) {
            bars.push(Bar {
                label: label(&figure.label),
                figure: published,
                unknown: true,
            });
        }
    }
    let title = format!(
        "{} by {}",
        capitalise(&breakdown.base_label),
        breakdown.label
    );
    let description = format!(
        "Bars for each {} of {} {}, then hatched grey bars for each kind of unknown. Shares beside the categories are of those with a known value; shares beside unknowns are of all.",
        breakdown.label,
        thousands(breakdown.population),
        breakdown.base_label
    );
    let id = breakdown.id.replace('.', "-");
    let svg = charts::bars(&id, &title, &description, &bars);
    let data_table = table.map(|t| table_html(t, figures)).unwrap_or_default();
    format!(
        "<figure><figcaption>{}</figcaption>{svg}<details><summary>Data table</summary>{data_table}</details></figure>",
        escape(&title)
    )
}

pub fn report(
    a: &Assessment,
    tables: &[Published],
    figures: &Figures<'_>,
    options: &Options,
) -> String {
    let marking = options.marking();
    let rules = options.effective_rules();
    let table = |id: &str| tables.iter().find(|t| t.table.id == id);
    let total = |id: &str| count(a.count(id).unwrap_or(0), &rules);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Child sexual exploitation: the national picture</title><style>{STYLE}@page {{ @top-center {{ content: \"{marking}\"; font-weight: bold; }} @bottom-center {{ content: \"{marking}\"; font-weight: bold; }} }}</style></head><body><p class=\"marking\">{marking}</p><header><h1>Child sexual exploitation: the national picture</h1><p class=\"lead\">Built from {} returns by police forces, children's services, health bodies, charities and safeguarding boards. {} person records were linked into {} people.</p></header>",
        thousands(a.coverage.returns),
        total("person_records"),
        total("people"),
    );
    let sections = [
        ("headline", "Headline figures"),
        ("coverage", "Coverage: who was asked, who returned"),
        ("victims", "Victims"),
        ("offenders", "Offenders"),
        ("hidden", "Victims no agency knows"),
        ("groups", "Groups"),
        ("missing", "The missing link"),
        ("where", "Where and how"),
        ("justice", "From report to conviction"),
        ("quality", "Data quality"),
        ("methodology", "Methodology"),
        ("caveats", "Caveats"),
    ];
    h.push_str("<nav><h2>Contents</h2><ol>");
    for (id, title) in sections {
        let _ = write!(h, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    h.push_str("</ol></nav>");

    // Headline figures.
    h.push_str("<section id=\"headline\"><h2>Headline figures</h2>");
    let between = |id: &str| {
        a.counts
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.linkage.as_ref())
            .map(|l| {
                format!(
                    "{} and {}",
                    count(l.range[0], &rules),
                    count(l.range[1], &rules)
                )
            })
    };
    let _ = write!(
        h,
        "<p>The returns name {} victims and {} offenders as linked people (records of the same person from different agencies counted once).{}</p>",
        total("victims"),
        total("offenders"),
        match (between("victims"), between("offenders")) {
            (Some(v), Some(o)) => format!(
                " Linkage may join records of different people or keep one person's records apart: by its own match probabilities, the victims number between {v}, the offenders between {o} (the methodology says how, and how far this range can be trusted)."
            ),
            _ => String::new(),
        }
    );
    let find = |attributes: &sightline_assess::Attributes, id: &str| {
        attributes
            .breakdowns
            .iter()
            .find(|b| b.id == format!("{}.{id}", attributes.population))
            .cloned()
    };
    for (attributes, breakdown, category, says) in [
        (&a.victims, "sex", "female", "recorded as female"),
        (
            &a.victims,
            "age_12_17",
            "yes",
            "aged 12 to 17 at their first incident",
        ),
        (&a.offenders, "sex", "male", "recorded as male"),
        (
            &a.offenders,
            "age_band",
            "18_24",
            "aged 18 to 24 at their first incident",
        ),
        (
            &a.offenders,
            "ethnicity_group",
            "white",
            "recorded (self-defined) as White",
        ),
        (
            &a.offenders,
            "ethnicity_group",
            "asian",
            "recorded (self-defined) as Asian",
        ),
        (
            &a.offenders,
            "ethnicity_group_identified",
            "white",
            "recorded (self-defined) as White",
        ),
        (
            &a.offenders,
            "ethnicity_group_identified",
            "asian",
            "recorded (self-defined) as Asian",
        ),
    ] {
        if let Some(b) = find(attributes, breakdown) {
            h.push_str(&sentence(&b, category, says, figures));
        }
    }
    if let Some(sex) = find(&a.victims, "sex") {
        let steps: Vec<(String, Shown)> = sex
            .recorded
            .funnel
            .iter()
            .map(|s| (capitalise(&s.label), crate::tables::shown(s.count, &rules)))
            .chain(std::iter::once((
                "Victims with sex recorded".to_string(),
                figures
                    .get(sex.recorded.id.as_str())
                    .map_or(Shown::Hidden, |f| f.n),
            )))
            .collect();
        let rows: String = steps
            .iter()
            .map(|(label, n)| {
                format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(label),
                    shown(*n)
                )
            })
            .collect();
        let _ = write!(
            h,
            "<figure><figcaption>From person records to the base of a figure</figcaption>{}<details><summary>Data table</summary><table><caption>From person records to victims with sex recorded</caption><tbody>{rows}</tbody></table></details></figure>",
            charts::funnel(
                "population-funnel",
                "From person records to the base of a figure",
                "Bars for all person records, the people they were linked into, the victims among them, and the victims whose sex was recorded: the base of the share of victims who were female.",
                &steps
            )
        );
    }
    for (id, label) in [
        (
            "offenders.identification.name_and_date_of_birth",
            Some("Offenders identified by name and date of birth"),
        ),
        ("missing.victims_missing", None),
        ("missing.episode_before_first_incident", None),
        ("groups.shared_incident.offenders_in_groups", None),
        ("justice.convicted_of_all", None),
    ] {
        if let Some(figure) = figures.get(id) {
            let label = label.map_or_else(|| capitalise(&escape(&figure.label)), str::to_string);
            let _ = write!(h, "<p>{label}: {}.</p>", quote(figure));
        }
    }
    h.push_str("</section>");

    // Coverage.
    h.push_str("<section id=\"coverage\"><h2>Coverage: who was asked, who returned</h2><ul>");
    for t in &a.coverage.types {
        if let Some(figure) = figures.get(t.returned_share.id.as_str()) {
            let _ = write!(
                h,
                "<li>{}: {}</li>",
                capitalise(&plural(&t.agency_type)),
                quote(figure)
            );
        }
    }
    h.push_str("</ul>");
    let period = match (&a.coverage.period_from, &a.coverage.period_to) {
        (Some(from), Some(to)) => format!("The returns cover {from} to {to}."),
        _ => String::new(),
    };
    let _ = write!(
        h,
        "<p>{period} {} returns state no period.</p><h3>Safeguarding boards</h3><ul>",
        thousands(a.coverage.returns_without_period)
    );
    for figure in &a.coverage.governance {
        h.push_str(&item(figure, figures));
    }
    h.push_str("</ul>");
    if let Some(t) = table("coverage") {
        h.push_str(&table_html(t, figures));
    }
    h.push_str("</section>");

    // Victims and offenders.
    for (id, title, attributes) in [
        ("victims", "Victims", &a.victims),
        ("offenders", "Offenders", &a.offenders),
    ] {
        let _ = write!(h, "<section id=\"{id}\"><h2>{title}</h2>");
        for line in a
            .population
            .lines
            .iter()
            .filter(|l| l.role == id && l.agency_type == "all")
        {
            let _ = write!(
                h,
                "<p>{} {} records from {} agencies became {} people.</p>",
                count(line.records, &rules),
                id.trim_end_matches('s'),
                thousands(line.agencies),
                count(line.people, &rules),
            );
        }
        for breakdown in &attributes.breakdowns {
            if breakdown.id.ends_with("local_authority") || breakdown.id.ends_with("force") {
                if let Some(t) = table(&breakdown.id) {
                    let _ = write!(
                        h,
                        "<details><summary>{}</summary>{}</details>",
                        escape(&t.table.title),
                        table_html(t, figures)
                    );
                }
                continue;
            }
            h.push_str(&breakdown_figure(breakdown, table(&breakdown.id), figures));
        }
        if id == "offenders"
            && let Some(breakdown) = a
                .offending
                .breakdowns
                .iter()
                .find(|b| b.id == "offenders.victims_per_offender")
        {
            h.push_str(&breakdown_figure(breakdown, table(&breakdown.id), figures));
        }
        h.push_str("</section>");
    }

    h.push_str(&crate::hidden::section(a, tables, &rules));

    // Groups.
    h.push_str("<section id=\"groups\"><h2>Groups</h2><p>A group is offenders linked through incidents they were involved in together (the first definition), or, more widely, through a victim they both abused (the second). Groups are connected components of two or more offenders; groups over twenty are also split into communities by the Leiden algorithm.</p>");
    for section in &a.groups {
        let name = match section.definition {
            sightline_network::Definition::SharedIncident => "Shared incident",
            sightline_network::Definition::SharedVictim => "Shared victim",
        };
        if section.offenders_in_groups.status == Status::NotCollected {
            let _ = write!(
                h,
                "<h3>{name}</h3><p>{}.</p>",
                escape(
                    section
                        .offenders_in_groups
                        .statement
                        .as_deref()
                        .unwrap_or("not collected")
                )
            );
            continue;
        }
        let _ = write!(
            h,
            "<h3>{name}</h3><p>{} groups.</p><ul>",
            count(section.groups.len() as u64, &rules)
        );
        for figure in section.figures() {
            h.push_str(&item(figure, figures));
        }
        h.push_str("</ul>");
        h.push_str(&breakdown_figure(
            &section.sizes,
            table(&section.sizes.id),
            figures,
        ));
    }
    if let Some(t) = table("groups.list") {
        let _ = write!(
            h,
            "<details><summary>Every group (shared incident)</summary>{}</details>",
            table_html(t, figures)
        );
    }
    h.push_str("</section>");

    // The missing link.
    h.push_str("<section id=\"missing\"><h2>The missing link</h2><ul>");
    let m = &a.missing;
    for figure in m.figures() {
        h.push_str(&item(figure, figures));
    }
    h.push_str("</ul>");
    let days = &m.days_first_episode_to_first_incident;
    if let (Some(q1), Some(median), Some(q3)) = (days.q1, days.median, days.q3)
        && crate::tables::showable(days.n, &rules)
    {
        let _ = write!(
            h,
            "<p>For the {} {}, the first incident came a median of {median} days after the first missing episode (quartiles {q1} and {q3} days).</p>",
            thousands(days.n),
            escape(&days.base_label)
        );
    }
    h.push_str(&breakdown_figure(
        &m.victims_missing_from,
        table(&m.victims_missing_from.id),
        figures,
    ));
    h.push_str(&breakdown_figure(
        &m.victims_episode_kind,
        table(&m.victims_episode_kind.id),
        figures,
    ));
    h.push_str("<p class=\"note\">A share of victims who went missing among those with information leaves out the victims no agency said anything about; agencies record going missing more often for children who did go missing, so that share overstates it. The share of all victims with information missing counted either way is given as the bounds.</p></section>");

    // Where and how.
    h.push_str("<section id=\"where\"><h2>Where and how</h2>");
    for id in [
        "incidents.location_type",
        "incidents.offence",
        "incidents.cse_flag",
        "incidents.offenders_per_incident",
    ] {
        if let Some(b) = a.offending.breakdowns.iter().find(|b| b.id == id) {
            h.push_str(&breakdown_figure(b, table(id), figures));
        }
    }
    if let Some(b) = a
        .offending
        .breakdowns
        .iter()
        .find(|b| b.id == "incidents.quarter")
    {
        let points: Vec<(String, Shown)> = b
            .categories
            .iter()
            .map(|f| {
                (
                    f.label.clone(),
                    figures.get(f.id.as_str()).map_or(Shown::Hidden, |p| p.n),
                )
            })
            .collect();
        let svg = charts::trend(
            "trend",
            "Incidents by quarter of their first date",
            "A line of the number of incidents starting in each quarter; a gap is a count too small to publish.",
            &points,
        );
        let data_table = table("incidents.quarter")
            .map(|t| table_html(t, figures))
            .unwrap_or_default();
        let _ = write!(
            h,
            "<figure><figcaption>Incidents by quarter of their first date</figcaption>{svg}<details><summary>Data table</summary>{data_table}</details></figure>"
        );
    }
    h.push_str("</section>");

    // Justice.
    h.push_str("<section id=\"justice\"><h2>From report to conviction</h2>");
    let steps: Vec<(String, Shown)> = std::iter::once((
        "Incidents".to_string(),
        figures
            .get("justice.suspect_identified")
            .map_or(Shown::Hidden, |f| f.base),
    ))
    .chain(
        a.justice
            .steps
            .iter()
            .take(3)
            .filter(|f| f.status != Status::NotCollected)
            .map(|f| {
                (
                    capitalise(&f.label),
                    figures.get(f.id.as_str()).map_or(Shown::Hidden, |p| p.n),
                )
            }),
    )
    .collect();
    h.push_str(&format!(
        "<figure><figcaption>From incident to conviction</figcaption>{}</figure><ul>",
        charts::funnel("justice-funnel", "From incident to conviction", "Bars for incidents, those with a suspect identified, those charged or summonsed, and those convicted.", &steps)
    ));
    if let Some(t) = table("justice") {
        h.push_str("</ul><details><summary>Data table</summary>");
        h.push_str(&table_html(t, figures));
        h.push_str("</details><ul>");
    }
    for figure in &a.justice.steps {
        h.push_str(&item(figure, figures));
    }
    h.push_str("</ul>");
    if let Some(b) = a.justice.outcomes.first() {
        h.push_str(&breakdown_figure(b, table(&b.id), figures));
    }
    h.push_str("</section>");

    // Data quality.
    h.push_str("<section id=\"quality\"><h2>Data quality</h2>");
    let _ = write!(
        h,
        "<p>Each agency's score is {}. Completeness is the share of its person records with a known value; validity the share of values given that mapped to a code; consistency the share of its people, also recorded by another agency, on whom they agree.</p>",
        escape(&a.quality.score_formula)
    );
    let fields: Vec<String> = a
        .quality
        .agencies
        .first()
        .map(|q| q.fields.iter().map(|f| label(&f.field)).collect())
        .unwrap_or_default();
    let rows: Vec<String> = a
        .quality
        .agencies
        .iter()
        .map(|q| q.agency_id.clone())
        .collect();
    let cells: Vec<Vec<Heat>> = a
        .quality
        .agencies
        .iter()
        .map(|q| {
            q.fields
                .iter()
                .map(|f| Heat {
                    share: figures
                        .get(f.completeness.id.as_str())
                        .and_then(|p| p.share),
                })
                .collect()
        })
        .collect();
    let _ = write!(
        h,
        "<figure><figcaption>Completeness of person records, by agency and field</figcaption>{}",
        charts::heatmap(
            "quality-heatmap",
            "Completeness by agency and field",
            "A grid with one row per agency and one column per field; darker blue is more complete, grey is not published.",
            &rows,
            &fields,
            &cells
        )
    );
    h.push_str("<details><summary>Data table</summary><table><caption>Completeness and score by agency</caption><thead><tr><th scope=\"col\">Agency</th><th scope=\"col\">Type</th><th scope=\"col\">Person records</th><th scope=\"col\">Score</th>");
    for field in &fields {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(field));
    }
    h.push_str("</tr></thead><tbody>");
    for q in &a.quality.agencies {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{:.1}</td>",
            escape(&q.agency_id),
            escape(&plural(&q.agency_type)),
            count(q.person_records, &rules),
            q.score
        );
        for f in &q.fields {
            match figures.get(f.completeness.id.as_str()) {
                Some(p) => match p.share {
                    Some(share) => {
                        let _ = write!(h, "<td {}>{}</td>", data(p), percent(share));
                    }
                    None if p.n.is_hidden() || p.base.is_hidden() => h.push_str("<td>[c]</td>"),
                    None => h.push_str("<td>–</td>"),
                },
                None => h.push_str("<td>–</td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></details></figure></section>");

    // Methodology.
    let hidden: usize = tables.iter().map(|t| t.protected.primary).sum();
    let secondary: usize = tables.iter().map(|t| t.protected.secondary).sum();
    h.push_str("<section id=\"methodology\"><h2>Methodology</h2>");
    let _ = write!(
        h,
        "<p>Each agency's return was read through a profile into one standard, row by row; rejected rows are kept with their reasons and are not counted. Person records were linked into people by probabilistic record linkage (Fellegi–Sunter, with m probabilities estimated by expectation–maximisation and u probabilities from random pairs, term frequencies for names and postcodes), and clustered without chaining: two groups of records join only if the links across them are strong on average, and records one agency gave different ids are never joined. {}</p>",
        a.linkage
            .run
            .map(|r| format!("The figures use linkage run {r} of this workspace."))
            .unwrap_or_default()
    );
    let l = &a.linkage;
    let _ = write!(
        h,
        "<p>The linkage joined {} person records into {} people through {} links. By the model's own match probabilities, about {:.0} of those links would join records of different people (a mean link probability of {:.3}). It also kept apart {} pairs of people with a pair of records that scored a match probability of at least 1 in 100; by their probabilities, about {:.0} of them are one person each. Each count of people is given with a range from both: its low end counts every pair kept apart as one person with its probability of being one, its high end every link as wrong with its probability of being wrong, each widened by 1.96 standard deviations (the two are not netted against each other). The range holds only as far as the model's probabilities are right, which on synthetic data with a known truth they are only approximately; the project's benchmarks say how often the range held the truth.</p>",
        thousands(l.records),
        thousands(l.people),
        thousands(l.links),
        l.expected_false_links,
        l.mean_link_probability.unwrap_or(1.0),
        thousands(l.near_misses),
        l.expected_missed_links
    );
    if let Some(t) = table("population.records") {
        h.push_str(&table_html(t, figures));
    }
    h.push_str(&crate::hidden::methodology(a));
    h.push_str("<p>A victim is a linked person with a victim role on any record or a victim involvement in any incident; an offender, one with a suspect or offender role or involvement. Ages are at the person's first incident in the returns, and are counted only when the recorded date of birth gives one age on that day. Ethnicity is as the person defined it; the officer-observed (IC) group is reported on its own and never fills a gap. Not recorded, not known, refused and not stated are kept apart throughout. Intervals are Wilson score intervals at 95 in 100; bounds give the share of all if every unknown were, or were not, in the category.</p>");
    if options.restricted {
        h.push_str("<p><strong>Restricted output:</strong> no counts are hidden. For authorised analysts only; the export is on the workspace's audit log.</p>");
    } else {
        let _ = write!(
            h,
            "<p><strong>Disclosure control:</strong> counts from 1 to {} are shown as [c]; zero is shown. {} cells were hidden as small and {} more so that none can be worked out from totals; shares computed from hidden counts are hidden too.{} A checker solved every table's equations, and those of tables sharing totals, and found no hidden value that can be derived.</p>",
            rules.threshold,
            thousands(hidden as u64),
            thousands(secondary as u64),
            match rules.round {
                Some(base) => format!(
                    " Other counts are rounded to the nearest {base}; totals are rounded from unrounded values, so they may not equal the sum of their rounded parts."
                ),
                None => String::new(),
            }
        );
    }
    if let Some(head) = options.audit_head {
        let mac: String = head.mac.iter().map(|b| format!("{b:02x}")).collect();
        let _ = write!(
            h,
            "<p id=\"audit-head\">The workspace's audit log ended at event {} when this report was made; its head (HMAC-SHA-256) is <code>{mac}</code>.</p>",
            head.seq
        );
    }
    h.push_str("</section><section id=\"caveats\"><h2>Caveats</h2><ul>");
    for caveat in &a.caveats {
        let _ = write!(h, "<li>{}</li>", escape(caveat).replace('%', " in 100"));
    }
    let _ = writeln!(
        h,
        "</ul></section><p class=\"marking\">{marking}</p></body></html>"
    );
    h
}
