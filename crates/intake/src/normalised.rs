//! What does each accepted row look like in the standard's own terms?
//!
//! [`NormalisedWriter`] is a [`Sink`] that writes one CSV per table into a folder, with the
//! original text beside every coded value so that a data officer can see how each value was
//! read.

use crate::IntakeError;
use crate::check::{RowRef, Sink};
use sightline_standard::cells;
use sightline_standard::records::PersonRecord;
use sightline_standard::{Coded, Record, Table};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

const PEOPLE_COLUMNS: &[&str] = &[
    "source_file",
    "source_row",
    "person_id",
    "roles",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
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
    "ethnicity_observed_original",
    "nationality",
    "nationality_original",
    "postcode",
    "postcode_district",
    "local_authority",
    "looked_after",
    "legal_status",
    "missing_history",
    "nhs_number",
    "upn",
    "pnc_id",
    "assessment_factors",
];
const INCIDENT_COLUMNS: &[&str] = &[
    "source_file",
    "source_row",
    "incident_id",
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
    "source_file",
    "source_row",
    "incident_id",
    "person_id",
    "role",
];
const EPISODE_COLUMNS: &[&str] = &[
    "source_file",
    "source_row",
    "person_id",
    "start",
    "end",
    "kind",
    "from",
    "return_interview_offered",
    "return_interview_accepted",
];
const GOVERNANCE_COLUMNS: &[&str] = &[
    "source_file",
    "source_row",
    "agency_id",
    "date",
    "cse_subgroup",
    "cse_lead",
    "cse_strategy",
    "assumes_cse_present",
];
const GROUP_COLUMNS: &[&str] = &[
    "source_file",
    "source_row",
    "group_id",
    "person_id",
    "label",
];

/// The columns of a table's normalised CSV.
pub fn columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::People => PEOPLE_COLUMNS,
        Table::Incidents => INCIDENT_COLUMNS,
        Table::Involvements => INVOLVEMENT_COLUMNS,
        Table::MissingEpisodes => EPISODE_COLUMNS,
        Table::Groups => GROUP_COLUMNS,
        Table::Governance => GOVERNANCE_COLUMNS,
    }
}

/// Writes accepted rows as `DIR/TABLE.csv`.
pub struct NormalisedWriter {
    dir: PathBuf,
    writers: BTreeMap<Table, csv::Writer<BufWriter<File>>>,
}

impl NormalisedWriter {
    pub fn new(dir: &Path) -> Result<NormalisedWriter, IntakeError> {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
        Ok(NormalisedWriter {
            dir: dir.to_path_buf(),
            writers: BTreeMap::new(),
        })
    }

    /// Flushes every file; returns the files written.
    pub fn finish(self) -> Result<Vec<PathBuf>, IntakeError> {
        let mut written = Vec::new();
        for (table, mut writer) in self.writers {
            let path = self.dir.join(format!("{}.csv", table.name()));
            writer.flush().map_err(|e| write_error(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

fn write_error(path: &Path, error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Write {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn codes(values: &[Coded]) -> String {
    values
        .iter()
        .map(Coded::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

fn person_row(person: &PersonRecord) -> Vec<String> {
    vec![
        person.person_id.clone(),
        codes(&person.roles),
        opt(&person.given_name),
        opt(&person.family_name),
        person.other_names.join(";"),
        opt(&person.date_of_birth),
        opt(&person.age),
        opt(&person.age_date),
        person.sex.as_str().to_string(),
        person.ethnicity.group_str().to_string(),
        person
            .ethnicity
            .detailed_code()
            .unwrap_or_default()
            .to_string(),
        person.ethnicity.precision().code().to_string(),
        person
            .ethnicity_scheme
            .map(|s| s.code())
            .unwrap_or_default()
            .to_string(),
        person.ethnicity_source.code().to_string(),
        person.ethnicity_original.clone(),
        person.ethnicity_observed.group_str().to_string(),
        person.ethnicity_observed_original.clone(),
        person.nationality.to_string(),
        person.nationality_original.clone(),
        person
            .postcode
            .as_ref()
            .map(|p| p.normalised())
            .unwrap_or_default(),
        person
            .postcode
            .as_ref()
            .map(|p| p.district.clone())
            .unwrap_or_default(),
        opt(&person.local_authority),
        person.looked_after.as_str().to_string(),
        person.legal_status.as_str().to_string(),
        person.missing_history.as_str().to_string(),
        opt(&person.nhs_number),
        opt(&person.upn),
        opt(&person.pnc_id),
        codes(&person.assessment_factors),
    ]
}

/// A record's values in the order of [`columns`], without the two source columns.
pub fn record_row(record: &Record) -> Vec<String> {
    match record {
        Record::Person(person) => person_row(person),
        Record::Incident(incident) => vec![
            incident.incident_id.clone(),
            opt(&incident.first_date),
            opt(&incident.last_date),
            incident.offence.as_str().to_string(),
            incident.cse_flag.as_str().to_string(),
            incident.location_type.as_str().to_string(),
            opt(&incident.local_authority),
            incident.outcome.as_str().to_string(),
            opt(&incident.outcome_date),
        ],
        Record::Involvement(involvement) => vec![
            involvement.incident_id.clone(),
            involvement.person_id.clone(),
            involvement.role.as_str().to_string(),
        ],
        Record::MissingEpisode(episode) => vec![
            episode.person_id.clone(),
            episode.start.to_string(),
            opt(&episode.end),
            episode.kind.as_str().to_string(),
            episode.from.as_str().to_string(),
            episode.return_interview_offered.as_str().to_string(),
            episode.return_interview_accepted.as_str().to_string(),
        ],
        Record::Governance(governance) => vec![
            governance.agency_id.clone(),
            governance.date.to_string(),
            governance.cse_subgroup.as_str().to_string(),
            governance.cse_lead.as_str().to_string(),
            governance.cse_strategy.as_str().to_string(),
            governance.assumes_cse_present.as_str().to_string(),
        ],
        Record::GroupMember(member) => vec![
            member.group_id.clone(),
            member.person_id.clone(),
            opt(&member.label),
        ],
    }
}

impl Sink for NormalisedWriter {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        let table = at.origin.table;
        if !self.writers.contains_key(&table) {
            let path = self.dir.join(format!("{}.csv", table.name()));
            let file = File::create(&path).map_err(|e| write_error(&path, e))?;
            let mut writer = csv::Writer::from_writer(BufWriter::new(file));
            writer
                .write_record(columns(table))
                .map_err(|e| write_error(&path, e))?;
            self.writers.insert(table, writer);
        }
        let path = self.dir.join(format!("{}.csv", table.name()));
        let writer = self
            .writers
            .get_mut(&table)
            .ok_or_else(|| write_error(&path, "writer missing"))?;
        let mut row = vec![at.origin.file.clone(), at.row.to_string()];
        row.extend(record_row(&record));
        // Agencies' values reach this file: a cell a spreadsheet would run is neutralised.
        writer
            .write_record(
                row.iter()
                    .map(|cell| cells::neutralise(cell))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(|cell| cell.as_bytes()),
            )
            .map_err(|e| write_error(&path, e))
    }
}
