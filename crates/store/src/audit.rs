//! Who looked at or changed what, when and why — and has anyone edited that record?
//!
//! Every event carries the MAC of the one before and its own: HMAC-SHA-256, keyed with the
//! workspace's audit key ([`AuditKey`], from the key file, never in the store), over its fields
//! and the previous MAC. Changing, removing or reordering an event breaks the chain from there
//! on, and without the key nobody can make a chain that verifies. Deleting the newest events
//! leaves a shorter chain that is still whole, so the head (last sequence number and MAC) is
//! also kept outside the store: a line in the workspace's checkpoint file after every commit
//! that appended events ([`CHECKPOINT_FILE`]), and in each report's methodology. [`verify`]
//! checks both and finds the first broken link.
//!
//! Stores made before the keyed chain (schema version 2 and earlier) hold events chained with
//! plain SHA-256 ([`event_hash`]). They are never rewritten: they are verified as before, and
//! the first keyed event chains onto their last hash, so that from then on the keyed chain
//! vouches for them too. Once a keyed event has been seen, a plain SHA-256 event is a rewrite.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The file, in the workspace folder, that keeps the audit log's heads outside the store.
pub const CHECKPOINT_FILE: &str = "audit.checkpoint";

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
    /// Someone signed in or out of the collection service, failed to, or had their account
    /// changed.
    Access,
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
            Action::Access => "access",
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

/// The key of the audit chain's MAC: 32 bytes from the key file (derived from the vault key
/// with the label `sightline audit mac v1`, or kept on the key file's `audit` line once the
/// vault key has been rotated). It is never stored in the database.
#[derive(Clone)]
pub struct AuditKey {
    mac: Hmac<Sha256>,
}

impl AuditKey {
    pub fn new(key: &[u8]) -> Option<AuditKey> {
        Some(AuditKey {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?,
        })
    }

    /// The MAC an event must carry, from its fields and the previous event's MAC.
    #[allow(clippy::too_many_arguments)]
    pub fn event_mac(
        &self,
        prev: &str,
        seq: i64,
        at: &str,
        user: &str,
        action: &str,
        subject: &str,
        reason: &str,
    ) -> String {
        let mut mac = self.mac.clone();
        for part in [prev, &seq.to_string(), at, user, action, subject, reason] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    fn matches(&self, prev: &str, event: &AuditEvent) -> bool {
        self.event_mac(
            prev,
            event.seq,
            &event.at,
            &event.user,
            &event.action,
            &event.subject,
            &event.reason,
        ) == event.hash
    }
}

/// One line of the checkpoint file: the head of the log after a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub head: String,
}

/// Appends a head to the checkpoint file (created if needed, mode 0600 on Unix), and syncs it.
pub fn append_checkpoint(path: &Path, seq: i64, head: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(format!("{seq} {head}\n").as_bytes())?;
    file.sync_data()
}

/// Reads the checkpoint file: `None` when there is none. A last line without its newline (the
/// process died while writing it) is left out; any other line that is not `SEQ HEAD` is an
/// error.
pub fn read_checkpoint(path: &Path) -> Result<Option<Vec<Checkpoint>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    let mut lines = Vec::new();
    for (index, line) in complete.lines().enumerate() {
        let parsed = line.split_once(' ').and_then(|(seq, head)| {
            let seq = seq.parse::<i64>().ok().filter(|seq| *seq > 0)?;
            (head.len() == 64 && head.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Checkpoint {
                seq,
                head: head.to_string(),
            })
        });
        match parsed {
            Some(checkpoint) => lines.push(checkpoint),
            None => {
                return Err(format!(
                    "line {} of {} is not `SEQUENCE HEAD`: the checkpoint was edited",
                    index + 1,
                    path.display()
                ));
            }
        }
    }
    Ok(Some(lines))
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub events: usize,
    /// The first event whose link is broken, and why.
    pub broken: Option<(i64, String)>,
    /// Events chained with plain SHA-256 before the keyed chain began (stores made before it).
    pub unkeyed_events: usize,
    /// The last event's sequence number and MAC.
    pub head: Option<Checkpoint>,
    /// Lines of the checkpoint file compared with the store; `None` when there is no file.
    pub checkpoints: Option<usize>,
}

/// What verification compares the chain with, besides itself.
pub struct Expectations<'a> {
    /// The heads recorded outside the store.
    pub checkpoints: Option<&'a [Checkpoint]>,
    /// The first event that must be keyed: the store's events when it was migrated to the
    /// keyed chain, plus one (1 for a store made with it). A plain SHA-256 event from here on
    /// is a rewrite.
    pub keyed_from: i64,
}

/// Recomputes the chain over events in order, with the audit key, and compares it with the
/// heads recorded outside the store.
pub fn verify(events: &[AuditEvent], key: &AuditKey, expect: &Expectations<'_>) -> Verdict {
    let mut verdict = Verdict {
        events: events.len(),
        broken: None,
        unkeyed_events: 0,
        head: events.last().map(|e| Checkpoint {
            seq: e.seq,
            head: e.hash.clone(),
        }),
        checkpoints: expect.checkpoints.map(<[Checkpoint]>::len),
    };
    verdict.broken = first_break(events, key, expect, &mut verdict.unkeyed_events);
    verdict
}

fn first_break(
    events: &[AuditEvent],
    key: &AuditKey,
    expect: &Expectations<'_>,
    unkeyed: &mut usize,
) -> Option<(i64, String)> {
    let mut prev = GENESIS.to_string();
    let mut keyed_from: Option<i64> = None;
    for (expected_seq, event) in (1..).zip(events) {
        if event.seq != expected_seq {
            return Some((
                event.seq,
                format!("expected event {expected_seq} here: events were removed or reordered"),
            ));
        }
        if event.prev_hash != prev {
            return Some((
                event.seq,
                "it does not follow from the event before".to_string(),
            ));
        }
        if key.matches(&prev, event) {
            keyed_from.get_or_insert(event.seq);
        } else {
            let plain = event_hash(
                &prev,
                event.seq,
                &event.at,
                &event.user,
                &event.action,
                &event.subject,
                &event.reason,
            ) == event.hash;
            return Some((
                event.seq,
                match (plain, keyed_from) {
                    (true, Some(from)) => format!(
                        "it is chained with plain SHA-256 after the keyed chain began at event {from}: the log was rewritten"
                    ),
                    (true, None) if event.seq >= expect.keyed_from => format!(
                        "it is chained with plain SHA-256, but every event from {} on was written with the keyed chain: the log was rewritten",
                        expect.keyed_from
                    ),
                    (true, None) => {
                        *unkeyed += 1;
                        prev = event.hash.clone();
                        continue;
                    }
                    (false, _) => "its content was changed after it was written (its MAC does not match; or the key file is not this store's)".to_string(),
                },
            ));
        }
        prev = event.hash.clone();
    }
    let last = events.len() as i64;
    for checkpoint in expect.checkpoints.unwrap_or_default() {
        if checkpoint.seq > last {
            return Some((
                checkpoint.seq,
                format!(
                    "the checkpoint outside the store records event {} (head {}), but the log ends at event {last}: the newest events were removed",
                    checkpoint.seq, checkpoint.head
                ),
            ));
        }
        let event = &events[(checkpoint.seq - 1) as usize];
        if event.hash != checkpoint.head {
            return Some((
                checkpoint.seq,
                format!(
                    "it is not the event the checkpoint outside the store recorded (head {}): the log was rewritten",
                    checkpoint.head
                ),
            ));
        }
    }
    None
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

    fn key() -> AuditKey {
        AuditKey::new(&[7u8; 32]).expect("key")
    }

    fn event(prev: &str, seq: i64, subject: &str, hash: String) -> AuditEvent {
        AuditEvent {
            seq,
            at: "2026-01-01T00:00:00Z".to_string(),
            user: "analyst".to_string(),
            action: "collection".to_string(),
            subject: subject.to_string(),
            reason: String::new(),
            prev_hash: prev.to_string(),
            hash,
        }
    }

    /// `plain` events chained with SHA-256, then `keyed` with the MAC.
    fn chain(plain: i64, keyed: i64) -> Vec<AuditEvent> {
        let key = key();
        let mut prev = GENESIS.to_string();
        (1..=plain + keyed)
            .map(|seq| {
                let subject = format!("return {seq}");
                let hash = if seq <= plain {
                    event_hash(
                        &prev,
                        seq,
                        "2026-01-01T00:00:00Z",
                        "analyst",
                        "collection",
                        &subject,
                        "",
                    )
                } else {
                    key.event_mac(
                        &prev,
                        seq,
                        "2026-01-01T00:00:00Z",
                        "analyst",
                        "collection",
                        &subject,
                        "",
                    )
                };
                let made = event(&prev, seq, &subject, hash);
                prev = made.hash.clone();
                made
            })
            .collect()
    }

    fn none() -> Expectations<'static> {
        Expectations {
            checkpoints: None,
            keyed_from: i64::MAX,
        }
    }

    fn broken_at(events: &[AuditEvent], expect: &Expectations<'_>) -> Option<i64> {
        verify(events, &key(), expect).broken.map(|b| b.0)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let verdict = verify(&chain(0, 5), &key(), &none());
        assert_eq!(verdict.broken, None);
        assert_eq!(verdict.events, 5);
        assert_eq!(verdict.unkeyed_events, 0);
        assert_eq!(verdict.head.map(|h| h.seq), Some(5));
    }

    #[test]
    fn an_older_plain_chain_verifies_up_to_where_the_keyed_chain_begins() {
        let verdict = verify(&chain(3, 2), &key(), &none());
        assert_eq!(verdict.broken, None);
        assert_eq!(verdict.unkeyed_events, 3);
        let migrated_at_3 = Expectations {
            checkpoints: None,
            keyed_from: 4,
        };
        assert_eq!(broken_at(&chain(3, 2), &migrated_at_3), None);
        let migrated_at_2 = Expectations {
            checkpoints: None,
            keyed_from: 2,
        };
        assert_eq!(broken_at(&chain(3, 2), &migrated_at_2), Some(2));
    }

    #[test]
    fn edits_removals_and_reordering_are_found() {
        let mut edited = chain(0, 5);
        edited[2].reason = "changed".to_string();
        assert_eq!(broken_at(&edited, &none()), Some(3));
        let mut removed = chain(0, 5);
        removed.remove(1);
        assert_eq!(broken_at(&removed, &none()), Some(3));
        let mut reordered = chain(0, 5);
        reordered.swap(1, 2);
        assert_eq!(broken_at(&reordered, &none()), Some(3));
    }

    #[test]
    fn rehashing_with_plain_sha256_is_found() {
        // Event 3 edited, it and every later one rehashed with SHA-256: nothing secret needed.
        let mut rehashed = chain(0, 5);
        rehashed[2].subject = "other".to_string();
        for index in 2..5 {
            let prev = rehashed[index - 1].hash.clone();
            let e = &mut rehashed[index];
            e.prev_hash = prev.clone();
            e.hash = event_hash(&prev, e.seq, &e.at, &e.user, &e.action, &e.subject, "");
        }
        assert_eq!(broken_at(&rehashed, &none()), Some(3));
        // The whole log rehashed with SHA-256 looks like an older store, except to the
        // checkpoint kept outside it.
        let original = chain(0, 5);
        // (The same content re-chained with SHA-256 is enough to show it.)
        let whole = chain(5, 0);
        let checkpoints = [Checkpoint {
            seq: 5,
            head: original[4].hash.clone(),
        }];
        let expect = Expectations {
            checkpoints: Some(&checkpoints),
            keyed_from: i64::MAX,
        };
        assert_eq!(broken_at(&whole, &expect), Some(5));
    }

    #[test]
    fn removing_the_newest_events_is_found_by_the_checkpoint() {
        let full = chain(0, 5);
        let checkpoints: Vec<Checkpoint> = full
            .iter()
            .map(|e| Checkpoint {
                seq: e.seq,
                head: e.hash.clone(),
            })
            .collect();
        let expect = Expectations {
            checkpoints: Some(&checkpoints),
            keyed_from: 1,
        };
        assert_eq!(broken_at(&full, &expect), None);
        assert_eq!(broken_at(&full[..3], &expect), Some(4));
        assert_eq!(broken_at(&[], &expect), Some(1));
        assert_eq!(
            broken_at(&full[..3], &none()),
            None,
            "alone, a shorter chain is whole"
        );
    }

    #[test]
    fn another_key_does_not_verify() {
        let other = AuditKey::new(&[8u8; 32]).expect("key");
        assert_eq!(
            verify(&chain(0, 2), &other, &none()).broken.map(|b| b.0),
            Some(1)
        );
    }

    #[test]
    fn the_checkpoint_file_is_read_back_and_a_torn_last_line_is_left_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CHECKPOINT_FILE);
        assert_eq!(read_checkpoint(&path), Ok(None));
        let head = "ab".repeat(32);
        append_checkpoint(&path, 3, &head).expect("append");
        append_checkpoint(&path, 5, &head).expect("append");
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str("6 abab");
        std::fs::write(&path, &text).expect("write");
        let lines = read_checkpoint(&path).expect("read").expect("some");
        assert_eq!(lines.iter().map(|c| c.seq).collect::<Vec<_>>(), [3, 5]);
        std::fs::write(&path, "3 not-a-head\n").expect("write");
        assert!(read_checkpoint(&path).is_err());
    }

    #[test]
    fn now_is_rfc3339() {
        let now = now();
        assert_eq!(now.len(), 20);
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T');
    }
}
