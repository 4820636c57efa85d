//! The `sightline` command line: parses arguments, runs one command, maps the outcome to an exit
//! code (0 fine, 1 ran and found problems, 2 could not run). Only this crate knows about
//! terminals; the work is done by the library crates.

mod assess;
mod check;
mod dedupe;
mod link;
mod progress;
mod render;
mod report;
mod serve;
mod workspace;

/// mimalloc: normalising allocates and frees small strings for every row; the system allocator
/// spent a fifth of `check`'s time on it (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sightline",
    version,
    about = "The national picture of child sexual exploitation, from many agencies' returns"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The workspace folder (else SIGHTLINE_WORKSPACE, else the current directory).
    #[arg(long, global = true)]
    workspace: Option<PathBuf>,
    /// Who is working, for the audit log (else the OS user).
    #[arg(long, global = true)]
    user: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Write the return template: XLSX with drop-downs, CSV headers, code lists, datapackage.json.
    Template {
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
    },
    /// Draft and work with profiles (how an agency's file maps onto the standard).
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Validate a return before sending it: every problem, row by row. Needs no workspace.
    Check(check::CheckArgs),
    /// Write synthetic national returns with their ground truth (nothing in them is real).
    #[command(args_conflicts_with_subcommands = true)]
    Synth {
        #[command(subcommand)]
        command: Option<SynthCommand>,
        /// Folder to write into.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Multiplies the population (1 = the 2011 assessment's size).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A fixed return set instead of a drawn world: `2011` builds one to the 2011
        /// assessment's published totals, with what it did not collect left out.
        #[arg(long, value_parser = ["2011"])]
        preset: Option<String>,
    },
    /// Find the people in any person CSV: the linkage engine without a workspace.
    Dedupe(dedupe::DedupeArgs),
    /// Link every person record in the workspace into people; stores them with their evidence.
    Link(link::LinkArgs),
    /// The records of a person and the evidence for each link between them.
    Explain(link::ExplainArgs),
    /// The national picture: every figure with its base, groups, the missing link, justice,
    /// coverage and data quality.
    Assess(assess::AssessArgs),
    /// The published assessment: report.html, tables (CSV and XLSX) and figures.json, with
    /// disclosure control.
    Report(report::ReportArgs),
    /// The whole pipeline on synthetic data: synth → ingest → link → assess → report.
    Demo(report::DemoArgs),
    /// Create a workspace: config, key file, and the embedded store or a PostgreSQL database.
    Init {
        /// The folder (created if needed); the current directory by default.
        dir: Option<PathBuf>,
        /// Keep the store in this PostgreSQL database (postgres://USER@HOST:PORT/DB) instead of
        /// the embedded file: the shared deployment. Its schema and roles are made; a database
        /// that already holds a store is joined (give its key with SIGHTLINE_KEY_FILE).
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
    /// The agency register and who returned what.
    Agencies {
        #[command(subcommand)]
        command: Option<AgenciesCommand>,
        #[arg(long)]
        json: bool,
    },
    /// Validate a return and store it: all its tables or nothing.
    Ingest(workspace::IngestArgs),
    /// Every return stored, with per-table counts.
    Returns {
        /// Include superseded returns.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// The rejected rows of a return and why.
    Rejects {
        return_id: i64,
        /// Show the rows' values (read from the vault; audited).
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Read a person record's identifiers from the vault (audited).
    Reveal {
        /// The person record id.
        record: i64,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A consistent copy of the embedded store, taken while the workspace may be in use (the
    /// key file is never in it: keep it apart). For PostgreSQL, pg_dump (README).
    Backup {
        /// The file to write (never replaced).
        #[arg(long)]
        out: PathBuf,
        /// Why (for the audit log).
        #[arg(long, default_value = "backup")]
        reason: String,
    },
    /// A new workspace from a backup, with the store's key from SIGHTLINE_KEY_FILE; its audit
    /// log must verify.
    Restore {
        /// The backup file (from `sightline backup`).
        file: PathBuf,
        /// The new workspace's folder.
        dir: PathBuf,
    },
    /// Make a return's identifiers unrecoverable (its data key deleted); its counts, the audit
    /// log and the fact of the erasure remain.
    Erase {
        return_id: i64,
        /// Why (for the audit log and for anyone who later asks for these identifiers).
        #[arg(long)]
        reason: Option<String>,
    },
    /// The workspace's key: `keys rotate` re-seals every identifier under a new one.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The collection service on this workspace: agencies submit returns on the web, the
    /// national team runs the data call (`users invite` makes the first account).
    Serve(serve::ServeArgs),
    /// The collection service's users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// The audit log; `audit verify` checks its hash chain.
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
        #[arg(long, global = true)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SynthCommand {
    /// A person-record CSV with heavy corruption and a true_id column, for linkage benchmarks
    /// (`sightline dedupe FILE --id record_id --truth true_id`).
    People {
        /// The CSV to write.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        records: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Make an account and print its invitation link (it sets a password and an
    /// authenticator app; valid once, for 7 days).
    Invite(serve::InviteArgs),
}

#[derive(Subcommand)]
enum AgenciesCommand {
    /// Load the register from a CSV: agency_id, name, type, area, requested.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Re-seal every identifier in the vault under a new key, in one transaction (audited);
    /// the old key file is kept beside it as KEY.retired-CHECK for backups made before.
    Rotate {
        /// Why (for the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and report the first broken link.
    Verify,
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Draft a profile from a file's headers and values; prints TOML with a comment on every
    /// uncertain choice.
    Suggest {
        /// A CSV file or workbook.
        file: PathBuf,
        /// Write the profile here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// What a command found, for the exit code.
pub enum Outcome {
    /// Ran; nothing wrong.
    Clean,
    /// Ran; found problems in the data (e.g. rejected rows).
    Problems,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("sightline: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let context = sightline_pipeline::Session {
        workspace: cli.workspace,
        user: cli.user,
    };
    match cli.command {
        Command::Synth {
            command: Some(SynthCommand::People { out, records, seed }),
            ..
        } => synth_people(&out, records, seed),
        Command::Synth {
            command: None,
            out,
            scale,
            seed,
            preset,
        } => match out {
            Some(out) if preset.is_some() => synth_2011(&out, seed),
            Some(out) => synth(&out, scale, seed),
            None => anyhow::bail!(
                "synth needs --out DIR (or `synth people --out FILE.csv` for a person CSV)"
            ),
        },
        Command::Dedupe(args) => dedupe::dedupe(&args),
        Command::Link(args) => link::link(&context, &args),
        Command::Explain(args) => link::explain(&context, &args),
        Command::Assess(args) => assess::assess(&context, &args),
        Command::Report(args) => report::report(&context, &args),
        Command::Demo(args) => report::demo(&context, &args),
        Command::Init { dir, database } => {
            let dir = dir
                .or(context.workspace.clone())
                .unwrap_or_else(|| PathBuf::from("."));
            workspace::init(&dir, database.as_deref())
        }
        Command::Agencies {
            command: Some(AgenciesCommand::Import { file }),
            ..
        } => workspace::agencies_import(&context, &file),
        Command::Agencies {
            command: None,
            json,
        } => workspace::agencies_list(&context, json),
        Command::Ingest(args) => workspace::ingest(&context, &args),
        Command::Returns { all, json } => workspace::returns(&context, all, json),
        Command::Rejects {
            return_id,
            reveal,
            reason,
            json,
        } => workspace::rejects(&context, return_id, reveal, reason.as_deref(), json),
        Command::Reveal {
            record,
            reason,
            json,
        } => workspace::reveal(&context, record, reason.as_deref(), json),
        Command::Audit { command, json } => workspace::audit(&context, command.is_some(), json),
        Command::Serve(args) => serve::serve(&context, &args),
        Command::Users {
            command: UsersCommand::Invite(args),
        } => serve::invite(&context, &args),
        Command::Backup { out, reason } => workspace::backup(&context, &out, &reason),
        Command::Restore { file, dir } => workspace::restore(&context, &file, &dir),
        Command::Erase { return_id, reason } => {
            workspace::erase(&context, return_id, reason.as_deref())
        }
        Command::Keys {
            command: KeysCommand::Rotate { reason },
        } => workspace::keys_rotate(&context, reason.as_deref()),
        Command::Template { out } => template(&out),
        Command::Profile {
            command: ProfileCommand::Suggest { file, out },
        } => suggest(&file, out.as_deref()),
        Command::Check(args) => check::run(&args),
    }
}

fn synth(out: &std::path::Path, scale: f64, seed: u64) -> anyhow::Result<Outcome> {
    use anyhow::Context as _;
    if !(scale > 0.0 && scale <= 1000.0) {
        anyhow::bail!("--scale must be above 0 and at most 1000; got {scale}");
    }
    let generated = sightline_synth::generate(out, scale, seed)
        .with_context(|| format!("cannot write the synthetic returns to {}", out.display()))?;
    println!(
        "Wrote {} agencies, {} returns ({} rows, {} deliberately invalid) and the truth to {}.",
        generated.agencies,
        generated.returns,
        crate::render::thousands(generated.rows),
        crate::render::thousands(generated.defects as u64),
        out.display()
    );
    Ok(Outcome::Clean)
}

fn synth_2011(out: &std::path::Path, seed: u64) -> anyhow::Result<Outcome> {
    use anyhow::Context as _;
    let generated = sightline_synth::y2011::generate(out, seed)
        .with_context(|| format!("cannot write the 2011 return set to {}", out.display()))?;
    println!(
        "Wrote {} agencies, {} returns ({} rows) built to the 2011 published totals, and the truth, to {}.",
        generated.agencies,
        generated.returns,
        crate::render::thousands(generated.rows),
        out.display()
    );
    Ok(Outcome::Clean)
}

fn synth_people(out: &std::path::Path, records: usize, seed: u64) -> anyhow::Result<Outcome> {
    use anyhow::Context as _;
    let options = sightline_synth::people::PeopleOptions { records, seed };
    let written = sightline_synth::people::write_people_file(out, &options)
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "Wrote {} person records of {} people to {} (true_id says who is who).",
        written.records,
        written.entities,
        out.display()
    );
    Ok(Outcome::Clean)
}

fn template(out: &std::path::Path) -> anyhow::Result<Outcome> {
    use std::io::Write as _;
    let written = sightline_template::write_template(out)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "Wrote the return template (standard {}) to {}:",
        sightline_standard::STANDARD_VERSION,
        out.display()
    )?;
    for path in written {
        writeln!(stdout, "  {}", path.display())?;
    }
    Ok(Outcome::Clean)
}

fn suggest(file: &std::path::Path, out: Option<&std::path::Path>) -> anyhow::Result<Outcome> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let suggestion = sightline_intake::suggest::suggest(file)?;
    match out {
        Some(path) => {
            std::fs::write(path, &suggestion.toml)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Wrote a draft profile to {}. Read its comments, then: sightline check {} --profile {}",
                path.display(),
                file.display(),
                path.display()
            );
        }
        None => std::io::stdout()
            .lock()
            .write_all(suggestion.toml.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
