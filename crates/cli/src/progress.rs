//! Progress on stderr: a bar while a return is read, a bar (or a spinner) per phase while
//! records are linked. Shown only on a terminal, never with `--json`. The pipeline's steps
//! report through `sightline_pipeline::Progress`, which these implement.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sightline_standard::Table;

/// A bar of rows read, per table.
fn rows_bar(show: bool) -> ProgressBar {
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
    bar
}

/// Moves a bar of rows read along.
fn show_rows(bar: &ProgressBar, table: Table, rows_read: u64, rows_expected: u64) {
    bar.set_message(table.name());
    bar.set_length(rows_expected.max(rows_read));
    bar.set_position(rows_read);
}

/// The bar of rows read while a return is checked or stored.
pub struct ReturnBar {
    bar: ProgressBar,
}

impl ReturnBar {
    pub fn new(show: bool) -> ReturnBar {
        ReturnBar {
            bar: rows_bar(show),
        }
    }
}

impl sightline_link::Progress for ReturnBar {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

impl sightline_pipeline::Progress for ReturnBar {
    fn rows(&self, table: Table, read: u64, expected: u64) {
        show_rows(&self.bar, table, read, expected);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Linkage progress on stderr, on a terminal only: a bar for phases whose work is counted, a
/// spinner for the others.
pub struct PhaseBar {
    bar: ProgressBar,
}

impl PhaseBar {
    pub fn new(show: bool) -> PhaseBar {
        use std::io::IsTerminal as _;
        let target = if show && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let phases = PhaseBar { bar };
        phases.phase_named("".into(), 0);
        phases
    }

    pub fn set_message(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        self.phase_named(message.into(), 0);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn phase_named(&self, name: std::borrow::Cow<'static, str>, total: u64) {
        let template = if total > 0 {
            "{msg:<40} {wide_bar} {human_pos:>12}/{human_len:12} {eta}"
        } else {
            "{spinner} {msg} {elapsed}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style);
        }
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(name);
    }
}

impl sightline_link::Progress for PhaseBar {
    fn phase(&self, name: &str, total: u64) {
        self.phase_named(name.to_string().into(), total);
    }

    fn advance(&self, done: u64) {
        self.bar.inc(done);
    }
}

impl sightline_pipeline::Progress for PhaseBar {
    fn finish(&self) {
        PhaseBar::finish(self);
    }
}
