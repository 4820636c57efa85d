//! How a check report reads on a terminal, and as a problems CSV for a spreadsheet.

use sightline_intake::report::CheckReport;
use sightline_intake::{Diagnostic, Severity};
pub use sightline_publish::thousands;
use std::fmt::Write as _;
use std::path::Path;

/// Problems shown per rule before "and N more".
const EXAMPLES_PER_RULE: usize = 20;

fn location(d: &Diagnostic) -> String {
    let mut at = d.file.clone();
    if let Some(sheet) = &d.sheet {
        let _ = write!(at, " [{sheet}]");
    }
    if let Some(row) = d.row {
        let _ = write!(at, " row {row}");
    }
    if let Some(column) = &d.column {
        let _ = write!(at, ", column '{column}'");
    }
    at
}

pub fn check_report(
    report: &CheckReport,
    normalised: Option<&Path>,
    problems: Option<&Path>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Checked against the Sightline standard {}.\n",
        report.standard_version
    );
    for source in &report.sources {
        let mut how = match (source.layout, source.delimiter.is_some()) {
            // The CIN census is XML: no header row.
            (Some(layout), false) => format!("{layout}, read with no profile"),
            (Some(layout), true) => format!(
                "{layout}, read with no profile; header on row {}",
                source.header_row
            ),
            (None, _) => format!("header on row {}", source.header_row),
        };
        if let Some(encoding) = source.encoding {
            let _ = write!(how, ", {encoding}");
        }
        if let Some(delimiter) = &source.delimiter {
            let shown = if delimiter == "\t" {
                "tab".to_string()
            } else {
                format!("'{delimiter}'")
            };
            let _ = write!(how, ", {shown}-separated");
        }
        let read = source.columns.iter().filter(|c| c.field.is_some()).count();
        let place = match &source.sheet {
            Some(sheet) => format!("{} [{sheet}]", source.file),
            None => source.file.clone(),
        };
        let _ = writeln!(
            out,
            "  {place}: {} table ({how}; {read} of {} columns read)",
            source.table,
            source.columns.len()
        );
    }
    for skipped in &report.skipped_sheets {
        let _ = writeln!(
            out,
            "  {} [{}]: skipped ({})",
            skipped.file, skipped.sheet, skipped.reason
        );
    }
    let _ = writeln!(
        out,
        "\n  {:<18} {:>10} {:>10} {:>10}",
        "table", "read", "accepted", "rejected"
    );
    for table in &report.tables {
        let _ = write!(
            out,
            "  {:<18} {:>10} {:>10} {:>10}",
            table.table.name(),
            thousands(table.read),
            thousands(table.accepted),
            thousands(table.rejected)
        );
        if table.repeated > 0 {
            let _ = write!(
                out,
                "   (and {} rows of a wide sheet repeating an accepted row)",
                thousands(table.repeated)
            );
        }
        if table.joined > 0 {
            let _ = write!(
                out,
                "   (and {} 903 Header rows of children in the CIN census, joined to them)",
                thousands(table.joined)
            );
        }
        let _ = writeln!(out);
    }
    if !report.rules.is_empty() {
        let _ = writeln!(out, "\nProblems, by rule:");
    }
    for rule in &report.rules {
        let effect = match (rule.severity, rule.rule.code().starts_with('F')) {
            (_, true) => "file",
            (Severity::Error, _) => "row rejected",
            (Severity::Warning, _) => "row kept",
        };
        let _ = writeln!(
            out,
            "\n{} {} — {} ({effect})",
            rule.rule.code(),
            rule.title,
            thousands(rule.count)
        );
        let _ = writeln!(out, "  what to do: {}", rule.hint);
        for (shown, d) in report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule.rule)
            .enumerate()
        {
            if shown == EXAMPLES_PER_RULE {
                let more = rule.count - shown as u64;
                let _ = writeln!(
                    out,
                    "  … and {} more (all of them: --json or --problems FILE.csv)",
                    thousands(more)
                );
                break;
            }
            let value = d
                .value
                .as_deref()
                .map(|v| format!(" '{v}'"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}:{value} — {}; expected {}",
                location(d),
                d.message,
                d.expected
            );
        }
    }
    if report.not_listed > 0 {
        let _ = writeln!(
            out,
            "\n{} problems after the first {} are counted above but not listed (nor in --json or --problems): correct these and check again.",
            thousands(report.not_listed),
            thousands(sightline_intake::check::LISTED_DIAGNOSTICS as u64)
        );
    }
    if !report.unmapped.is_empty() {
        let _ = writeln!(
            out,
            "\nValues that map to no code (add them to a profile's [tables.TABLE.values.FIELD]):"
        );
        for value in &report.unmapped {
            let _ = writeln!(
                out,
                "  {}.{} '{}' (column '{}'): {} rows",
                value.table.name(),
                value.field,
                value.value,
                value.column,
                thousands(value.count)
            );
        }
    }
    let rejected = report.rows_rejected();
    let _ = writeln!(out);
    if rejected == 0 {
        let _ = writeln!(out, "Result: no row rejected. The return can be sent.");
    } else {
        let _ = writeln!(
            out,
            "Result: {} rows rejected. Correct them (or the profile) and check again.",
            thousands(rejected)
        );
    }
    if let Some(dir) = normalised {
        let _ = writeln!(out, "Accepted rows, normalised: {}", dir.display());
    }
    if let Some(path) = problems {
        let _ = writeln!(out, "Every problem: {}", path.display());
    }
    out
}

/// Every diagnostic as a CSV a data officer can open next to their return.
pub fn write_problems_csv(report: &CheckReport, path: &Path) -> anyhow::Result<()> {
    report.write_problems_csv(std::fs::File::create(path)?)?;
    Ok(())
}

/// The evidence for one pair, comparison by comparison.
pub fn waterfall(
    out: &mut dyn std::io::Write,
    a: &str,
    b: &str,
    waterfall: &sightline_link::Waterfall,
    same_cluster: bool,
) -> std::io::Result<()> {
    writeln!(out, "{a} and {b}:")?;
    writeln!(
        out,
        "  {:<16} {:<52} {:>9} {:>9} {:>8}",
        "comparison", "level", "m", "u", "weight"
    )?;
    writeln!(
        out,
        "  {:<16} {:<52} {:>9} {:>9} {:>+8.2}",
        "prior", "", "", "", waterfall.prior_weight
    )?;
    let probability = |p: Option<f64>| p.map_or(String::new(), |p| format!("{p:.4}"));
    for step in &waterfall.steps {
        let level = if step.term_frequency_adjusted {
            format!("{} (term frequency)", step.level)
        } else {
            step.level.clone()
        };
        writeln!(
            out,
            "  {:<16} {:<52} {:>9} {:>9} {:>+8.2}",
            step.comparison,
            level,
            probability(step.m),
            probability(step.u),
            step.weight
        )?;
    }
    match waterfall.blocked_by.as_deref() {
        Some("none") => writeln!(
            out,
            "  no blocking rule pairs them: they were never compared"
        )?,
        Some(rule) => writeln!(out, "  paired by the blocking rule \"{rule}\"")?,
        None => {}
    }
    if let Some(guard) = &waterfall.guard {
        writeln!(out, "  refused by a guard: {guard}")?;
    }
    writeln!(
        out,
        "  total match weight {:+.2}: probability {:.4}; {}",
        waterfall.total_weight,
        waterfall.probability,
        if same_cluster {
            "in the same cluster"
        } else {
            "in different clusters"
        }
    )
}

/// The model a linkage run used: the prior and how it was reached, each training session, every
/// comparison level's m, u and weight with where m came from, and what looks implausible.
pub fn linkage_model(
    out: &mut dyn std::io::Write,
    model: &sightline_link::model::Model,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Model: prior {:.3e} (weight {:+.2}), from {}; each record expected to share a person with {:.2} others.",
        model.prior,
        model.prior_weight(),
        model.prior_source,
        model.expected_matches_per_record()
    )?;
    if !model.prior_rules.is_empty() {
        writeln!(
            out,
            "  {:<28} {:>12} {:>14} {:>9} {:>16}",
            "deterministic rule", "pairs agree", "of them chance", "recall", "implied matches"
        )?;
        for rule in &model.prior_rules {
            writeln!(
                out,
                "  {:<28} {:>12} {:>14.0} {:>9.4} {:>16.0}{}",
                rule.rule,
                thousands(rule.agreeing),
                rule.coincidences,
                rule.recall,
                rule.implied_matches,
                if rule.used { "" } else { "  (not used)" }
            )?;
        }
    }
    writeln!(
        out,
        "  blocked pairs scored: mean match probability {:.4}",
        model.blocked_match_share
    )?;
    writeln!(out, "Training sessions (m by EM, u from random pairs):")?;
    for session in &model.sessions {
        let status = match &session.refused {
            Some(why) => format!("NOT USED: {why}"),
            None => format!("matches {:.1}% of pairs", session.match_share * 100.0),
        };
        writeln!(
            out,
            "  {:<62} {:>12} pairs, {:>10} compared; {status}",
            session.rule,
            thousands(session.pairs),
            thousands(session.compared)
        )?;
    }
    writeln!(
        out,
        "  {:<24} {:<44} {:>8} {:>8} {:>8}  m across sessions",
        "comparison", "level", "m", "u", "weight"
    )?;
    for comparison in &model.comparisons {
        let source = if comparison.m_estimated_by.is_empty() {
            "m: documented default (no session could estimate it)".to_string()
        } else {
            format!("m from: {}", comparison.m_estimated_by.join("; "))
        };
        writeln!(out, "  {} ({source})", comparison.name)?;
        for level in &comparison.levels {
            let range = level
                .m_range
                .map_or(String::new(), |(low, high)| format!("{low:.4}–{high:.4}"));
            let label = if level.term_frequency {
                format!("{} (term frequency)", level.label)
            } else {
                level.label.clone()
            };
            writeln!(
                out,
                "  {:<24} {:<44} {:>8.4} {:>8.4} {:>+8.2}  {range}",
                "", label, level.m, level.u, level.weight
            )?;
        }
    }
    for warning in &model.warnings {
        writeln!(out, "Warning: {warning}.")?;
    }
    Ok(())
}

/// The blocking rules of a linkage run: pairs in their blocks and pairs new to the union.
pub fn blocking_rules(
    out: &mut dyn std::io::Write,
    rules: &[sightline_link::block::RuleReport],
) -> std::io::Result<()> {
    writeln!(out, "Blocking rules (pairs in blocks / new pairs):")?;
    for rule in rules {
        let note = match (&rule.refused_because, rule.expected_matches) {
            (Some(why), _) => format!("  REFUSED: {why}"),
            (None, Some(matches)) => format!("  (about {matches:.0} matches expected)"),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "  {:<44} {:>12} {:>12}{note}",
            rule.rule, rule.pairs, rule.new_pairs
        )?;
    }
    Ok(())
}

/// Time per phase, and accuracy against a truth when there is one; `unit` names what the
/// truth's entities are ("entities", "people").
pub fn linkage_timing_and_accuracy(
    out: &mut dyn std::io::Write,
    phases: &[sightline_link::Phase],
    metrics: Option<&sightline_link::evaluate::Metrics>,
    unit: &str,
) -> std::io::Result<()> {
    let phases: Vec<String> = phases
        .iter()
        .map(|p| format!("{} {:.2} s", p.phase, p.seconds))
        .collect();
    writeln!(out, "Time: {}.", phases.join(", "))?;
    if let Some(m) = metrics {
        writeln!(
            out,
            "Against the truth ({} true {unit}): pairwise P {:.4} R {:.4} F1 {:.4}; B-cubed P {:.4} R {:.4} F1 {:.4}; people {:+.2}%.",
            m.true_entities,
            m.pairwise_precision,
            m.pairwise_recall,
            m.pairwise_f1,
            m.bcubed_precision,
            m.bcubed_recall,
            m.bcubed_f1,
            m.entity_count_error_pct
        )?;
    }
    Ok(())
}
