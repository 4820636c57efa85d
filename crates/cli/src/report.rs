//! `sightline report` (the published assessment) and `sightline demo` (the whole pipeline on
//! synthetic data, from nothing to a report).

use crate::Outcome;
use crate::render::thousands;
use clap::Args;
use sightline_pipeline::{DemoOptions, DemoStage, PublishOptions, Session};
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    /// The folder to write report.html, tables/ and figures.json into.
    #[arg(long)]
    out: PathBuf,
    /// No suppression, for authorised analysts: every page and file is marked
    /// OFFICIAL-SENSITIVE and the export goes on the audit log.
    #[arg(long)]
    restricted: bool,
    /// Round shown counts to the nearest multiple (e.g. 5); totals from unrounded values.
    #[arg(long)]
    round: Option<u64>,
    /// Counts from 1 to this are hidden as [c].
    #[arg(long, default_value_t = 4)]
    threshold: u64,
    /// Why the report is made (for the audit log).
    #[arg(long, default_value = "publication")]
    reason: String,
}

impl ReportArgs {
    /// How to publish, as the pipeline takes it.
    fn options(&self) -> PublishOptions {
        PublishOptions {
            out: self.out.clone(),
            restricted: self.restricted,
            round: self.round,
            threshold: self.threshold,
            reason: self.reason.clone(),
        }
    }
}

pub fn report(context: &Session, args: &ReportArgs) -> anyhow::Result<Outcome> {
    let written = sightline_pipeline::write_report(context, &args.options())?;
    println!(
        "Wrote {} files ({}; {} cells hidden) to {}.",
        written.files,
        if args.restricted {
            "OFFICIAL-SENSITIVE, nothing hidden"
        } else {
            "OFFICIAL"
        },
        written.hidden,
        args.out.display()
    );
    println!("Open {}", written.report.display());
    Ok(Outcome::Clean)
}

#[derive(Args)]
pub struct DemoArgs {
    /// The folder for everything the demo makes: new, empty, or an earlier demo's (replaced).
    #[arg(long, default_value = "sightline-demo")]
    out: PathBuf,
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Then run the collection service on the demo's workspace, with a data call and one
    /// account per role (printed once, with its password and authenticator key).
    #[arg(long)]
    serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
}

/// The demo's stages on stderr, a line each as it ends.
struct StageLines;

impl sightline_link::Progress for StageLines {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

impl sightline_pipeline::Progress for StageLines {
    fn demo_stage(&self, stage: &DemoStage, seconds: f64) {
        let detail = match stage {
            DemoStage::Replacing { dir } => {
                eprintln!("Replacing the earlier demo in {}", dir.display());
                return;
            }
            DemoStage::Synth {
                agencies,
                returns,
                rows,
                defects,
                dir,
            } => format!(
                "{agencies} agencies, {returns} returns, {} rows ({} deliberately invalid) in {}",
                thousands(*rows),
                thousands(*defects as u64),
                dir.display()
            ),
            DemoStage::Init { dir } => format!("workspace {}", dir.display()),
            DemoStage::Register { agencies } => format!("{agencies} agencies"),
            DemoStage::Ingest {
                returns,
                accepted,
                rejected,
            } => format!(
                "{returns} returns: {} rows stored, {} rejected with reasons",
                thousands(*accepted),
                thousands(*rejected)
            ),
            DemoStage::Link { records, people } => format!(
                "{} person records → {} people",
                thousands(*records as u64),
                thousands(*people as u64)
            ),
            DemoStage::Assess {
                victims,
                offenders,
                groups,
            } => format!(
                "{} victims, {} offenders, {} groups",
                thousands(*victims),
                thousands(*offenders),
                thousands(*groups as u64)
            ),
            DemoStage::Report { files, hidden } => {
                format!("{files} files, {hidden} cells hidden")
            }
        };
        if let Some((number, name)) = stage.numbered() {
            eprintln!(
                "[{number}/{}] {name:<8} {detail} ({seconds:.1} s)",
                DemoStage::STAGES
            );
        }
    }
}

/// synth → init → agencies import → ingest every return → link → assess → report.
pub fn demo(context: &Session, args: &DemoArgs) -> anyhow::Result<Outcome> {
    let options = DemoOptions {
        out: args.out.clone(),
        scale: args.scale,
        seed: args.seed,
    };
    let done = sightline_pipeline::demo(&options, context.user.as_deref(), &StageLines)?;
    println!(
        "Demo finished in {:.1} s: {} returns, {} rows rejected, {} records → {} people, {} groups.",
        done.seconds,
        done.returns,
        thousands(done.rejected),
        thousands(done.records as u64),
        thousands(done.people as u64),
        thousands(done.groups as u64),
    );
    println!("Report: {}", done.report.display());
    if args.serve {
        serve_demo(context, args)?;
    }
    Ok(Outcome::Clean)
}

/// The collection service on the demo's workspace, with its accounts printed once.
fn serve_demo(context: &Session, args: &DemoArgs) -> anyhow::Result<()> {
    let ws = args.out.join("ws");
    let prepared = sightline_service::demo::prepare(&ws, &args.out, &context.user())?;
    println!();
    println!("The collection service: http://{}/sign-in", args.listen);
    println!(
        "One account per role (synthetic; shown only now). Add the key to an authenticator app,"
    );
    println!("or get a code with `oathtool --totp -b KEY`:");
    println!();
    println!(
        "  {:<10} {:<28} {:<36} authenticator key",
        "role", "email", "password"
    );
    for account in &prepared.accounts {
        println!(
            "  {:<10} {:<28} {:<36} {}",
            account.role, account.email, account.password, account.key
        );
    }
    println!();
    println!(
        "As the submitter of {} (Demonstration council), upload {} to see its problems, then {} to fix them.",
        sightline_service::demo::DEMO_AGENCY,
        prepared.messy.display(),
        prepared.fixed.display()
    );
    let mut config = sightline_service::Config::new(ws);
    config.store_threads = 4;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    eprintln!("Serving until Ctrl-C.");
    runtime.block_on(sightline_service::serve(config, args.listen))
}
