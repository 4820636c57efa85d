//! How does a return get into the store fast and whole?
//!
//! Three threads and the engine work on a return at once, a batch of rows at a time:
//! - the calling thread runs intake (read, check, normalise) into a [`SealingSink`], which
//!   gives each batch its person record ids (from the engine) and its nonces, in row order;
//! - an encoding thread makes the pseudonymous keys, seals the identifiers and writes each
//!   table's rows straight into an [`EncodedRows`] buffer (no value or string is made per
//!   field, and a sealed value is encrypted where it lies in the buffer);
//! - a writer thread owns the connection for the length of the return and hands each table's
//!   buffer to the engine ([`Db::insert_encoded`]: prepared inserts on SQLite, binary COPY on
//!   PostgreSQL, whose tuples the buffer already holds).
//!
//! Since record ids and nonces are given on the calling thread in the order of the rows, what
//! is stored does not depend on how the threads are scheduled. Buffers go back from the writer
//! to the encoder to be reused. All of it happens inside one write transaction, committed only
//! after every row, its counts, its supersessions and its audit events are written. Nothing
//! here names an engine.

use crate::db::{Column, Db, EncodedRows, IdKind, Kind, RecordIds};
use crate::keys::{Keys, PSEUDONYM_LEN};
use crate::sql_store::{AuditWriter, IDENTITY_COLUMNS, append_audit};
use crate::{Action, NewReturn, Result, StoreError};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::report::CheckReport;
use sightline_intake::{Diagnostic, IntakeError};
use sightline_standard::records::PersonRecord;
use sightline_standard::{Coded, Nationality, PartialDate, Record};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

const BATCHES_AHEAD: usize = 8;

/// Nonces each person record reserves: one per vault column, used or not.
const PERSON_NONCES: u128 = IDENTITY_COLUMNS.len() as u128;

/// Nonces reserved for a return's rows, handed out by the sink in row order; the key's own
/// counter goes on after them (the return's notes are sealed after its rows).
const RETURN_NONCES: u128 = 1 << 64;

const PEOPLE_COLUMNS: &[Column] = &[
    ("record_id", Kind::Int),
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("person_key", Kind::Text),
    ("roles", Kind::Text),
    ("birth_year", Kind::Int),
    ("birth_month", Kind::Int),
    ("age", Kind::Int),
    ("age_date", Kind::Text),
    ("sex", Kind::Text),
    ("ethnicity_group", Kind::Text),
    ("ethnicity_code", Kind::Text),
    ("ethnicity_precision", Kind::Text),
    ("ethnicity_scheme", Kind::Text),
    ("ethnicity_source", Kind::Text),
    ("ethnicity_original", Kind::Text),
    ("ethnicity_observed_group", Kind::Text),
    ("nationality", Kind::Text),
    ("postcode_district", Kind::Text),
    ("local_authority", Kind::Text),
    ("looked_after", Kind::Text),
    ("legal_status", Kind::Text),
    ("missing_history", Kind::Text),
    ("has_nhs_number", Kind::Int),
    ("has_upn", Kind::Int),
    ("has_pnc_id", Kind::Int),
    ("assessment_factors", Kind::Text),
    ("identification", Kind::Text),
];

const IDENTITY_TABLE_COLUMNS: &[Column] = &[
    ("record_id", Kind::Int),
    ("person_id", Kind::Blob),
    ("given_name", Kind::Blob),
    ("family_name", Kind::Blob),
    ("other_names", Kind::Blob),
    ("date_of_birth", Kind::Blob),
    ("postcode", Kind::Blob),
    ("nhs_number", Kind::Blob),
    ("upn", Kind::Blob),
    ("pnc_id", Kind::Blob),
];

const INCIDENT_COLUMNS: &[Column] = &[
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("incident_key", Kind::Text),
    ("first_date", Kind::Text),
    ("last_date", Kind::Text),
    ("offence", Kind::Text),
    ("cse_flag", Kind::Text),
    ("location_type", Kind::Text),
    ("local_authority", Kind::Text),
    ("outcome", Kind::Text),
    ("outcome_date", Kind::Text),
];

const INVOLVEMENT_COLUMNS: &[Column] = &[
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("incident_key", Kind::Text),
    ("person_key", Kind::Text),
    ("role", Kind::Text),
];

const EPISODE_COLUMNS: &[Column] = &[
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("person_key", Kind::Text),
    ("start", Kind::Text),
    ("\"end\"", Kind::Text),
    ("kind", Kind::Text),
    ("missing_from", Kind::Text),
    ("return_interview_offered", Kind::Text),
    ("return_interview_accepted", Kind::Text),
];

const GOVERNANCE_COLUMNS: &[Column] = &[
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("agency_id", Kind::Text),
    ("date", Kind::Text),
    ("cse_subgroup", Kind::Text),
    ("cse_lead", Kind::Text),
    ("cse_strategy", Kind::Text),
    ("assumes_cse_present", Kind::Text),
];

/// What storing a return did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredReturn {
    pub return_id: i64,
    /// Earlier returns of the same agency and period that this one replaces.
    pub superseded: Vec<i64>,
}

const MEMBER_COLUMNS: &[Column] = &[
    ("record_id", Kind::Int),
    ("return_id", Kind::Int),
    ("source_row", Kind::Int),
    ("group_key", Kind::Text),
    ("person_key", Kind::Text),
];

const LABEL_COLUMNS: &[Column] = &[("record_id", Kind::Int), ("label", Kind::Blob)];

const REJECT_COLUMNS: &[Column] = &[
    ("reject_id", Kind::Int),
    ("return_id", Kind::Int),
    ("table_name", Kind::Text),
    ("file", Kind::Text),
    ("source_row", Kind::Int),
    ("rules", Kind::Text),
    ("columns", Kind::Text),
];

const REJECTED_CELL_COLUMNS: &[Column] = &[("reject_id", Kind::Int), ("sealed", Kind::Blob)];

/// Group members and rejected rows held back before they are written (see `encode_batches`).
const HELD_ROWS: usize = 8192;

/// A row as intake gave it, with what the calling thread decided for it: its id (a person's
/// record id, a rejected row's, a group member's), and the first of the nonces reserved for
/// the row (a person's identifiers, a group member's label, a rejected row's cells).
struct Pending {
    source_row: u64,
    record_id: i64,
    nonce: u128,
    item: Item,
}

enum Item {
    /// Boxed, as intake gives it: a batch's vector stays small to fill and to move.
    Person(Box<PersonRecord>),
    Other(Box<Record>),
    Reject(Box<RejectedCells>),
}

/// A rejected row as the sink got it: where, which rules, and its cells and reasons in the
/// clear, to be sealed.
struct RejectedCells {
    table: &'static str,
    file: String,
    rules: String,
    columns: String,
    plain: String,
}

/// A batch encoded for the writer: each table's rows.
#[derive(Default)]
struct Encoded {
    people: EncodedRows,
    identities: EncodedRows,
    incidents: EncodedRows,
    involvements: EncodedRows,
    episodes: EncodedRows,
    governance: EncodedRows,
    members: EncodedRows,
    labels: EncodedRows,
    rejects: EncodedRows,
    rejected_cells: EncodedRows,
}

impl Encoded {
    fn tables(&mut self) -> [&mut EncodedRows; 10] {
        [
            &mut self.people,
            &mut self.identities,
            &mut self.incidents,
            &mut self.involvements,
            &mut self.episodes,
            &mut self.governance,
            &mut self.members,
            &mut self.labels,
            &mut self.rejects,
            &mut self.rejected_cells,
        ]
    }

    fn clear(&mut self) {
        for rows in self.tables() {
            rows.clear();
        }
    }

    /// The rows of the few tables held back until there are enough of them (group members,
    /// rejected rows and their vault rows), exchanged with `held`.
    fn swap_held(&mut self, held: &mut Encoded) {
        std::mem::swap(&mut self.members, &mut held.members);
        std::mem::swap(&mut self.labels, &mut held.labels);
        std::mem::swap(&mut self.rejects, &mut held.rejects);
        std::mem::swap(&mut self.rejected_cells, &mut held.rejected_cells);
    }

    fn held_rows(&self) -> usize {
        self.members.rows() + self.rejects.rows()
    }
}

/// Runs intake into a sealing sink with an encoding and a writing thread, then commits. The
/// caller has begun the write transaction and rolls it back on error.
pub(crate) fn write_return(
    db: &mut dyn Db,
    writer: &mut AuditWriter,
    new: &NewReturn,
    review_years: i64,
    keys: &mut Keys,
    read: &mut dyn FnMut(&mut dyn Sink) -> std::result::Result<CheckReport, IntakeError>,
) -> Result<(CheckReport, StoredReturn)> {
    let files = serde_json::to_string(&new.files).unwrap_or_default();
    let (from, to) = match &new.period {
        Some((from, to)) => (Some(from.as_str()), Some(to.as_str())),
        None => (None, None),
    };
    let return_id = db
        .row(
            "INSERT INTO returns (agency_id, period_from, period_to, files, content_hash, ingested_at, \"user\", status, review_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'current', ?8) RETURNING return_id",
            &[
                (&new.agency_id).into(),
                from.into(),
                to.into(),
                files.into(),
                (&new.content_hash).into(),
                crate::audit::now().into(),
                (&new.user).into(),
                review_date(to.unwrap_or(&crate::audit::now()[..10]), review_years).into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| StoreError::Corrupt("no return id was given".to_string()))?;
    // The return's own data key, wrapped by the workspace's key: erasing the wrapped key
    // erases every identifier sealed with it.
    let (wrapped, mut return_keys) = keys.new_return_key(return_id)?;
    db.execute(
        "INSERT INTO return_keys (return_id, wrapped) VALUES (?1, ?2)",
        &[return_id.into(), wrapped.as_slice().into()],
    )?;
    let keys = &mut return_keys;
    let first_nonce = keys.reserve_nonces(RETURN_NONCES);
    let ids = db.record_ids()?;
    let batch_rows = db.batch_rows();

    let (report, encoded, written) = std::thread::scope(|scope| {
        let (sender, pending) = sync_channel::<Vec<Pending>>(BATCHES_AHEAD);
        let (to_writer, batches) = sync_channel::<Encoded>(BATCHES_AHEAD);
        let (recycle, recycled) = sync_channel::<Encoded>(BATCHES_AHEAD + 2);
        let (give_back, spent) = sync_channel::<Vec<Pending>>(BATCHES_AHEAD + 2);
        let writer_db: &mut dyn Db = &mut *db;
        let writer = scope.spawn(move || write_batches(writer_db, batches, recycle));
        let sealing: &Keys = keys;
        let agency = new.agency_id.as_str();
        let encoder = scope.spawn(move || {
            encode_batches(
                sealing, agency, return_id, pending, give_back, to_writer, recycled,
            )
        });
        let mut sink = SealingSink {
            ids,
            batch_rows,
            batch: Vec::with_capacity(batch_rows),
            next_nonce: first_nonce,
            sender: Some(sender),
            spent,
        };
        let report = read(&mut sink).and_then(|report| sink.flush().map(|()| report));
        sink.sender = None;
        let stopped = || {
            Err(StoreError::Workspace(
                "a thread of the ingest stopped unexpectedly".to_string(),
            ))
        };
        let encoded = encoder.join().unwrap_or_else(|_| stopped());
        let written = writer.join().unwrap_or_else(|_| stopped());
        (report, encoded, written)
    });
    // A write error explains a failed send, so it is reported first; then an encoding error.
    written?;
    encoded?;
    let report = report?;
    let stored = finish(db, writer, keys, return_id, new, &report)?;
    Ok((report, stored))
}

/// `years` after a date (`yyyy-mm-dd`); 29 February becomes 28 February in a common year.
pub(crate) fn review_date(from: &str, years: i64) -> String {
    let year: i64 = from.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970) + years;
    let rest = from.get(4..).unwrap_or("-01-01");
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if rest == "-02-29" && !leap {
        format!("{year:04}-02-28")
    } else {
        format!("{year:04}{rest}")
    }
}

/// Hands each batch to the engine table by table: people before their identities, a member
/// or rejected row before its sealed value. Spent buffers go back to the encoder.
fn write_batches(
    db: &mut dyn Db,
    batches: Receiver<Encoded>,
    recycle: SyncSender<Encoded>,
) -> Result<()> {
    for mut batch in batches {
        db.insert_encoded("people", PEOPLE_COLUMNS, &batch.people)?;
        db.insert_encoded("people_identity", IDENTITY_TABLE_COLUMNS, &batch.identities)?;
        db.insert_encoded("incidents", INCIDENT_COLUMNS, &batch.incidents)?;
        db.insert_encoded("involvements", INVOLVEMENT_COLUMNS, &batch.involvements)?;
        db.insert_encoded("missing_episodes", EPISODE_COLUMNS, &batch.episodes)?;
        db.insert_encoded("governance", GOVERNANCE_COLUMNS, &batch.governance)?;
        db.insert_encoded("group_members", MEMBER_COLUMNS, &batch.members)?;
        db.insert_encoded("group_labels", LABEL_COLUMNS, &batch.labels)?;
        db.insert_encoded("rejects", REJECT_COLUMNS, &batch.rejects)?;
        db.insert_encoded(
            "rejected_cells",
            REJECTED_CELL_COLUMNS,
            &batch.rejected_cells,
        )?;
        batch.clear();
        // When the encoder has enough spare buffers, this one is dropped.
        let _ = recycle.try_send(batch);
    }
    Ok(())
}

/// Encodes each batch of rows as it comes, in order, and sends it to the writer.
fn encode_batches(
    keys: &Keys,
    agency: &str,
    return_id: i64,
    pending: Receiver<Vec<Pending>>,
    give_back: SyncSender<Vec<Pending>>,
    to_writer: SyncSender<Encoded>,
    recycled: Receiver<Encoded>,
) -> Result<()> {
    let mut encoder = Encoder {
        keys,
        agency,
        return_id,
        aad: Vec::with_capacity(64),
    };
    // Group members and rejected rows are few and each table is a statement (a round trip on
    // a server): they are held back until there are a batch's worth, or the return ends.
    let mut held = Encoded::default();
    for rows in pending {
        let mut out = recycled.try_recv().unwrap_or_default();
        for row in &rows {
            encoder.encode(row, &mut out, &mut held)?;
        }
        if held.held_rows() >= HELD_ROWS {
            out.swap_held(&mut held);
        }
        // The rows go back to the thread that made them, to be dropped there (freeing memory
        // on the thread that allocated it is the allocator's fast path) and the vector filled
        // again; if the sink has enough vectors, they are dropped here.
        let _ = give_back.try_send(rows);
        if to_writer.send(out).is_err() {
            // The writer stopped; its error says why.
            return Ok(());
        }
    }
    if held.held_rows() > 0 {
        let mut out = recycled.try_recv().unwrap_or_default();
        out.swap_held(&mut held);
        // A writer that stopped has its error.
        let _ = to_writer.send(out);
    }
    Ok(())
}

/// Makes the keys of a batch's rows, seals their identifiers and writes them into buffers.
struct Encoder<'a> {
    keys: &'a Keys,
    agency: &'a str,
    return_id: i64,
    /// Reused for each sealed value's associated data (its place: record and column).
    aad: Vec<u8>,
}

/// A number's decimal digits appended to `out`.
fn push_decimal(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// Codes joined by `;`, written into a field.
fn coded_list(rows: &mut EncodedRows, values: &[Coded]) {
    let _ = rows.with(|out| {
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                out.push(b';');
            }
            out.extend_from_slice(value.as_str().as_bytes());
        }
        Ok(())
    });
}

/// A nationality as its `Display` writes it (alpha-3 codes joined by `;`), with no string
/// made for it.
fn nationality(rows: &mut EncodedRows, value: &Nationality) {
    match value {
        Nationality::Countries(codes) => {
            let _ = rows.with(|out| {
                for (index, code) in codes.iter().enumerate() {
                    if index > 0 {
                        out.push(b';');
                    }
                    out.extend_from_slice(code.as_bytes());
                }
                Ok(())
            });
        }
        other => rows.display(other),
    }
}

fn date(rows: &mut EncodedRows, value: Option<PartialDate>) {
    match value {
        Some(date) => rows.display(&date),
        None => rows.null(),
    }
}

impl Encoder<'_> {
    /// A pseudonymous key as a text field.
    fn key(&self, rows: &mut EncodedRows, kind: &str, id: &str) {
        let mut text = [0u8; PSEUDONYM_LEN];
        self.keys.pseudonym_into(kind, self.agency, id, &mut text);
        rows.blob(&text);
    }

    /// Encodes a row into its table's rows: `out` for the batch's, `held` for the tables held
    /// back (group members, rejected rows).
    fn encode(&mut self, row: &Pending, out: &mut Encoded, held: &mut Encoded) -> Result<()> {
        let Pending {
            source_row,
            record_id,
            nonce,
            ref item,
        } = *row;
        let source_row_int = i64::try_from(source_row).unwrap_or(i64::MAX);
        let return_id = self.return_id;
        let record = match item {
            Item::Person(person) => {
                return self.person(source_row_int, record_id, nonce, person, out);
            }
            Item::Reject(cells) => {
                let table = cells.table;
                let rows = &mut held.rejects;
                rows.row(REJECT_COLUMNS.len());
                rows.int(record_id);
                rows.int(return_id);
                rows.text(table);
                rows.text(&cells.file);
                rows.int(source_row_int);
                rows.text(&cells.rules);
                rows.text(&cells.columns);
                self.aad.clear();
                self.aad.extend_from_slice(b"rejects/");
                push_decimal(&mut self.aad, return_id);
                self.aad.push(b'/');
                self.aad.extend_from_slice(table.as_bytes());
                self.aad.push(b'/');
                self.aad.extend_from_slice(cells.file.as_bytes());
                self.aad.push(b'/');
                push_decimal(&mut self.aad, source_row_int);
                let vault = &mut held.rejected_cells;
                vault.row(REJECTED_CELL_COLUMNS.len());
                vault.int(record_id);
                let (keys, aad) = (self.keys, &self.aad);
                return vault.with(|buffer| {
                    keys.seal_with(nonce, aad, buffer, |o| {
                        o.extend_from_slice(cells.plain.as_bytes())
                    })
                });
            }
            Item::Other(record) => record,
        };
        match &**record {
            Record::Person(_) => {
                return Err(StoreError::Corrupt(
                    "a person record came without its record id".to_string(),
                ));
            }
            Record::Incident(incident) => {
                let rows = &mut out.incidents;
                rows.row(INCIDENT_COLUMNS.len());
                rows.int(return_id);
                rows.int(source_row_int);
                self.key(rows, "incident", &incident.incident_id);
                date(rows, incident.first_date);
                date(rows, incident.last_date);
                rows.text(incident.offence.as_str());
                rows.text(incident.cse_flag.as_str());
                rows.text(incident.location_type.as_str());
                rows.opt_text(incident.local_authority.as_deref());
                rows.text(incident.outcome.as_str());
                date(rows, incident.outcome_date);
            }
            Record::Involvement(involvement) => {
                let rows = &mut out.involvements;
                rows.row(INVOLVEMENT_COLUMNS.len());
                rows.int(return_id);
                rows.int(source_row_int);
                self.key(rows, "incident", &involvement.incident_id);
                self.key(rows, "person", &involvement.person_id);
                rows.text(involvement.role.as_str());
            }
            Record::MissingEpisode(episode) => {
                let rows = &mut out.episodes;
                rows.row(EPISODE_COLUMNS.len());
                rows.int(return_id);
                rows.int(source_row_int);
                self.key(rows, "person", &episode.person_id);
                rows.display(&episode.start);
                date(rows, episode.end);
                rows.text(episode.kind.as_str());
                rows.text(episode.from.as_str());
                rows.text(episode.return_interview_offered.as_str());
                rows.text(episode.return_interview_accepted.as_str());
            }
            Record::Governance(board) => {
                let rows = &mut out.governance;
                rows.row(GOVERNANCE_COLUMNS.len());
                rows.int(return_id);
                rows.int(source_row_int);
                rows.text(&board.agency_id);
                rows.display(&board.date);
                rows.text(board.cse_subgroup.as_str());
                rows.text(board.cse_lead.as_str());
                rows.text(board.cse_strategy.as_str());
                rows.text(board.assumes_cse_present.as_str());
            }
            Record::GroupMember(member) => {
                let rows = &mut held.members;
                rows.row(MEMBER_COLUMNS.len());
                rows.int(record_id);
                rows.int(return_id);
                rows.int(source_row_int);
                self.key(rows, "group", &member.group_id);
                self.key(rows, "person", &member.person_id);
                if let Some(label) = member.label.as_deref().filter(|l| !l.is_empty()) {
                    self.aad.clear();
                    self.aad.extend_from_slice(b"groups/");
                    push_decimal(&mut self.aad, return_id);
                    self.aad.push(b'/');
                    push_decimal(&mut self.aad, source_row_int);
                    self.aad.extend_from_slice(b"/label");
                    let vault = &mut held.labels;
                    vault.row(LABEL_COLUMNS.len());
                    vault.int(record_id);
                    let (keys, aad) = (self.keys, &self.aad);
                    vault.with(|buffer| {
                        keys.seal_with(nonce, aad, buffer, |o| {
                            o.extend_from_slice(label.as_bytes())
                        })
                    })?;
                }
            }
        }
        Ok(())
    }

    /// A person's analysis row, and its identifiers sealed into the vault's row: each column's
    /// value with the nonce `nonce + column`, bound to `people/RECORD/COLUMN`.
    fn person(
        &mut self,
        source_row: i64,
        record_id: i64,
        nonce: u128,
        person: &PersonRecord,
        out: &mut Encoded,
    ) -> Result<()> {
        let rows = &mut out.people;
        rows.row(PEOPLE_COLUMNS.len());
        rows.int(record_id);
        rows.int(self.return_id);
        rows.int(source_row);
        self.key(rows, "person", &person.person_id);
        coded_list(rows, &person.roles);
        rows.opt_int(person.date_of_birth.map(|d| i64::from(d.year)));
        rows.opt_int(person.date_of_birth.and_then(|d| d.month).map(i64::from));
        rows.opt_int(person.age.map(i64::from));
        date(rows, person.age_date);
        rows.text(person.sex.as_str());
        rows.text(person.ethnicity.group_str());
        rows.opt_text(person.ethnicity.detailed_code());
        rows.text(person.ethnicity.precision().code());
        rows.opt_text(person.ethnicity_scheme.map(|s| s.code()));
        rows.text(person.ethnicity_source.code());
        rows.text(&person.ethnicity_original);
        rows.text(person.ethnicity_observed.group_str());
        nationality(rows, &person.nationality);
        rows.opt_text(person.postcode.as_ref().map(|p| p.district.as_str()));
        rows.opt_text(person.local_authority.as_deref());
        rows.text(person.looked_after.as_str());
        rows.text(person.legal_status.as_str());
        rows.text(person.missing_history.as_str());
        rows.int(i64::from(person.nhs_number.is_some()));
        rows.int(i64::from(person.upn.is_some()));
        rows.int(i64::from(person.pnc_id.is_some()));
        coded_list(rows, &person.assessment_factors);
        rows.text(identification(person));

        let vault = &mut out.identities;
        vault.row(IDENTITY_TABLE_COLUMNS.len());
        vault.int(record_id);
        let mut place = std::mem::take(&mut self.aad);
        place.clear();
        place.extend_from_slice(b"people/");
        push_decimal(&mut place, record_id);
        place.push(b'/');
        let prefix = place.len();
        let mut sealed = 0u128;
        let mut column = |name: &str, value: Option<Plain<'_>>| -> Result<()> {
            let counter = nonce + sealed;
            sealed += 1;
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                vault.null();
                return Ok(());
            };
            place.truncate(prefix);
            place.extend_from_slice(name.as_bytes());
            vault.with(|buffer| {
                self.keys
                    .seal_with(counter, &place, buffer, |o| value.write(o))
            })
        };
        let [
            person_id,
            given,
            family,
            other,
            birth,
            postcode,
            nhs,
            upn,
            pnc,
        ] = IDENTITY_COLUMNS;
        column(person_id, Some(Plain::Text(&person.person_id)))?;
        column(given, person.given_name.as_deref().map(Plain::Text))?;
        column(family, person.family_name.as_deref().map(Plain::Text))?;
        column(other, Some(Plain::Joined(&person.other_names)))?;
        column(birth, person.date_of_birth.map(Plain::Date))?;
        column(postcode, person.postcode.as_ref().map(Plain::Postcode))?;
        column(nhs, person.nhs_number.as_deref().map(Plain::Text))?;
        column(upn, person.upn.as_deref().map(Plain::Text))?;
        column(pnc, person.pnc_id.as_deref().map(Plain::Text))?;
        self.aad = place;
        Ok(())
    }
}

/// An identifier as it is sealed, written straight into the buffer.
#[derive(Clone, Copy)]
enum Plain<'a> {
    Text(&'a str),
    /// Other names, joined by `;`.
    Joined(&'a [String]),
    Date(PartialDate),
    Postcode(&'a sightline_standard::identifiers::Postcode),
}

impl Plain<'_> {
    /// Whether the value is empty: nothing is sealed for it.
    fn is_empty(&self) -> bool {
        match self {
            Plain::Text(text) => text.is_empty(),
            Plain::Joined(names) => match names {
                [] => true,
                [name] => name.is_empty(),
                _ => false,
            },
            Plain::Date(_) | Plain::Postcode(_) => false,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        use std::io::Write as _;
        match self {
            Plain::Text(text) => out.extend_from_slice(text.as_bytes()),
            Plain::Joined(names) => {
                for (index, name) in names.iter().enumerate() {
                    if index > 0 {
                        out.push(b';');
                    }
                    out.extend_from_slice(name.as_bytes());
                }
            }
            // Writing to a vector cannot fail.
            Plain::Date(date) => {
                let _ = write!(out, "{date}");
            }
            Plain::Postcode(postcode) => {
                out.extend_from_slice(postcode.district.as_bytes());
                if let Some(inward) = &postcode.inward {
                    out.push(b' ');
                    out.extend_from_slice(inward.as_bytes());
                }
            }
        }
    }
}

/// How well a record identifies its person: `name_and_date_of_birth`, `partial` (a name or
/// an alias without a full date of birth) or `unidentified`.
pub fn identification(person: &sightline_standard::records::PersonRecord) -> &'static str {
    let named = |name: &Option<String>| name.as_deref().is_some_and(|n| !n.trim().is_empty());
    let has_name = named(&person.given_name) || named(&person.family_name);
    let has_alias = person.other_names.iter().any(|n| !n.trim().is_empty());
    let full_birth = person
        .date_of_birth
        .is_some_and(|d| d.month.is_some() && d.day.is_some());
    if has_name && full_birth {
        "name_and_date_of_birth"
    } else if has_name || has_alias {
        "partial"
    } else {
        "unidentified"
    }
}

/// Counts, file-level notes, supersession of earlier returns of the same agency and period, and
/// the audit events; then the commit. Supersession is decided under the audit lock, so that of
/// two returns for the same agency and period stored at once, the later to commit supersedes
/// the earlier.
fn finish(
    db: &mut dyn Db,
    writer: &mut AuditWriter,
    keys: &mut Keys,
    return_id: i64,
    new: &NewReturn,
    report: &CheckReport,
) -> Result<StoredReturn> {
    for (order, table) in report.tables.iter().enumerate() {
        db.execute(
            "INSERT INTO return_tables (return_id, table_name, read, accepted, rejected, table_order) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                return_id.into(),
                table.table.name().into(),
                table.read.into(),
                table.accepted.into(),
                table.rejected.into(),
                (order as i64).into(),
            ],
        )?;
    }
    for (index, note) in report
        .diagnostics
        .iter()
        .filter(|d| d.row.is_none())
        .enumerate()
    {
        let plain =
            serde_json::json!({ "column": note.column, "message": note.message }).to_string();
        let sealed = keys.seal(&plain, &format!("notes/{return_id}/{index}"))?;
        let note_id = db
            .row(
                "INSERT INTO return_notes (return_id, rule, table_name, file) VALUES (?1, ?2, ?3, ?4) RETURNING note_id",
                &[
                    return_id.into(),
                    note.rule.code().into(),
                    note.table.name().into(),
                    (&note.file).into(),
                ],
                |row| row.i64(0),
            )?
            .ok_or_else(|| StoreError::Corrupt("no note id was given".to_string()))?;
        db.execute(
            "INSERT INTO note_cells (note_id, sealed) VALUES (?1, ?2)",
            &[note_id.into(), sealed.as_slice().into()],
        )?;
    }
    let (from, to) = match &new.period {
        Some((from, to)) => (Some(from.as_str()), Some(to.as_str())),
        None => (None, None),
    };
    db.lock_audit()?;
    let superseded: Vec<i64> = db.rows(
        "SELECT return_id FROM returns WHERE agency_id = ?1 AND period_from IS NOT DISTINCT FROM ?2 AND period_to IS NOT DISTINCT FROM ?3 AND status = 'current' AND return_id <> ?4 ORDER BY return_id",
        &[
            (&new.agency_id).into(),
            from.into(),
            to.into(),
            return_id.into(),
        ],
        |row| row.i64(0),
    )?;
    let rows: u64 = report.tables.iter().map(|t| t.read).sum();
    append_audit(
        db,
        writer,
        &new.user,
        Action::Collection,
        &format!(
            "return {return_id} from agency {} ({rows} rows, {})",
            new.agency_id,
            new.files.join(", ")
        ),
        "",
    )?;
    for &old in &superseded {
        db.execute(
            "UPDATE returns SET status = 'superseded', superseded_by = ?1 WHERE return_id = ?2",
            &[return_id.into(), old.into()],
        )?;
        append_audit(
            db,
            writer,
            &new.user,
            Action::Alteration,
            &format!("return {old} superseded by return {return_id}"),
            "a corrected return for the same agency and period",
        )?;
    }
    db.commit()?;
    Ok(StoredReturn {
        return_id,
        superseded,
    })
}

/// Gives each row its record id (people) and nonces, in row order on the calling thread, and
/// sends rows to the encoder in batches.
struct SealingSink {
    ids: Box<dyn RecordIds>,
    batch_rows: usize,
    batch: Vec<Pending>,
    /// The next nonce to hand out, of those the return reserved.
    next_nonce: u128,
    sender: Option<SyncSender<Vec<Pending>>>,
    /// Batches' vectors given back by the encoder, emptied, to be filled again.
    spent: Receiver<Vec<Pending>>,
}

fn sink_error(error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Sink(error.to_string())
}

impl SealingSink {
    fn push(&mut self, source_row: u64, item: Item) -> std::result::Result<(), IntakeError> {
        self.batch.push(Pending {
            source_row,
            record_id: 0,
            nonce: 0,
            item,
        });
        if self.batch.len() >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Takes record ids for the batch's people, gives every row that seals its nonces, and
    /// sends the batch.
    fn flush(&mut self) -> std::result::Result<(), IntakeError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let next = match self.spent.try_recv() {
            Ok(mut spent) => {
                spent.clear();
                spent
            }
            Err(_) => Vec::with_capacity(self.batch_rows),
        };
        let mut batch = std::mem::replace(&mut self.batch, next);
        let kind = |item: &Item| match item {
            Item::Person(_) => Some(IdKind::Person),
            Item::Reject(_) => Some(IdKind::Reject),
            Item::Other(record) if matches!(**record, Record::GroupMember(_)) => {
                Some(IdKind::GroupMember)
            }
            Item::Other(_) => None,
        };
        let mut ids = IdKind::ALL.map(|_| Vec::new().into_iter());
        for id_kind in IdKind::ALL {
            let n = batch
                .iter()
                .filter(|row| kind(&row.item) == Some(id_kind))
                .count();
            if n > 0 {
                ids[id_kind as usize] = self.ids.take(id_kind, n).map_err(sink_error)?.into_iter();
            }
        }
        for row in &mut batch {
            let nonces = match kind(&row.item) {
                Some(id_kind) => {
                    row.record_id = ids[id_kind as usize]
                        .next()
                        .ok_or_else(|| sink_error("the store gave too few ids"))?;
                    if id_kind == IdKind::Person {
                        PERSON_NONCES
                    } else {
                        1
                    }
                }
                None => 0,
            };
            row.nonce = self.next_nonce;
            self.next_nonce += nonces;
        }
        match &self.sender {
            Some(sender) => sender
                .send(batch)
                .map_err(|_| sink_error("the store stopped writing (see the error above)")),
            None => Err(sink_error("the store is closed")),
        }
    }
}

impl Sink for SealingSink {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> std::result::Result<(), IntakeError> {
        let item = match record {
            Record::Person(person) => Item::Person(person),
            other => Item::Other(Box::new(other)),
        };
        self.push(at.row, item)
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> std::result::Result<(), IntakeError> {
        let rules: Vec<&str> = reasons.iter().map(|d| d.rule.code()).collect();
        let columns: Vec<&str> = reasons.iter().filter_map(|d| d.column.as_deref()).collect();
        let plain = serde_json::json!({ "cells": cells, "reasons": reasons }).to_string();
        // The file's name only: a folder path can name a person, and this column is in the clear.
        let file = std::path::Path::new(&at.origin.file)
            .file_name()
            .map_or_else(
                || at.origin.file.clone(),
                |n| n.to_string_lossy().to_string(),
            );
        self.push(
            at.row,
            Item::Reject(Box::new(RejectedCells {
                table: at.origin.table.name(),
                file,
                rules: serde_json::to_string(&rules).unwrap_or_default(),
                columns: serde_json::to_string(&columns).unwrap_or_default(),
                plain,
            })),
        )
    }
}
