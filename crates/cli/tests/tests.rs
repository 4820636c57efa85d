//! Integration tests of the `sightline` binary, as one test binary (one link, one run).
//!
//! Each test runs the real binary on real files in a temporary folder of its own
//! ([`util::Sandbox`]). All data is synthetic.

// `sightline assess` on synthetic returns against their truth; every share with its base.
mod assess;
// `sightline backup` and `restore`: the restored workspace verifies and publishes the same report.
mod backup;
// `sightline check`: exit codes 0 and 1, the JSON and human reports, the problems CSV.
mod check;
// The DfE's returns on children read with no profile; a CIN child with 11A linked to police.
mod dfe;
// `sightline check` failing to run (exit 2): missing files, unknown tables, bad profiles, periods.
mod errors;
// Formula injection: every CSV written neutralises formulas; reading back restores them.
mod formulas;
// `--help` of the binary and its commands.
mod help;
// Kill trials: ingest, link, report and keys rotate killed at random points; the store stays whole.
mod kill_trials;
// `sightline keys rotate`: re-sealed under a new key; killed on either side of its commit.
mod keys;
// `sightline check --normalised DIR`: the accepted rows in the standard's own terms.
mod normalised;
// The shared store on PostgreSQL (a database per test): same bytes as SQLite, kill -9, concurrent
// ingests and reads, the analysis role and the vault, backup and restore, errors.
mod postgres;
// `sightline report` and `sightline demo`: disclosure control, bases, no identifiers, a browser.
mod report;
// `sightline serve` and `users invite`: the first administrator of the collection service.
mod serve;
// The workspace: init, agencies, ingest, returns, rejects, reveal, audit; what is kept and how.
mod store;
// `sightline profile suggest` on a messy agency file, then `check --profile` with the draft.
mod suggest;
// `sightline synth` into a workspace: every synthetic return ingested, exactly the planted rows refused.
mod synth;
// `sightline template`: the files it writes, and checking the blank workbook.
mod template;
// Helpers: a sandbox folder per test and the binary run in it.
mod util;
// Returns in workbooks: Excel dates, and a return split over a workbook and a CSV.
mod workbook;
// The return set built to the 2011 published totals: what was not collected is never a zero.
mod y2011;
