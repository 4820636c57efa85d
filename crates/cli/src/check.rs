//! `sightline check`: validate a return on the agency's own machine.

use crate::Outcome;
use crate::progress::ReturnBar;
use crate::render;
use anyhow::Context as _;
use sightline_intake::check::{Discard, Sink};
use sightline_intake::normalised::NormalisedWriter;
use sightline_pipeline::Progress as _;
use sightline_pipeline::ingest::Reporting;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The return's files: CSVs (one per table) and/or workbooks (one sheet per table).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A profile (TOML) saying how the files map onto the standard.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// The period the return covers, as FROM..TO (e.g. 2023-04-01..2024-03-31); dates outside
    /// it are rejected.
    #[arg(long)]
    period: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Write the accepted rows, normalised, as one CSV per table into this folder.
    #[arg(long, value_name = "DIR")]
    normalised: Option<PathBuf>,
    /// Write every problem as CSV (file, sheet, row, column, value, rule, expected, message).
    #[arg(long, value_name = "FILE")]
    problems: Option<PathBuf>,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let options =
        sightline_pipeline::check_options(args.profile.as_deref(), args.period.as_deref())?;
    let mut writer = args
        .normalised
        .as_deref()
        .map(NormalisedWriter::new)
        .transpose()?;
    let mut discard = Discard;
    let sink: &mut dyn Sink = match &mut writer {
        Some(writer) => writer,
        None => &mut discard,
    };
    let bar = ReturnBar::new(!args.json);
    let report = sightline_intake::check(&args.files, &options, &mut Reporting::new(sink, &bar))?;
    bar.finish();
    if let Some(writer) = writer {
        writer.finish()?;
    }
    if let Some(path) = &args.problems {
        render::write_problems_csv(&report, path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        crate::workspace::print_json(&report)?;
    } else {
        std::io::stdout().lock().write_all(
            render::check_report(
                &report,
                args.normalised.as_deref(),
                args.problems.as_deref(),
            )
            .as_bytes(),
        )?;
    }
    Ok(if report.rows_rejected() > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}
