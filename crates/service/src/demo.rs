//! `sightline demo --serve`: the demo's workspace as a data call to click through — a call
//! asking every agency of the register, those the demo stored marked accepted, each synthetic
//! agency's profile kept for its uploads, a demonstration council (DEMO01) with nothing sent
//! yet, one account per role with its password and authenticator key, and a messy return and
//! its corrected version to upload.

use crate::pages::account::totp_place;
use crate::secrets;
use crate::status;
use sightline_store::collection::{self, DataCall, NewUser};
use sightline_store::{Action, Agency, Workspace};
use std::path::{Path, PathBuf};

/// An account made for the demonstration, shown once.
pub struct DemoAccount {
    pub role: &'static str,
    pub email: String,
    pub password: String,
    /// The authenticator key (base32).
    pub key: String,
}

/// What `demo --serve` prepared.
pub struct DemoCall {
    pub accounts: Vec<DemoAccount>,
    /// The files a submitter of DEMO01 can upload: the messy one, then the corrected one.
    pub messy: PathBuf,
    pub fixed: PathBuf,
}

pub const DEMO_AGENCY: &str = "DEMO01";

const MESSY: &str = "person_id,role,given_name,family_name,date_of_birth,sex,ethnicity,postcode
D1,victim,Amy,Stone,2008-02-30,female,White British,ZZ1 1AA
D2,victim,Beth,Cole,2009-05-01,female,Martian,ZZ1 1AB
D3,suspect,Carl,Dunn,1990-01-01,male,A1,ZZ1 1AC
";

const FIXED: &str = "person_id,role,given_name,family_name,date_of_birth,sex,ethnicity,postcode
D1,victim,Amy,Stone,2008-02-20,female,White British,ZZ1 1AA
D2,victim,Beth,Cole,2009-05-01,female,Martian,ZZ1 1AB
D3,suspect,Carl,Dunn,1990-01-01,male,A1,ZZ1 1AC
";

/// A password of four words from a short list and two digits (about 40 bits: enough for a
/// demonstration on loopback, not for anything else).
fn password() -> anyhow::Result<String> {
    const WORDS: &[&str] = &[
        "amber", "basin", "cedar", "delta", "ember", "fjord", "grove", "harbour", "island",
        "juniper", "kettle", "lantern", "meadow", "north", "orchard", "pebble", "quarry", "river",
        "summit", "timber", "upland", "valley", "willow", "yarrow",
    ];
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    let words: Vec<&str> = bytes[..4]
        .iter()
        .map(|b| WORDS[usize::from(*b) % WORDS.len()])
        .collect();
    Ok(format!(
        "{}-{:02}",
        words.join("-"),
        u16::from(bytes[4]) % 100
    ))
}

/// Prepares the demo's workspace (`ws`, beside the synthetic world in `out`) for the service.
pub fn prepare(ws: &Path, out: &Path, user: &str) -> anyhow::Result<DemoCall> {
    let workspace = Workspace::open(ws, None)?;
    let mut store = workspace.store()?;
    let mut keys = workspace.keys()?;
    store.import_agencies(
        &[Agency {
            agency_id: DEMO_AGENCY.to_string(),
            name: "Demonstration council".to_string(),
            agency_type: "childrens_services".to_string(),
            area: "E06000999".to_string(),
            requested: true,
            region: String::new(),
        }],
        user,
    )?;
    let agencies: Vec<String> = store
        .agencies()?
        .into_iter()
        .filter(|a| a.agency.requested)
        .map(|a| a.agency.agency_id)
        .collect();
    let stored: Vec<(String, i64)> = store
        .returns(false)?
        .into_iter()
        .map(|r| (r.agency_id, r.return_id))
        .collect();
    let today = status::today();
    let year: i32 = today[..4].parse().unwrap_or(2026);
    let call = DataCall {
        call_id: 0,
        name: "Demonstration data call (synthetic)".to_string(),
        period_from: format!("{}-04-01", year - 1),
        period_to: format!("{year}-03-31"),
        template_version: sightline_standard::STANDARD_VERSION.to_string(),
        deadline: format!("{}-06-30", year + 1),
        close_date: format!("{}-07-31", year + 1),
        created_at: String::new(),
        created_by: user.to_string(),
    };
    let subject = format!("data call created: {}", call.name);
    store.collection_write(
        user,
        Some((Action::Collection, &subject, "demo --serve")),
        &mut |db| {
            let id = collection::create_call(db, &call, &agencies, user)?;
            for (agency, return_id) in &stored {
                if agencies.contains(agency) {
                    let reason = format!("stored by the demo as return {return_id}");
                    collection::set_status(db, id, agency, status::ACCEPTED, &reason, user)?;
                }
            }
            Ok(())
        },
    )?;
    // Each synthetic agency's profile, so that its own export can be sent through the service.
    let mut profiles = Vec::new();
    if let Ok(entries) = std::fs::read_dir(out.join("syn").join("profiles")) {
        for entry in entries.flatten() {
            let path = entry.path();
            if let (Some(agency), Ok(text)) = (
                path.file_stem().map(|s| s.to_string_lossy().into_owned()),
                std::fs::read_to_string(&path),
            ) {
                profiles.push((agency, text));
            }
        }
    }
    profiles.sort();
    let subject = format!("profiles set: {} agencies", profiles.len());
    store.collection_write(
        user,
        Some((Action::Alteration, &subject, "demo --serve")),
        &mut |db| {
            for (agency, text) in &profiles {
                if agencies.contains(agency) {
                    collection::set_profile(db, agency, text, user)?;
                }
            }
            Ok(())
        },
    )?;
    let mut accounts = Vec::new();
    for (role, agency) in [
        ("admin", ""),
        ("analyst", ""),
        ("publisher", ""),
        ("auditor", ""),
        ("submitter", DEMO_AGENCY),
        ("signatory", DEMO_AGENCY),
        ("approver", DEMO_AGENCY),
    ] {
        let domain = if agency.is_empty() {
            "national"
        } else {
            "demo01"
        };
        let email = format!("{role}@{domain}.invalid");
        let password = password()?;
        let key = secrets::totp_secret()?;
        let hash = secrets::hash_password(&password)?;
        let new = NewUser {
            email: email.clone(),
            name: format!("Demo {role}"),
            agency_id: agency.to_string(),
            roles: vec![role.to_string()],
        };
        let subject = format!("user added: {email}");
        store.collection_write(
            user,
            Some((Action::Access, &subject, "demo --serve")),
            &mut |db| {
                let id = collection::create_user(db, &new, user)?;
                let sealed = keys.seal(&key, &totp_place(id))?;
                collection::set_credentials(db, id, &hash, &sealed, 0, &[])
            },
        )?;
        accounts.push(DemoAccount {
            role,
            email,
            password,
            key,
        });
    }
    let uploads = out.join("upload");
    std::fs::create_dir_all(uploads.join("messy"))?;
    std::fs::create_dir_all(uploads.join("fixed"))?;
    let messy = uploads.join("messy").join("people.csv");
    let fixed = uploads.join("fixed").join("people.csv");
    std::fs::write(&messy, MESSY)?;
    std::fs::write(&fixed, FIXED)?;
    Ok(DemoCall {
        accounts,
        messy,
        fixed,
    })
}
