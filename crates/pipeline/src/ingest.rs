//! Storing a return: the options `check` and `ingest` share (profile, period, today), the
//! identity of a return's content, and the return checked and stored whole or not at all.

use crate::{Progress, Session};
use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{CheckOptions, Diagnostic, IntakeError, Period, Profile};
use sightline_standard::dates::{DateFormat, PartialDate, parse_with};
use sightline_standard::{Record, Table};
use sightline_store::NewReturn;
use std::path::{Path, PathBuf};

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
pub fn check_options(
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

/// The identity of a return's content: its files' bytes (in any order), the profile's bytes
/// and the period.
pub fn content_hash(
    files: &[PathBuf],
    profile: Option<&Path>,
    period: Option<&str>,
) -> anyhow::Result<String> {
    let digest = |path: &Path| -> anyhow::Result<String> {
        let mut hasher = Sha256::new();
        let mut file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        std::io::copy(&mut file, &mut hasher)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(hex::encode(hasher.finalize()))
    };
    let mut parts: Vec<String> = files
        .iter()
        .map(|f| digest(f))
        .collect::<anyhow::Result<_>>()?;
    parts.sort();
    parts.push(format!(
        "profile:{}",
        profile.map(digest).transpose()?.unwrap_or_default()
    ));
    parts.push(format!("period:{}", period.unwrap_or_default()));
    Ok(hex::encode(Sha256::digest(parts.join("\n").as_bytes())))
}

/// A return to store: its files, who sent it, how to read it, the period it covers.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    /// The return's files: CSVs and/or workbooks.
    pub files: Vec<PathBuf>,
    /// The agency that sent it (as in the register).
    pub agency: String,
    /// How the files map onto the standard.
    pub profile: Option<PathBuf>,
    /// The period the return covers, FROM..TO.
    pub period: Option<String>,
}

/// What storing a return did.
pub enum Ingested {
    /// The same bytes were already stored as this return.
    Already(i64),
    Stored(sightline_intake::CheckReport, sightline_store::StoredReturn),
}

/// Checks a return and stores it whole or not at all, telling `progress` how far reading has
/// got. The same bytes again change nothing ([`Ingested::Already`]).
pub fn store_return(
    session: &Session,
    args: &IngestOptions,
    progress: &dyn Progress,
) -> anyhow::Result<Ingested> {
    let workspace = session.open()?;
    let mut store = workspace.store()?;
    if store.agency(&args.agency)?.is_none() {
        bail!(
            "agency '{}' is not in the register; add it to the register file and run `sightline agencies import FILE`",
            args.agency
        );
    }
    let options = check_options(args.profile.as_deref(), args.period.as_deref())?;
    let hash = content_hash(&args.files, args.profile.as_deref(), args.period.as_deref())?;
    if let Some(existing) = store.find_return(&args.agency, &hash)? {
        return Ok(Ingested::Already(existing));
    }
    let mut keys = workspace.keys()?;
    let new = NewReturn {
        agency_id: args.agency.clone(),
        period: options
            .period
            .map(|p| (p.from.to_string(), p.to.to_string())),
        // File names only: a folder path can name a person, and the store keeps it in the clear.
        files: args
            .files
            .iter()
            .map(|f| {
                f.file_name().map_or_else(
                    || f.display().to_string(),
                    |n| n.to_string_lossy().to_string(),
                )
            })
            .collect(),
        content_hash: hash,
        user: session.user(),
    };
    let stored = store.ingest(&new, &mut keys, &mut |sink| {
        let mut sink = Reporting::new(sink, progress);
        let report = sightline_intake::check(&args.files, &options, &mut sink);
        progress.finish();
        report
    });
    match stored {
        Ok((report, stored)) => Ok(Ingested::Stored(report, stored)),
        // Another process stored the same bytes while this one was reading them.
        Err(sightline_store::StoreError::AlreadyStored(existing)) => {
            Ok(Ingested::Already(existing))
        }
        Err(error) => Err(error.into()),
    }
}

/// Forwards every row to `inner` and tells `progress` how far reading has got (`check` without
/// a store uses it too).
pub struct Reporting<'a> {
    inner: &'a mut dyn Sink,
    progress: &'a dyn Progress,
}

impl<'a> Reporting<'a> {
    pub fn new(inner: &'a mut dyn Sink, progress: &'a dyn Progress) -> Reporting<'a> {
        Reporting { inner, progress }
    }
}

impl Sink for Reporting<'_> {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        self.inner.accepted(at, record)
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        self.inner.rejected(at, cells, reasons)
    }

    fn progress(&mut self, table: Table, rows_read: u64, rows_expected: u64) {
        self.progress.rows(table, rows_read, rows_expected);
        self.inner.progress(table, rows_read, rows_expected);
    }
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
