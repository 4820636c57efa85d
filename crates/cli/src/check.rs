//! `sightline check`: validate a return on the agency's own machine.

use crate::Outcome;
use crate::progress::WithProgress;
use crate::render;
use anyhow::{Context as _, bail};
use sightline_intake::check::Discard;
use sightline_intake::normalised::NormalisedWriter;
use sightline_intake::{CheckOptions, Period, Profile};
use sightline_standard::dates::{DateFormat, PartialDate, parse_with};
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

fn parse_period(text: &str) -> anyhow::Result<Period> {
    let Some((from, to)) = text.split_once("..") else {
        bail!("--period must be FROM..TO, e.g. 2023-04-01..2024-03-31; got '{text}'");
    };
    let date = |part: &str| {
        parse_with(part, &[DateFormat::Iso]).with_context(|| {
            format!("--period: '{part}' is not a date YYYY-MM-DD (or YYYY-MM, YYYY)")
        })
    };
    let period = Period {
        from: date(from)?,
        to: date(to)?,
    };
    if period.to.latest() < period.from.earliest() {
        bail!("--period: {} is before {}", period.to, period.from);
    }
    Ok(period)
}

/// Today's date from the system clock.
pub fn today() -> PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| (elapsed.as_secs() / 86_400) as i64);
    PartialDate::from_days_since_epoch(days).unwrap_or(PartialDate {
        year: 2100,
        month: None,
        day: None,
    })
}

/// The options `check` and `ingest` share: the profile, the period, today.
pub fn options(
    profile: Option<&std::path::Path>,
    period: Option<&str>,
) -> anyhow::Result<CheckOptions> {
    let profile = match profile {
        Some(path) => Profile::load(path)?,
        None => Profile::default(),
    };
    Ok(CheckOptions {
        profile,
        period: period.map(parse_period).transpose()?,
        today: today(),
        limits: Default::default(),
    })
}

pub fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let options = options(args.profile.as_deref(), args.period.as_deref())?;
    let report = match &args.normalised {
        Some(dir) => {
            let mut writer = NormalisedWriter::new(dir)?;
            let mut sink = WithProgress::new(&mut writer, !args.json);
            let report = sightline_intake::check(&args.files, &options, &mut sink)?;
            sink.finish();
            writer.finish()?;
            report
        }
        None => {
            let mut discard = Discard;
            let mut sink = WithProgress::new(&mut discard, !args.json);
            let report = sightline_intake::check(&args.files, &options, &mut sink)?;
            sink.finish();
            report
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let period = parse_period("2023-04-01..2024-03").expect("valid");
        assert_eq!(period.from.to_string(), "2023-04-01");
        assert_eq!(period.to.to_string(), "2024-03");
        assert!(parse_period("2023-04-01").is_err());
        assert!(parse_period("2024..2023").is_err());
        assert!(parse_period("01/04/2023..2024").is_err());
    }
}
