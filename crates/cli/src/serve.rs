//! `sightline serve` and `sightline users invite`: the collection service on this workspace,
//! and its first accounts.

use crate::Outcome;
use sightline_pipeline::Session;
use sightline_service::roles::Role;
use sightline_store::collection::NewUser;
use std::net::SocketAddr;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The service is reached over TLS (a proxy in front terminates it): cookies are marked
    /// Secure and `__Host-` prefixed.
    #[arg(long)]
    behind_tls: bool,
    /// The SMTP server reminders leave through: smtp://HOST:PORT (STARTTLS with
    /// ?tls=required; implicit TLS with smtps://; a login as smtp://USER:PASSWORD@HOST). With
    /// none, no reminder is sent.
    #[arg(long, value_name = "URL", requires = "mail_from")]
    smtp: Option<String>,
    /// The sender of reminders, e.g. "Data call <datacall@example.gov.uk>".
    #[arg(long, value_name = "ADDRESS")]
    mail_from: Option<String>,
}

pub fn serve(context: &Session, args: &ServeArgs) -> anyhow::Result<Outcome> {
    let workspace = context.open()?;
    let mut config = sightline_service::Config::new(workspace.dir.clone());
    config.secure = args.behind_tls;
    if let (Some(url), Some(from)) = (&args.smtp, &args.mail_from) {
        config.mail = Some(sightline_service::reminders::MailConfig {
            url: url.clone(),
            from: from.clone(),
        });
    }
    let store = workspace.store()?;
    if !has_administrator(store.as_ref())? {
        eprintln!(
            "sightline serve: nobody can sign in yet. Make the first administrator with\n  sightline users invite EMAIL --name NAME --role admin --role analyst --base-url http://{}\nand open the link it prints; they invite everyone else from the service.",
            args.listen
        );
    }
    drop(store);
    drop(workspace);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    eprintln!(
        "sightline serve: the collection service on http://{} (Ctrl-C to stop)",
        args.listen
    );
    runtime.block_on(sightline_service::serve(config, args.listen))?;
    Ok(Outcome::Clean)
}

/// Whether the service has an administrator (invited or signed up, not deactivated): without
/// one nobody can make the accounts the service needs.
fn has_administrator(store: &dyn sightline_store::Store) -> anyhow::Result<bool> {
    let national = sightline_store::collection::read(store, |db| {
        sightline_store::collection::users(db, Some(""))
    })?;
    Ok(national
        .iter()
        .any(|user| user.active && user.roles.iter().any(|role| role == Role::Admin.code())))
}

#[derive(clap::Args)]
pub struct InviteArgs {
    /// The new user's email address (their sign-in name).
    email: String,
    /// Their full name.
    #[arg(long)]
    name: String,
    /// A role (repeat for several): submitter, signatory, approver (agency users); analyst,
    /// publisher, auditor, admin (the national team).
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// The agency they belong to (as in the register); none for the national team.
    #[arg(long)]
    agency: Option<String>,
    /// The service's address, for the link printed.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base_url: String,
}

/// Makes an account and prints its invitation link (valid 7 days, once).
pub fn invite(context: &Session, args: &InviteArgs) -> anyhow::Result<Outcome> {
    let mut roles = Vec::new();
    for code in &args.roles {
        let Some(role) = Role::from_code(code) else {
            anyhow::bail!(
                "'{code}' is not a role; use submitter, signatory, approver, analyst, publisher, auditor or admin"
            );
        };
        if role.national() == args.agency.is_some() {
            anyhow::bail!(
                "role '{code}' is for {}; {}",
                if role.national() {
                    "the national team"
                } else {
                    "an agency's users"
                },
                if role.national() {
                    "leave out --agency"
                } else {
                    "give the user's --agency"
                }
            );
        }
        roles.push(code.clone());
    }
    let workspace = context.open()?;
    let mut store = workspace.store()?;
    let token = sightline_service::secrets::token()?;
    let new = NewUser {
        email: args.email.trim().to_lowercase(),
        name: args.name.clone(),
        agency_id: args.agency.clone().unwrap_or_default(),
        roles,
    };
    match sightline_service::pages::users::invite(&mut *store, &new, &context.user(), &token)? {
        Ok(_) => {
            println!("{}/invitation/{token}", args.base_url.trim_end_matches('/'));
            eprintln!(
                "Send this link to {}: it works once, within 7 days, and sets their password and authenticator app.",
                new.email
            );
            Ok(Outcome::Clean)
        }
        Err("agency") => anyhow::bail!(
            "agency '{}' is not in the register; import it with `sightline agencies import FILE`",
            new.agency_id
        ),
        Err(_) => anyhow::bail!("a user with the email address {} already exists", new.email),
    }
}
