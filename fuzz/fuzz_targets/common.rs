//! What the file-reading targets share: write the bytes under a name, check them, and hold
//! the check to its promises (an answer, never a panic; read = accepted + rejected).

use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{CheckOptions, IntakeError, Profile, check};
use sightline_standard::{PartialDate, Record};

#[derive(Default)]
struct Counting {
    accepted: u64,
    rejected: u64,
}

impl Sink for Counting {
    fn accepted(&mut self, _at: RowRef<'_>, _record: Record) -> Result<(), IntakeError> {
        self.accepted += 1;
        Ok(())
    }

    fn rejected(
        &mut self,
        _at: RowRef<'_>,
        _cells: &[(String, String)],
        reasons: &[sightline_intake::Diagnostic],
    ) -> Result<(), IntakeError> {
        assert!(!reasons.is_empty(), "a row rejected for no reason");
        self.rejected += 1;
        Ok(())
    }
}

/// Checks `data` saved as `name` in a fresh folder.
pub fn check_file(name: &str, data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(name);
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let options = CheckOptions {
        profile: Profile::default(),
        period: None,
        today: PartialDate::full(2026, 11, 22).expect("a date"),
        limits: Default::default(),
    };
    let mut sink = Counting::default();
    if let Ok(report) = check(&[path], &options, &mut sink) {
        for table in &report.tables {
            assert_eq!(table.read, table.accepted + table.rejected, "{table:?}");
        }
        let accepted: u64 = report.tables.iter().map(|t| t.accepted).sum();
        let rejected: u64 = report.tables.iter().map(|t| t.rejected).sum();
        assert_eq!(sink.accepted, accepted);
        assert_eq!(sink.rejected, rejected);
    }
}
