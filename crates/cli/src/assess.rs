//! `sightline assess`: the national picture from the workspace, as figures with their bases.

use crate::Outcome;
use crate::render::thousands;
use crate::workspace::print_json;
use clap::Args;
use sightline_assess::figure::{Breakdown, Figure, Status};
use sightline_assess::{Assessment, Options, truth};
use sightline_pipeline::Session;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Args)]
pub struct AssessArgs {
    /// Print every figure object as JSON.
    #[arg(long)]
    json: bool,
    /// A synthetic world's folder (what `synth --out` wrote): compare headline figures with
    /// its truth.
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Seed for community detection in large groups.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

pub fn assess(context: &Session, args: &AssessArgs) -> anyhow::Result<Outcome> {
    let options = Options {
        seed: args.seed,
        ..Options::default()
    };
    let assessment = sightline_pipeline::assess(context, &options)?;
    let comparison = match &args.truth {
        Some(dir) => Some(truth::compare(&assessment, &truth::read_summary(dir)?)),
        None => None,
    };
    if args.json {
        match comparison {
            Some(rows) => print_json(&serde_json::json!({
                "assessment": assessment,
                "truth": rows,
            }))?,
            None => print_json(&assessment)?,
        }
    } else {
        let mut text = render(&assessment);
        text.push_str(&render_hidden(&assessment.hidden_population));
        if let Some(rows) = comparison {
            text.push_str(&render_truth(&rows));
        }
        print!("{text}");
    }
    Ok(Outcome::Clean)
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// One figure as a sentence that carries its base.
pub fn sentence(figure: &Figure) -> String {
    let Some(share) = figure.share.filter(|_| figure.quotable()) else {
        let statement = figure.statement.as_deref().unwrap_or("no data");
        return format!("{}: {statement}", figure.label);
    };
    let mut text = format!(
        "{}: {} of {} {} ({}",
        figure.label,
        thousands(figure.n),
        thousands(figure.base),
        figure.base_label,
        percent(share)
    );
    if let Some([low, high]) = figure.ci95 {
        let _ = write!(text, "; 95% CI {:.0}–{:.0}%", low * 100.0, high * 100.0);
    }
    text.push(')');
    if let Some(c) = figure
        .collection
        .as_ref()
        .filter(|_| figure.status == Status::PartlyCollected)
    {
        let _ = write!(text, ", {}", c.among());
        if c.left_out > 0 {
            let _ = write!(
                text,
                " ({} {} known only to other agencies are not in the base)",
                thousands(c.left_out),
                c.population_label
            );
        }
    }
    if !figure.unknowns_in_base
        && figure.unknown.total() > 0
        && let Some([low, high]) = figure.bounds
    {
        let _ = write!(
            text,
            "; {} unknown, so between {} and {} of all",
            thousands(figure.unknown.total()),
            percent(low),
            percent(high)
        );
    }
    text
}

fn render_breakdown(out: &mut String, breakdown: &Breakdown) {
    if matches!(
        breakdown.recorded.status,
        Status::NotCollected | Status::NoData
    ) {
        let _ = writeln!(
            out,
            "  {} — {}",
            breakdown.label,
            breakdown.recorded.statement.as_deref().unwrap_or("no data")
        );
        return;
    }
    let restricted = match &breakdown.recorded.collection {
        Some(c) if breakdown.recorded.status == Status::PartlyCollected => {
            format!(", {}", c.among())
        }
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {} — known for {} of {} {}{restricted}",
        breakdown.label,
        thousands(breakdown.known),
        thousands(breakdown.recorded.base),
        breakdown.base_label
    );
    for figure in breakdown.categories.iter().take(12) {
        let ci = figure
            .ci95
            .map(|[l, h]| format!("{:.0}–{:.0}%", l * 100.0, h * 100.0))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {:<28} {:>8} {:>5}  CI {:<9}",
            figure.label,
            thousands(figure.n),
            figure.share.map(percent).unwrap_or_default(),
            ci
        );
    }
    for figure in &breakdown.unknowns {
        let _ = writeln!(
            out,
            "    {:<28} {:>8} {:>5}  of all",
            figure.label,
            thousands(figure.n),
            figure.share.map(percent).unwrap_or_default()
        );
    }
}

/// ", between A and B by the linkage model (x expected false links, y missed)".
fn linkage_interval(a: &Assessment, id: &str) -> String {
    a.counts
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.linkage.as_ref())
        .map(|l| {
            format!(
                " (linkage range {}–{}: {:.0} links expected false, {:.0} missed)",
                thousands(l.range[0]),
                thousands(l.range[1]),
                l.expected_false_links,
                l.expected_missed_links
            )
        })
        .unwrap_or_default()
}

pub fn render(a: &Assessment) -> String {
    let mut out = String::new();
    let count = |id: &str| thousands(a.count(id).unwrap_or_default());
    let _ = writeln!(
        out,
        "Assessment from linkage run {}: {} person records → {} people{}.",
        a.linkage.run.unwrap_or_default(),
        count("person_records"),
        count("people"),
        linkage_interval(a, "people")
    );
    for line in a.population.lines.iter().filter(|l| l.agency_type == "all") {
        let _ = writeln!(
            out,
            "  {}: {} records from {} agencies → {} people{}",
            line.role.replace('_', " "),
            thousands(line.records),
            thousands(line.agencies),
            thousands(line.people),
            linkage_interval(a, &line.role)
        );
    }
    let _ = writeln!(out, "\nHeadline figures");
    for figure in &a.headline {
        let _ = writeln!(out, "  {}", sentence(figure));
    }
    for attributes in [&a.victims, &a.offenders] {
        let _ = writeln!(
            out,
            "\n{} ({} people)",
            attributes.population,
            thousands(attributes.people)
        );
        for breakdown in attributes
            .breakdowns
            .iter()
            .filter(|b| !b.id.ends_with("local_authority") && !b.id.ends_with("force"))
        {
            render_breakdown(&mut out, breakdown);
        }
    }
    let _ = writeln!(
        out,
        "\nOffending ({} incidents)",
        thousands(a.offending.incidents)
    );
    for breakdown in &a.offending.breakdowns {
        render_breakdown(&mut out, breakdown);
    }
    for section in &a.groups {
        let largest = section
            .groups
            .iter()
            .map(|g| g.offenders)
            .max()
            .unwrap_or(0);
        if section.offenders_in_groups.status == Status::NotCollected {
            let _ = writeln!(
                out,
                "\nGroups ({:?}): {}",
                section.definition,
                section
                    .offenders_in_groups
                    .statement
                    .as_deref()
                    .unwrap_or("not collected")
            );
            continue;
        }
        let _ = writeln!(
            out,
            "\nGroups ({:?}): {} groups, the largest of {} offenders",
            section.definition,
            thousands(section.groups.len() as u64),
            largest
        );
        for figure in section.figures() {
            let _ = writeln!(out, "  {}", sentence(figure));
        }
        render_breakdown(&mut out, &section.sizes);
    }
    let m = &a.missing;
    let _ = writeln!(out, "\nThe missing link");
    for figure in m.figures() {
        let _ = writeln!(out, "  {}", sentence(figure));
    }
    let days = &m.days_first_episode_to_first_incident;
    if let (Some(q1), Some(median), Some(q3)) = (days.q1, days.median, days.q3) {
        let _ = writeln!(
            out,
            "  {}: median {median}, quartiles {q1}–{q3} ({} {})",
            days.label,
            thousands(days.n),
            days.base_label
        );
    }
    render_breakdown(&mut out, &m.victims_missing_from);
    render_breakdown(&mut out, &m.victims_episode_kind);
    let _ = writeln!(out, "\nJustice");
    for figure in &a.justice.steps {
        let _ = writeln!(out, "  {}", sentence(figure));
    }
    let c = &a.coverage;
    let _ = writeln!(
        out,
        "\nCoverage: {} current returns{}",
        thousands(c.returns),
        match (&c.period_from, &c.period_to) {
            (Some(from), Some(to)) => format!(", covering {from} to {to}"),
            _ => String::new(),
        }
    );
    if c.returns_without_period > 0 {
        let _ = writeln!(
            out,
            "  {} returns state no period",
            thousands(c.returns_without_period)
        );
    }
    for t in &c.types {
        let _ = writeln!(out, "  {}", sentence(&t.returned_share));
    }
    for figure in &c.governance {
        let _ = writeln!(out, "  {}", sentence(figure));
    }
    let mut scored: Vec<_> = a.quality.agencies.iter().collect();
    scored.sort_by(|x, y| {
        x.score
            .total_cmp(&y.score)
            .then_with(|| x.agency_id.cmp(&y.agency_id))
    });
    let _ = writeln!(out, "\nData quality: score = {}", a.quality.score_formula);
    for agency in scored.iter().take(5) {
        let _ = writeln!(
            out,
            "  lowest: {} ({}) {:.1}, {} person records",
            agency.agency_id,
            agency.agency_type,
            agency.score,
            thousands(agency.person_records)
        );
    }
    let _ = writeln!(out, "\nCaveats");
    for caveat in &a.caveats {
        let _ = writeln!(out, "  - {caveat}");
    }
    out
}

/// The estimate of victims in all, with its interval, lists and base; or why there is none.
fn render_hidden(h: &sightline_assess::hidden::HiddenPopulation) -> String {
    let mut out = String::from("\nVictims known to no agency (multiple systems estimation)\n");
    let lists: Vec<String> = h
        .lists
        .iter()
        .map(|l| format!("{} {}", l.label, thousands(l.people)))
        .collect();
    let _ = writeln!(out, "  lists: {}", lists.join(", "));
    for left in &h.lists_left_out {
        let _ = writeln!(out, "  {} ({}): {}", left.label, left.people, left.reason);
    }
    match (h.estimate, h.ci95, &h.refusal) {
        (Some(estimate), Some([low, high]), _) => {
            let _ = writeln!(
                out,
                "  {}: about {} (95% interval {}–{}); known: {} {}",
                h.label,
                thousands(estimate.round() as u64),
                thousands(low.round() as u64),
                thousands(high.round() as u64),
                thousands(h.known),
                h.known_label
            );
        }
        (_, _, Some(refusal)) => {
            let _ = writeln!(out, "  no estimate: {}", refusal.message);
        }
        _ => {}
    }
    out
}

fn render_truth(rows: &[truth::TruthRow]) -> String {
    let mut out = String::from("\nAgainst the truth\n");
    let _ = writeln!(
        out,
        "  {:<44} {:>9} {:>9} {:>8}  {:<13} {:<13} bounds (share of all)",
        "figure", "estimate", "truth", "error", "95% CI", "truth in CI"
    );
    for row in rows {
        let (estimate, truth, error) = if row.kind == "count" || row.kind == "estimate" {
            (
                thousands(row.estimate as u64),
                thousands(row.truth as u64),
                format!("{:+.1}%", row.error * 100.0),
            )
        } else {
            (
                format!("{:.1}%", row.estimate * 100.0),
                format!("{:.1}%", row.truth * 100.0),
                format!("{:+.1}pp", row.error * 100.0),
            )
        };
        let bounds = match (row.bounds, row.within_bounds) {
            (Some([l, h]), Some(within)) => format!(
                "{:.1}–{:.1}% {}",
                l * 100.0,
                h * 100.0,
                if within {
                    "contains the truth"
                } else {
                    "MISSES the truth"
                }
            ),
            (Some(_), None) => "no unknowns".to_string(),
            _ => String::new(),
        };
        let ci = match (row.kind, row.ci95) {
            ("estimate", Some([l, h])) => {
                format!(
                    "{}–{}",
                    thousands(l.round() as u64),
                    thousands(h.round() as u64)
                )
            }
            (_, Some([l, h])) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
            (_, None) => String::new(),
        };
        let in_ci = match row.within_ci95 {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let _ = writeln!(
            out,
            "  {:<44} {estimate:>9} {truth:>9} {error:>8}  {ci:<13} {in_ci:<13} {bounds}",
            row.id
        );
    }
    out
}
