//! Progress on stderr: a bar while a return is read, a spinner naming the phase while records
//! are linked. Shown only on a terminal, never with `--json`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{Diagnostic, IntakeError};
use sightline_standard::{Record, Table};

/// Forwards every row to `inner` and moves a bar along.
pub struct WithProgress<'a> {
    inner: &'a mut dyn Sink,
    bar: ProgressBar,
}

impl<'a> WithProgress<'a> {
    pub fn new(inner: &'a mut dyn Sink, show: bool) -> WithProgress<'a> {
        let target = if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:<18} {wide_bar} {pos:>10}/{len:10} rows {per_sec:>12} {eta}",
        ) {
            bar.set_style(style);
        }
        WithProgress { inner, bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Sink for WithProgress<'_> {
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
        self.bar.set_message(table.name());
        self.bar.set_length(rows_expected.max(rows_read));
        self.bar.set_position(rows_read);
        self.inner.progress(table, rows_read, rows_expected);
    }
}

/// A spinner on stderr naming the phase, on a terminal only.
pub fn phase_spinner(show: bool) -> ProgressBar {
    use std::io::IsTerminal as _;
    let target = if show && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
