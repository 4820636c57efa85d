//! How does a return get into the store fast and whole?
//!
//! Intake hands each row to a [`SealingSink`] on the calling thread, which makes the
//! pseudonymous keys and, a batch at a time, takes record ids from the engine and seals the
//! identifiers; batches of ready rows go over a channel to a writer thread that owns the
//! connection for the length of the return and hands each batch to the engine table by table
//! ([`Db::insert_rows`]: prepared inserts on SQLite, binary COPY on PostgreSQL). All of it
//! happens inside one write transaction, committed only after every row, its counts, its
//! supersessions and its audit events are written. Nothing here names an engine.

use crate::db::{Db, RecordIds, Value};
use crate::keys::Keys;
use crate::sql_store::{AuditWriter, IDENTITY_COLUMNS, Sealed, append_audit};
use crate::{Action, NewReturn, Result, StoreError};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::report::CheckReport;
use sightline_intake::{Diagnostic, IntakeError};
use sightline_standard::records::{
    GovernanceRecord, IncidentRecord, MissingEpisodeRecord, PersonRecord,
};
use sightline_standard::{Coded, Record};
use std::fmt::Write as _;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

const BATCHES_AHEAD: usize = 8;

const PEOPLE_COLUMNS: &[&str] = &[
    "record_id",
    "return_id",
    "source_row",
    "person_key",
    "roles",
    "birth_year",
    "birth_month",
    "age",
    "age_date",
    "sex",
    "ethnicity_group",
    "ethnicity_code",
    "ethnicity_precision",
    "ethnicity_scheme",
    "ethnicity_source",
    "ethnicity_original",
    "ethnicity_observed_group",
    "nationality",
    "postcode_district",
    "local_authority",
    "looked_after",
    "legal_status",
    "missing_history",
    "has_nhs_number",
    "has_upn",
    "has_pnc_id",
    "assessment_factors",
    "identification",
];

const IDENTITY_TABLE_COLUMNS: &[&str] = &[
    "record_id",
    "person_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
];

const INCIDENT_COLUMNS: &[&str] = &[
    "return_id",
    "source_row",
    "incident_key",
    "first_date",
    "last_date",
    "offence",
    "cse_flag",
    "location_type",
    "local_authority",
    "outcome",
    "outcome_date",
];

const INVOLVEMENT_COLUMNS: &[&str] = &[
    "return_id",
    "source_row",
    "incident_key",
    "person_key",
    "role",
];

const EPISODE_COLUMNS: &[&str] = &[
    "return_id",
    "source_row",
    "person_key",
    "start",
    "\"end\"",
    "kind",
    "missing_from",
    "return_interview_offered",
    "return_interview_accepted",
];

const GOVERNANCE_COLUMNS: &[&str] = &[
    "return_id",
    "source_row",
    "agency_id",
    "date",
    "cse_subgroup",
    "cse_lead",
    "cse_strategy",
    "assumes_cse_present",
];

/// What storing a return did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredReturn {
    pub return_id: i64,
    /// Earlier returns of the same agency and period that this one replaces.
    pub superseded: Vec<i64>,
}

/// A row ready to write: keys made, identifiers sealed.
enum Row {
    Person {
        source_row: u64,
        record_id: i64,
        person_key: String,
        person: Box<PersonRecord>,
        sealed: Box<[Sealed; 9]>,
    },
    Incident {
        source_row: u64,
        key: String,
        incident: Box<IncidentRecord>,
    },
    Involvement {
        source_row: u64,
        incident_key: String,
        person_key: String,
        role: &'static str,
    },
    Episode {
        source_row: u64,
        person_key: String,
        episode: Box<MissingEpisodeRecord>,
    },
    Member {
        source_row: u64,
        group_key: String,
        person_key: String,
        label: Sealed,
    },
    Governance {
        source_row: u64,
        governance: Box<GovernanceRecord>,
    },
    Reject(Box<Reject>),
}

/// A rejected row ready to write: where, which rules, and its cells sealed.
struct Reject {
    table: &'static str,
    file: String,
    source_row: u64,
    rules: String,
    columns: String,
    sealed: Vec<u8>,
}

/// A row as intake gave it, waiting for the batch's record ids.
enum Pending {
    Person {
        source_row: u64,
        person: Box<PersonRecord>,
    },
    Ready(Row),
}

fn coded_list(values: &[Coded]) -> String {
    values
        .iter()
        .map(Coded::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

fn date(value: Option<sightline_standard::PartialDate>) -> Value<'static> {
    value.map(|d| d.to_string()).into()
}

/// Runs intake into a sealing sink with a writer thread, then commits. The caller has begun the
/// write transaction and rolls it back on error.
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
    let ids = db.record_ids()?;
    let batch_rows = db.batch_rows();

    let (report, written) = std::thread::scope(|scope| {
        let (sender, batches) = sync_channel::<Vec<Row>>(BATCHES_AHEAD);
        let writer_db: &mut dyn Db = &mut *db;
        let writer = scope.spawn(move || write_rows(writer_db, return_id, batches));
        let mut sink = SealingSink {
            keys: &mut *keys,
            ids,
            agency: &new.agency_id,
            return_id,
            batch_rows,
            batch: Vec::with_capacity(batch_rows),
            sender: Some(sender),
            aad: String::new(),
        };
        let report = read(&mut sink).and_then(|report| sink.flush().map(|()| report));
        sink.sender = None;
        let written = writer.join().unwrap_or_else(|_| {
            Err(StoreError::Workspace(
                "the writing thread stopped unexpectedly".to_string(),
            ))
        });
        (report, written)
    });
    // A write error explains a failed send, so it is reported first.
    written?;
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

/// Writes each batch table by table: people before their identities, a member or rejected row
/// before its sealed value. Each table's rows are made one at a time as the engine takes them.
fn write_rows(db: &mut dyn Db, return_id: i64, batches: Receiver<Vec<Row>>) -> Result<()> {
    for batch in batches {
        db.insert_rows(
            "people",
            PEOPLE_COLUMNS,
            &mut batch.iter().filter_map(|row| person_values(return_id, row)),
        )?;
        db.insert_rows(
            "people_identity",
            IDENTITY_TABLE_COLUMNS,
            &mut batch.iter().filter_map(identity_values),
        )?;
        db.insert_rows(
            "incidents",
            INCIDENT_COLUMNS,
            &mut batch.iter().filter_map(|row| match row {
                Row::Incident {
                    source_row,
                    key,
                    incident,
                } => Some(vec![
                    Value::Int(return_id),
                    (*source_row).into(),
                    key.into(),
                    date(incident.first_date),
                    date(incident.last_date),
                    incident.offence.as_str().into(),
                    incident.cse_flag.as_str().into(),
                    incident.location_type.as_str().into(),
                    incident.local_authority.as_ref().into(),
                    incident.outcome.as_str().into(),
                    date(incident.outcome_date),
                ]),
                _ => None,
            }),
        )?;
        db.insert_rows(
            "involvements",
            INVOLVEMENT_COLUMNS,
            &mut batch.iter().filter_map(|row| match row {
                Row::Involvement {
                    source_row,
                    incident_key,
                    person_key,
                    role,
                } => Some(vec![
                    Value::Int(return_id),
                    (*source_row).into(),
                    incident_key.into(),
                    person_key.into(),
                    (*role).into(),
                ]),
                _ => None,
            }),
        )?;
        db.insert_rows(
            "missing_episodes",
            EPISODE_COLUMNS,
            &mut batch.iter().filter_map(|row| match row {
                Row::Episode {
                    source_row,
                    person_key,
                    episode,
                } => Some(vec![
                    Value::Int(return_id),
                    (*source_row).into(),
                    person_key.into(),
                    episode.start.to_string().into(),
                    date(episode.end),
                    episode.kind.as_str().into(),
                    episode.from.as_str().into(),
                    episode.return_interview_offered.as_str().into(),
                    episode.return_interview_accepted.as_str().into(),
                ]),
                _ => None,
            }),
        )?;
        db.insert_rows(
            "governance",
            GOVERNANCE_COLUMNS,
            &mut batch.iter().filter_map(|row| match row {
                Row::Governance {
                    source_row,
                    governance: board,
                } => Some(vec![
                    Value::Int(return_id),
                    (*source_row).into(),
                    (&board.agency_id).into(),
                    board.date.to_string().into(),
                    board.cse_subgroup.as_str().into(),
                    board.cse_lead.as_str().into(),
                    board.cse_strategy.as_str().into(),
                    board.assumes_cse_present.as_str().into(),
                ]),
                _ => None,
            }),
        )?;
        for row in &batch {
            if matches!(row, Row::Member { .. } | Row::Reject(_)) {
                write_single(db, return_id, row)?;
            }
        }
    }
    Ok(())
}

fn person_values(return_id: i64, row: &Row) -> Option<Vec<Value<'_>>> {
    let Row::Person {
        source_row,
        record_id,
        person_key,
        person,
        ..
    } = row
    else {
        return None;
    };
    Some(vec![
        (*record_id).into(),
        Value::Int(return_id),
        (*source_row).into(),
        person_key.into(),
        coded_list(&person.roles).into(),
        person.date_of_birth.map(|d| i64::from(d.year)).into(),
        person
            .date_of_birth
            .and_then(|d| d.month)
            .map(i64::from)
            .into(),
        person.age.map(i64::from).into(),
        date(person.age_date),
        person.sex.as_str().into(),
        person.ethnicity.group_str().into(),
        person.ethnicity.detailed_code().into(),
        person.ethnicity.precision().code().into(),
        person.ethnicity_scheme.map(|s| s.code()).into(),
        person.ethnicity_source.code().into(),
        (&person.ethnicity_original).into(),
        person.ethnicity_observed.group_str().into(),
        person.nationality.to_string().into(),
        person.postcode.as_ref().map(|p| p.district.as_str()).into(),
        person.local_authority.as_ref().into(),
        person.looked_after.as_str().into(),
        person.legal_status.as_str().into(),
        person.missing_history.as_str().into(),
        person.nhs_number.is_some().into(),
        person.upn.is_some().into(),
        person.pnc_id.is_some().into(),
        coded_list(&person.assessment_factors).into(),
        identification(person).into(),
    ])
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

fn identity_values(row: &Row) -> Option<Vec<Value<'_>>> {
    let Row::Person {
        record_id, sealed, ..
    } = row
    else {
        return None;
    };
    let mut values = Vec::with_capacity(10);
    values.push(Value::Int(*record_id));
    values.extend(sealed.iter().map(|v| v.as_deref().into()));
    Some(values)
}

/// A group member or a rejected row: the analysis row, then its sealed value in the vault under
/// the id the first was given.
fn write_single(db: &mut dyn Db, return_id: i64, row: &Row) -> Result<()> {
    let no_id = || StoreError::Corrupt("no record id was given".to_string());
    match row {
        Row::Member {
            source_row,
            group_key,
            person_key,
            label,
        } => {
            let record_id = db
                .row(
                    "INSERT INTO group_members (return_id, source_row, group_key, person_key) VALUES (?1, ?2, ?3, ?4) RETURNING record_id",
                    &[
                        Value::Int(return_id),
                        (*source_row).into(),
                        group_key.into(),
                        person_key.into(),
                    ],
                    |row| row.i64(0),
                )?
                .ok_or_else(no_id)?;
            if let Some(label) = label {
                db.execute(
                    "INSERT INTO group_labels (record_id, label) VALUES (?1, ?2)",
                    &[record_id.into(), label.as_slice().into()],
                )?;
            }
        }
        Row::Reject(reject) => {
            let Reject {
                table,
                file,
                source_row,
                rules,
                columns,
                sealed,
            } = &**reject;
            let reject_id = db
                .row(
                    "INSERT INTO rejects (return_id, table_name, file, source_row, rules, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING reject_id",
                    &[
                        Value::Int(return_id),
                        (*table).into(),
                        file.into(),
                        (*source_row).into(),
                        rules.into(),
                        columns.into(),
                    ],
                    |row| row.i64(0),
                )?
                .ok_or_else(no_id)?;
            db.execute(
                "INSERT INTO rejected_cells (reject_id, sealed) VALUES (?1, ?2)",
                &[reject_id.into(), sealed.as_slice().into()],
            )?;
        }
        _ => {}
    }
    Ok(())
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

/// Makes keys and seals identifiers for each row, and sends rows to the writer in batches.
struct SealingSink<'a> {
    keys: &'a mut Keys,
    ids: Box<dyn RecordIds>,
    agency: &'a str,
    return_id: i64,
    batch_rows: usize,
    batch: Vec<Pending>,
    sender: Option<SyncSender<Vec<Row>>>,
    /// Reused for each value's associated data.
    aad: String,
}

fn sink_error(error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Sink(error.to_string())
}

fn seal_into(
    keys: &mut Keys,
    aad: &mut String,
    value: Option<&str>,
    place: std::fmt::Arguments<'_>,
) -> std::result::Result<Sealed, IntakeError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    aad.clear();
    let _ = aad.write_fmt(place);
    keys.seal(value, aad).map(Some).map_err(sink_error)
}

impl SealingSink<'_> {
    fn key(&self, kind: &str, id: &str) -> String {
        self.keys.pseudonym(kind, self.agency, id)
    }

    fn seal(
        &mut self,
        value: Option<&str>,
        place: std::fmt::Arguments<'_>,
    ) -> std::result::Result<Sealed, IntakeError> {
        seal_into(self.keys, &mut self.aad, value, place)
    }

    fn push(&mut self, row: Pending) -> std::result::Result<(), IntakeError> {
        self.batch.push(row);
        if self.batch.len() >= self.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Takes record ids for the batch's people, seals their identifiers, and sends the batch.
    fn flush(&mut self) -> std::result::Result<(), IntakeError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let pending = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_rows));
        let people = pending
            .iter()
            .filter(|row| matches!(row, Pending::Person { .. }))
            .count();
        let mut ids = if people > 0 {
            self.ids.take(people).map_err(sink_error)?.into_iter()
        } else {
            Vec::new().into_iter()
        };
        let mut batch = Vec::with_capacity(pending.len());
        for row in pending {
            batch.push(match row {
                Pending::Ready(row) => row,
                Pending::Person { source_row, person } => {
                    let record_id = ids
                        .next()
                        .ok_or_else(|| sink_error("the store gave too few record ids"))?;
                    self.person(source_row, record_id, person)?
                }
            });
        }
        match &self.sender {
            Some(sender) => sender
                .send(batch)
                .map_err(|_| sink_error("the store stopped writing (see the error above)")),
            None => Err(sink_error("the store is closed")),
        }
    }

    fn person(
        &mut self,
        source_row: u64,
        record_id: i64,
        person: Box<PersonRecord>,
    ) -> std::result::Result<Row, IntakeError> {
        let other_names = (!person.other_names.is_empty()).then(|| person.other_names.join(";"));
        let date_of_birth = person.date_of_birth.map(|d| d.to_string());
        let postcode = person.postcode.as_ref().map(|p| p.normalised());
        let values: [Option<&str>; 9] = [
            Some(person.person_id.as_str()),
            person.given_name.as_deref(),
            person.family_name.as_deref(),
            other_names.as_deref(),
            date_of_birth.as_deref(),
            postcode.as_deref(),
            person.nhs_number.as_deref(),
            person.upn.as_deref(),
            person.pnc_id.as_deref(),
        ];
        let mut sealed: [Sealed; 9] = Default::default();
        for ((slot, column), value) in sealed.iter_mut().zip(IDENTITY_COLUMNS).zip(values) {
            *slot = seal_into(
                self.keys,
                &mut self.aad,
                value,
                format_args!("people/{record_id}/{column}"),
            )?;
        }
        Ok(Row::Person {
            source_row,
            record_id,
            person_key: self.key("person", &person.person_id),
            person,
            sealed: Box::new(sealed),
        })
    }
}

impl Sink for SealingSink<'_> {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> std::result::Result<(), IntakeError> {
        let source_row = at.row;
        let row = match record {
            Record::Person(person) => return self.push(Pending::Person { source_row, person }),
            Record::Incident(incident) => Row::Incident {
                source_row,
                key: self.key("incident", &incident.incident_id),
                incident: Box::new(incident),
            },
            Record::Involvement(involvement) => Row::Involvement {
                source_row,
                incident_key: self.key("incident", &involvement.incident_id),
                person_key: self.key("person", &involvement.person_id),
                role: involvement.role.as_str(),
            },
            Record::MissingEpisode(episode) => Row::Episode {
                source_row,
                person_key: self.key("person", &episode.person_id),
                episode: Box::new(episode),
            },
            Record::Governance(governance) => Row::Governance {
                source_row,
                governance: Box::new(governance),
            },
            Record::GroupMember(member) => {
                let return_id = self.return_id;
                let label = self.seal(
                    member.label.as_deref(),
                    format_args!("groups/{return_id}/{source_row}/label"),
                )?;
                Row::Member {
                    source_row,
                    group_key: self.key("group", &member.group_id),
                    person_key: self.key("person", &member.person_id),
                    label,
                }
            }
        };
        self.push(Pending::Ready(row))
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
        let table = at.origin.table.name();
        let return_id = self.return_id;
        // The file's name only: a folder path can name a person, and this column is in the clear.
        let file = std::path::Path::new(&at.origin.file)
            .file_name()
            .map_or_else(
                || at.origin.file.clone(),
                |n| n.to_string_lossy().to_string(),
            );
        let sealed = self
            .seal(
                Some(&plain),
                format_args!("rejects/{return_id}/{table}/{file}/{}", at.row),
            )?
            .unwrap_or_default();
        self.push(Pending::Ready(Row::Reject(Box::new(Reject {
            table,
            file,
            source_row: at.row,
            rules: serde_json::to_string(&rules).unwrap_or_default(),
            columns: serde_json::to_string(&columns).unwrap_or_default(),
            sealed,
        }))))
    }
}
