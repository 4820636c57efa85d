//! Who looked at or changed what, when and why — and has anyone edited that record?
//!
//! Every event carries the hash of the one before (SHA-256 over its fields and that hash), so
//! changing, removing or reordering an event breaks the chain from there on, and
//! [`verify`] finds the first broken link.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// What kind of thing happened, in the data-protection vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Data came in (ingest, agency register).
    Collection,
    /// Stored data was changed (a return superseded).
    Alteration,
    /// Identifiers were read from the vault.
    Consultation,
    /// Data left the workspace (export, report).
    Disclosure,
    /// Records were combined (linkage).
    Combination,
    /// Data was deleted.
    Erasure,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Collection => "collection",
            Action::Alteration => "alteration",
            Action::Consultation => "consultation",
            Action::Disclosure => "disclosure",
            Action::Combination => "combination",
            Action::Erasure => "erasure",
        }
    }
}

/// One event of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub user: String,
    pub action: String,
    /// What it was about: a return, records, an output.
    pub subject: String,
    /// The reason given.
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash an event must carry, from its fields and the previous hash.
pub fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    user: &str,
    action: &str,
    subject: &str,
    reason: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        at,
        user,
        action,
        subject,
        reason,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub events: usize,
    /// The first event whose link is broken, and why.
    pub broken: Option<(i64, String)>,
}

/// Recomputes the chain over events in order.
pub fn verify(events: &[AuditEvent]) -> Verdict {
    let mut prev = GENESIS.to_string();
    for (expected_seq, event) in (1..).zip(events) {
        if event.seq != expected_seq {
            return Verdict {
                events: events.len(),
                broken: Some((
                    event.seq,
                    format!("expected event {expected_seq} here: events were removed or reordered"),
                )),
            };
        }
        if event.prev_hash != prev {
            return Verdict {
                events: events.len(),
                broken: Some((
                    event.seq,
                    "it does not follow from the event before".to_string(),
                )),
            };
        }
        let hash = event_hash(
            &prev,
            event.seq,
            &event.at,
            &event.user,
            &event.action,
            &event.subject,
            &event.reason,
        );
        if hash != event.hash {
            return Verdict {
                events: events.len(),
                broken: Some((
                    event.seq,
                    "its content was changed after it was written".to_string(),
                )),
            };
        }
        prev = hash;
    }
    Verdict {
        events: events.len(),
        broken: None,
    }
}

/// Now, UTC, as RFC 3339 to the second.
pub fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    let date = sightline_standard::PartialDate::from_days_since_epoch(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let date = date.map_or_else(|| "1970-01-01".to_string(), |d| d.to_string());
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let hash = event_hash(
                    &prev,
                    seq,
                    "2026-01-01T00:00:00Z",
                    "analyst",
                    "collection",
                    "return 1",
                    "",
                );
                let event = AuditEvent {
                    seq,
                    at: "2026-01-01T00:00:00Z".to_string(),
                    user: "analyst".to_string(),
                    action: "collection".to_string(),
                    subject: "return 1".to_string(),
                    reason: String::new(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                event
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(
            verify(&chain(5)),
            Verdict {
                events: 5,
                broken: None
            }
        );
    }

    #[test]
    fn edits_removals_and_reordering_are_found() {
        let mut edited = chain(5);
        edited[2].reason = "changed".to_string();
        assert_eq!(verify(&edited).broken.map(|b| b.0), Some(3));
        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify(&removed).broken.map(|b| b.0), Some(3));
        let mut rehashed = chain(5);
        rehashed[1].subject = "other".to_string();
        rehashed[1].hash = event_hash(
            &rehashed[1].prev_hash,
            2,
            &rehashed[1].at,
            "analyst",
            "collection",
            "other",
            "",
        );
        assert_eq!(
            verify(&rehashed).broken.map(|b| b.0),
            Some(3),
            "rehashing one event breaks the next"
        );
    }

    #[test]
    fn now_is_rfc3339() {
        let now = now();
        assert_eq!(now.len(), 20);
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T');
    }
}
