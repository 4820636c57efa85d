//! How does a return get into the store fast and whole?
//!
//! Intake hands each row to a [`SealingSink`] on the calling thread, which makes the
//! pseudonymous keys and seals the identifiers; batches of ready rows go over a channel to a
//! writer thread that owns the connection for the length of the return. All of it happens
//! inside the transaction [`crate::SqliteStore::ingest`] opened, and the return is committed
//! only after every row, its counts, its supersessions and its audit events are written.

use crate::keys::Keys;
use crate::sqlite::{IDENTITY_COLUMNS, Sealed, append_audit};
use crate::{Action, NewReturn, Result, StoreError};
use rusqlite::{Connection, params};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::report::CheckReport;
use sightline_intake::{Diagnostic, IntakeError};
use sightline_standard::records::{
    GovernanceRecord, IncidentRecord, MissingEpisodeRecord, PersonRecord,
};
use sightline_standard::{Coded, Record};
use std::fmt::Write as _;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

const BATCH_ROWS: usize = 512;
const BATCHES_AHEAD: usize = 8;

const PEOPLE_INSERT: &str = "INSERT INTO people (record_id, return_id, source_row, person_key, roles, birth_year,
    birth_month, age, age_date, sex, ethnicity_group, ethnicity_code, ethnicity_precision, ethnicity_scheme,
    ethnicity_source, ethnicity_original, ethnicity_observed_group, nationality, postcode_district,
    local_authority, looked_after, legal_status, missing_history, has_nhs_number, has_upn, has_pnc_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
    ?22, ?23, ?24, ?25, ?26)";

const IDENTITY_INSERT: &str = "INSERT INTO people_identity (record_id, person_id, given_name, family_name,
    other_names, date_of_birth, postcode, nhs_number, upn, pnc_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

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
        incident: IncidentRecord,
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
        episode: MissingEpisodeRecord,
    },
    Member {
        source_row: u64,
        group_key: String,
        person_key: String,
        label: Sealed,
    },
    Governance {
        source_row: u64,
        governance: GovernanceRecord,
    },
    Reject {
        table: &'static str,
        file: String,
        source_row: u64,
        rules: String,
        columns: String,
        sealed: Vec<u8>,
    },
}

fn coded_list(values: &[Coded]) -> String {
    values
        .iter()
        .map(Coded::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

/// Runs intake into a sealing sink with a writer thread, then commits. The caller has begun the
/// transaction and rolls it back on error.
pub(crate) fn write_return(
    conn: &mut Connection,
    new: &NewReturn,
    keys: &mut Keys,
    read: &mut dyn FnMut(&mut dyn Sink) -> std::result::Result<CheckReport, IntakeError>,
) -> Result<(CheckReport, StoredReturn)> {
    let files = serde_json::to_string(&new.files).unwrap_or_default();
    let (from, to) = match &new.period {
        Some((from, to)) => (Some(from.as_str()), Some(to.as_str())),
        None => (None, None),
    };
    conn.execute(
        "INSERT INTO returns (agency_id, period_from, period_to, files, content_hash, ingested_at, user, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'current')",
        params![new.agency_id, from, to, files, new.content_hash, crate::audit::now(), new.user],
    )?;
    let return_id = conn.last_insert_rowid();
    let first_record_id: i64 = conn.query_row(
        "SELECT COALESCE(MAX(record_id), 0) + 1 FROM people",
        [],
        |row| row.get(0),
    )?;

    let (report, written) = std::thread::scope(|scope| {
        let (sender, batches) = sync_channel::<Vec<Row>>(BATCHES_AHEAD);
        let writer_conn: &mut Connection = conn;
        let writer = scope.spawn(move || write_rows(writer_conn, return_id, batches));
        let mut sink = SealingSink {
            keys,
            agency: &new.agency_id,
            return_id,
            next_record_id: first_record_id,
            batch: Vec::with_capacity(BATCH_ROWS),
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
    let stored = finish(conn, keys, return_id, new, &report)?;
    Ok((report, stored))
}

fn write_rows(conn: &mut Connection, return_id: i64, batches: Receiver<Vec<Row>>) -> Result<()> {
    let mut people = conn.prepare(PEOPLE_INSERT)?;
    let mut identity = conn.prepare(IDENTITY_INSERT)?;
    for batch in batches {
        for row in batch {
            match row {
                Row::Person {
                    source_row,
                    record_id,
                    person_key,
                    person,
                    sealed,
                } => {
                    people.execute(params![
                        record_id,
                        return_id,
                        source_row,
                        person_key,
                        coded_list(&person.roles),
                        person.date_of_birth.map(|d| d.year),
                        person.date_of_birth.and_then(|d| d.month),
                        person.age,
                        person.age_date.map(|d| d.to_string()),
                        person.sex.as_str(),
                        person.ethnicity.group_str(),
                        person.ethnicity.detailed_code(),
                        person.ethnicity.precision().code(),
                        person.ethnicity_scheme.map(|s| s.code()),
                        person.ethnicity_source.code(),
                        person.ethnicity_original,
                        person.ethnicity_observed.group_str(),
                        person.nationality.to_string(),
                        person.postcode.as_ref().map(|p| p.district.as_str()),
                        person.local_authority,
                        person.looked_after.as_str(),
                        person.legal_status.as_str(),
                        person.missing_history.as_str(),
                        person.nhs_number.is_some(),
                        person.upn.is_some(),
                        person.pnc_id.is_some(),
                    ])?;
                    let [a, b, c, d, e, f, g, h, i] = *sealed;
                    identity.execute(params![record_id, a, b, c, d, e, f, g, h, i])?;
                }
                Row::Incident {
                    source_row,
                    key,
                    incident,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO incidents (return_id, source_row, incident_key, first_date, last_date, offence, cse_flag, location_type, local_authority, outcome, outcome_date)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    )?
                    .execute(params![
                        return_id,
                        source_row,
                        key,
                        incident.first_date.map(|d| d.to_string()),
                        incident.last_date.map(|d| d.to_string()),
                        incident.offence.as_str(),
                        incident.cse_flag.as_str(),
                        incident.location_type.as_str(),
                        incident.local_authority,
                        incident.outcome.as_str(),
                        incident.outcome_date.map(|d| d.to_string()),
                    ])?;
                }
                Row::Involvement {
                    source_row,
                    incident_key,
                    person_key,
                    role,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO involvements (return_id, source_row, incident_key, person_key, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![return_id, source_row, incident_key, person_key, role])?;
                }
                Row::Episode {
                    source_row,
                    person_key,
                    episode,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO missing_episodes (return_id, source_row, person_key, start, end, kind, missing_from, return_interview_offered, return_interview_accepted)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        return_id,
                        source_row,
                        person_key,
                        episode.start.to_string(),
                        episode.end.map(|d| d.to_string()),
                        episode.kind.as_str(),
                        episode.from.as_str(),
                        episode.return_interview_offered.as_str(),
                        episode.return_interview_accepted.as_str(),
                    ])?;
                }
                Row::Member {
                    source_row,
                    group_key,
                    person_key,
                    label,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO group_members (return_id, source_row, group_key, person_key, label) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![return_id, source_row, group_key, person_key, label])?;
                }
                Row::Governance {
                    source_row,
                    governance,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO governance (return_id, source_row, agency_id, date, cse_subgroup, cse_lead, cse_strategy, assumes_cse_present)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        return_id,
                        source_row,
                        governance.agency_id,
                        governance.date.to_string(),
                        governance.cse_subgroup.as_str(),
                        governance.cse_lead.as_str(),
                        governance.cse_strategy.as_str(),
                        governance.assumes_cse_present.as_str(),
                    ])?;
                }
                Row::Reject {
                    table,
                    file,
                    source_row,
                    rules,
                    columns,
                    sealed,
                } => {
                    conn.prepare_cached(
                        "INSERT INTO rejects (return_id, table_name, file, source_row, rules, columns, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![return_id, table, file, source_row, rules, columns, sealed])?;
                }
            }
        }
    }
    Ok(())
}

/// Counts, file-level notes, supersession of earlier returns of the same agency and period, and
/// the audit events; then the commit.
fn finish(
    conn: &Connection,
    keys: &mut Keys,
    return_id: i64,
    new: &NewReturn,
    report: &CheckReport,
) -> Result<StoredReturn> {
    for table in &report.tables {
        conn.execute(
            "INSERT INTO return_tables (return_id, table_name, read, accepted, rejected) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![return_id, table.table.name(), table.read, table.accepted, table.rejected],
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
        conn.execute(
            "INSERT INTO return_notes (return_id, rule, table_name, file, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![return_id, note.rule.code(), note.table.name(), note.file, sealed],
        )?;
    }
    let (from, to) = match &new.period {
        Some((from, to)) => (Some(from.clone()), Some(to.clone())),
        None => (None, None),
    };
    let superseded: Vec<i64> = {
        let mut statement = conn.prepare(
            "SELECT return_id FROM returns WHERE agency_id = ?1 AND period_from IS ?2 AND period_to IS ?3 AND status = 'current' AND return_id <> ?4 ORDER BY return_id",
        )?;
        let rows = statement.query_map(params![new.agency_id, from, to, return_id], |row| {
            row.get(0)
        })?;
        rows.collect::<std::result::Result<Vec<_>, _>>()?
    };
    let rows: u64 = report.tables.iter().map(|t| t.read).sum();
    append_audit(
        conn,
        &new.user,
        Action::Collection,
        &format!(
            "return {return_id} from agency {} ({rows} rows, {})",
            new.agency_id,
            new.files.join(", ")
        ),
        "",
    )?;
    for old in &superseded {
        conn.execute(
            "UPDATE returns SET status = 'superseded', superseded_by = ?1 WHERE return_id = ?2",
            params![return_id, old],
        )?;
        append_audit(
            conn,
            &new.user,
            Action::Alteration,
            &format!("return {old} superseded by return {return_id}"),
            "a corrected return for the same agency and period",
        )?;
    }
    conn.execute_batch("COMMIT")?;
    Ok(StoredReturn {
        return_id,
        superseded,
    })
}

/// Makes keys and seals identifiers for each row, and sends rows to the writer in batches.
struct SealingSink<'a> {
    keys: &'a mut Keys,
    agency: &'a str,
    return_id: i64,
    next_record_id: i64,
    batch: Vec<Row>,
    sender: Option<SyncSender<Vec<Row>>>,
    /// Reused for each value's associated data.
    aad: String,
}

fn sink_error(error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Sink(error.to_string())
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
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        self.aad.clear();
        let _ = self.aad.write_fmt(place);
        self.keys
            .seal(value, &self.aad)
            .map(Some)
            .map_err(sink_error)
    }

    fn push(&mut self, row: Row) -> std::result::Result<(), IntakeError> {
        self.batch.push(row);
        if self.batch.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::result::Result<(), IntakeError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ROWS));
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
        person: Box<PersonRecord>,
    ) -> std::result::Result<Row, IntakeError> {
        let record_id = self.next_record_id;
        self.next_record_id += 1;
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
            *slot = self.seal(value, format_args!("people/{record_id}/{column}"))?;
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
            Record::Person(person) => self.person(source_row, person)?,
            Record::Incident(incident) => Row::Incident {
                source_row,
                key: self.key("incident", &incident.incident_id),
                incident,
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
                episode,
            },
            Record::Governance(governance) => Row::Governance {
                source_row,
                governance,
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
        self.push(row)
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
        self.push(Row::Reject {
            table,
            file,
            source_row: at.row,
            rules: serde_json::to_string(&rules).unwrap_or_default(),
            columns: serde_json::to_string(&columns).unwrap_or_default(),
            sealed,
        })
    }
}
