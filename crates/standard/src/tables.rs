//! Which tables does a return hold, and which fields does each table have?
//!
//! This is the standard, version 1, as data: the template, the Data Package description, the
//! reader and the validator are all generated from [`Table::fields`].

use crate::codes::{self, CodeList};
use serde::Serialize;
use std::fmt;

/// The five tables of a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    People,
    Incidents,
    Involvements,
    MissingEpisodes,
    Groups,
    Governance,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// The agency's identifier for a row of this table.
    Id,
    /// An identifier that points at another table's `Id`.
    Reference(Table),
    /// Plain text that identifies nobody.
    Text,
    /// Text that identifies a person (names, UPN, PNC id): kept in the identity vault.
    Identifier,
    /// Several identifying texts separated by `;` (aliases).
    Identifiers,
    /// A date, full or partial (`YYYY-MM`, `YYYY`).
    Date,
    /// A whole number within a range.
    Integer { min: i64, max: i64 },
    /// One code of a list.
    Code(&'static CodeList),
    /// One or more codes of a list, separated by `;`.
    Codes(&'static CodeList),
    /// Self-defined ethnicity, read with its scheme.
    Ethnicity,
    /// The scheme the `ethnicity` of the same row was recorded in.
    EthnicityScheme,
    /// Officer-observed ethnicity (IC codes).
    EthnicityObserved,
    /// One or more nationalities.
    Nationality,
    /// A UK postcode, full or district.
    Postcode,
    /// A ten-digit NHS number with its check digit.
    NhsNumber,
    /// An ONS GSS area code such as E06000015.
    AreaCode,
}

impl FieldKind {
    /// The code list behind a coded field.
    pub fn code_list(&self) -> Option<&'static CodeList> {
        match self {
            FieldKind::Code(list) | FieldKind::Codes(list) => Some(list),
            _ => None,
        }
    }

    /// The Table Schema (Frictionless) type of the field.
    pub fn table_schema_type(&self) -> &'static str {
        match self {
            FieldKind::Integer { .. } => "integer",
            _ => "string",
        }
    }
}

/// One field of a table.
#[derive(Debug)]
pub struct Field {
    /// The template's header, exactly.
    pub name: &'static str,
    pub kind: FieldKind,
    /// A row without a value here is rejected.
    pub required: bool,
    /// What the field holds, for the Guidance sheet and the Data Package.
    pub description: &'static str,
    /// An example value, for the template.
    pub example: &'static str,
}

const fn field(
    name: &'static str,
    kind: FieldKind,
    required: bool,
    description: &'static str,
    example: &'static str,
) -> Field {
    Field {
        name,
        kind,
        required,
        description,
        example,
    }
}

use FieldKind as K;

static PEOPLE: &[Field] = &[
    field(
        "person_id",
        K::Id,
        true,
        "The agency's own identifier for the person. Unique in the return.",
        "P0001",
    ),
    field(
        "role",
        K::Codes(&codes::PERSON_ROLE),
        false,
        "Why the agency knows the person: victim, suspect, offender, at_risk. Several allowed, separated by ';'.",
        "victim",
    ),
    field(
        "given_name",
        K::Identifier,
        false,
        "Given name(s). Kept encrypted in the identity vault.",
        "Jane",
    ),
    field(
        "family_name",
        K::Identifier,
        false,
        "Family name. Kept encrypted in the identity vault.",
        "Doe",
    ),
    field(
        "other_names",
        K::Identifiers,
        false,
        "Other names and aliases, separated by ';'.",
        "Janey Doe",
    ),
    field(
        "date_of_birth",
        K::Date,
        false,
        "Date of birth: YYYY-MM-DD, or partial YYYY-MM or YYYY.",
        "2008-05-14",
    ),
    field(
        "age",
        K::Integer { min: 0, max: 120 },
        false,
        "Age in years, when the date of birth is not known.",
        "15",
    ),
    field(
        "age_date",
        K::Date,
        false,
        "The date on which 'age' was true.",
        "2023-09-01",
    ),
    field(
        "sex",
        K::Code(&codes::SEX),
        false,
        "Sex: female or male, or why it is unknown.",
        "female",
    ),
    field(
        "ethnicity",
        K::Ethnicity,
        false,
        "Self-defined ethnicity: a code of the scheme in 'ethnicity_scheme', or the 2021 census category.",
        "asian_pakistani",
    ),
    field(
        "ethnicity_scheme",
        K::EthnicityScheme,
        false,
        "The scheme 'ethnicity' was recorded in: census_2021, census_2011, police_16_1, police_18_1, csc, free_text.",
        "census_2021",
    ),
    field(
        "ethnicity_observed",
        K::EthnicityObserved,
        false,
        "Ethnicity as observed by an officer: IC1 to IC6, IC0 or IC9. Never merged with self-defined ethnicity.",
        "IC4",
    ),
    field(
        "nationality",
        K::Nationality,
        false,
        "Nationality as ISO 3166-1 alpha-3 codes, several separated by ';', or stateless.",
        "GBR",
    ),
    field(
        "postcode",
        K::Postcode,
        false,
        "Home postcode, full or district only. Only the district is used in analysis.",
        "LS6 1AB",
    ),
    field(
        "local_authority",
        K::AreaCode,
        false,
        "Local authority of residence as an ONS code.",
        "E08000035",
    ),
    field(
        "looked_after",
        K::Code(&codes::YES_NO),
        false,
        "Whether the child was looked after (in care) at the time.",
        "no",
    ),
    field(
        "legal_status",
        K::Code(&codes::LEGAL_STATUS),
        false,
        "Looked-after legal status code (C1, C2, V2, ...).",
        "C2",
    ),
    field(
        "missing_history",
        K::Code(&codes::YES_NO),
        false,
        "Whether the person has ever been reported missing, as far as the agency knows: yes, no, or why it is not known.",
        "yes",
    ),
    field(
        "nhs_number",
        K::NhsNumber,
        false,
        "NHS number (10 digits).",
        "9434765919",
    ),
    field(
        "upn",
        K::Identifier,
        false,
        "Unique pupil number.",
        "A123456789012",
    ),
    field(
        "pnc_id",
        K::Identifier,
        false,
        "Police National Computer identifier.",
        "09/123456A",
    ),
];

static INCIDENTS: &[Field] = &[
    field(
        "incident_id",
        K::Id,
        true,
        "The agency's own identifier for the incident. Unique in the return.",
        "I0001",
    ),
    field(
        "first_date",
        K::Date,
        false,
        "Date the offending began or was first known.",
        "2023-03-02",
    ),
    field(
        "last_date",
        K::Date,
        false,
        "Date the offending ended or was last known.",
        "2023-06-30",
    ),
    field(
        "offence",
        K::Code(&codes::OFFENCE),
        false,
        "Offence category.",
        "sexual_activity_with_child",
    ),
    field(
        "cse_flag",
        K::Code(&codes::YES_NO),
        false,
        "Whether the agency flagged the incident as child sexual exploitation.",
        "yes",
    ),
    field(
        "location_type",
        K::Code(&codes::LOCATION_TYPE),
        false,
        "Type of place where the offending happened or began.",
        "takeaway",
    ),
    field(
        "local_authority",
        K::AreaCode,
        false,
        "Local authority where it happened, as an ONS code.",
        "E08000035",
    ),
    field(
        "outcome",
        K::Code(&codes::OUTCOME),
        false,
        "Police outcome or court result.",
        "charged_summonsed",
    ),
    field(
        "outcome_date",
        K::Date,
        false,
        "Date of the outcome.",
        "2023-11-20",
    ),
];

static INVOLVEMENTS: &[Field] = &[
    field(
        "incident_id",
        K::Reference(Table::Incidents),
        true,
        "An incident_id of the incidents table.",
        "I0001",
    ),
    field(
        "person_id",
        K::Reference(Table::People),
        true,
        "A person_id of the people table.",
        "P0001",
    ),
    field(
        "role",
        K::Code(&codes::INVOLVEMENT_ROLE),
        true,
        "The person's role in the incident: victim, offender, paying_abuser, other.",
        "victim",
    ),
];

static MISSING_EPISODES: &[Field] = &[
    field(
        "person_id",
        K::Reference(Table::People),
        true,
        "A person_id of the people table.",
        "P0001",
    ),
    field(
        "start",
        K::Date,
        true,
        "Date the episode started.",
        "2023-01-14",
    ),
    field(
        "end",
        K::Date,
        false,
        "Date the child was found or returned.",
        "2023-01-15",
    ),
    field(
        "kind",
        K::Code(&codes::MISSING_KIND),
        false,
        "missing (whereabouts unknown) or away (whereabouts known, not authorised).",
        "missing",
    ),
    field(
        "from",
        K::Code(&codes::MISSING_FROM),
        false,
        "Where the child went missing from: home, care, other.",
        "care",
    ),
    field(
        "return_interview_offered",
        K::Code(&codes::YES_NO),
        false,
        "Whether a return interview was offered.",
        "yes",
    ),
    field(
        "return_interview_accepted",
        K::Code(&codes::YES_NO),
        false,
        "Whether the return interview was accepted.",
        "no",
    ),
];

static GROUPS: &[Field] = &[
    field(
        "group_id",
        K::Id,
        true,
        "The agency's identifier for a group of people (e.g. an operation). One row per member.",
        "G01",
    ),
    field(
        "person_id",
        K::Reference(Table::People),
        true,
        "A person_id of the people table.",
        "P0002",
    ),
    field(
        "label",
        K::Text,
        false,
        "The agency's name for the group. Must not identify anyone.",
        "Operation A",
    ),
];

/// Positions of the people table's fields in [`Table::fields`].
pub mod people {
    pub const PERSON_ID: usize = 0;
    pub const ROLE: usize = 1;
    pub const GIVEN_NAME: usize = 2;
    pub const FAMILY_NAME: usize = 3;
    pub const OTHER_NAMES: usize = 4;
    pub const DATE_OF_BIRTH: usize = 5;
    pub const AGE: usize = 6;
    pub const AGE_DATE: usize = 7;
    pub const SEX: usize = 8;
    pub const ETHNICITY: usize = 9;
    pub const ETHNICITY_SCHEME: usize = 10;
    pub const ETHNICITY_OBSERVED: usize = 11;
    pub const NATIONALITY: usize = 12;
    pub const POSTCODE: usize = 13;
    pub const LOCAL_AUTHORITY: usize = 14;
    pub const LOOKED_AFTER: usize = 15;
    pub const LEGAL_STATUS: usize = 16;
    pub const MISSING_HISTORY: usize = 17;
    pub const NHS_NUMBER: usize = 18;
    pub const UPN: usize = 19;
    pub const PNC_ID: usize = 20;
}

/// Positions of the incidents table's fields in [`Table::fields`].
pub mod incidents {
    pub const INCIDENT_ID: usize = 0;
    pub const FIRST_DATE: usize = 1;
    pub const LAST_DATE: usize = 2;
    pub const OFFENCE: usize = 3;
    pub const CSE_FLAG: usize = 4;
    pub const LOCATION_TYPE: usize = 5;
    pub const LOCAL_AUTHORITY: usize = 6;
    pub const OUTCOME: usize = 7;
    pub const OUTCOME_DATE: usize = 8;
}

/// Positions of the involvements table's fields in [`Table::fields`].
pub mod involvements {
    pub const INCIDENT_ID: usize = 0;
    pub const PERSON_ID: usize = 1;
    pub const ROLE: usize = 2;
}

/// Positions of the missing_episodes table's fields in [`Table::fields`].
pub mod missing_episodes {
    pub const PERSON_ID: usize = 0;
    pub const START: usize = 1;
    pub const END: usize = 2;
    pub const KIND: usize = 3;
    pub const FROM: usize = 4;
    pub const RETURN_INTERVIEW_OFFERED: usize = 5;
    pub const RETURN_INTERVIEW_ACCEPTED: usize = 6;
}

/// Positions of the groups table's fields in [`Table::fields`].
pub mod groups {
    pub const GROUP_ID: usize = 0;
    pub const PERSON_ID: usize = 1;
    pub const LABEL: usize = 2;
}

static GOVERNANCE: &[Field] = &[
    field(
        "agency_id",
        K::Text,
        true,
        "The board's agency_id in the agency register.",
        "LSCB01",
    ),
    field(
        "date",
        K::Date,
        true,
        "The date the arrangements below were in place.",
        "2024-03-31",
    ),
    field(
        "cse_subgroup",
        K::Code(&codes::YES_NO),
        false,
        "Whether the board has a sub-group for child sexual exploitation.",
        "yes",
    ),
    field(
        "cse_lead",
        K::Code(&codes::YES_NO),
        false,
        "Whether a lead for child sexual exploitation is named.",
        "yes",
    ),
    field(
        "cse_strategy",
        K::Code(&codes::YES_NO),
        false,
        "Whether the board has a strategy for child sexual exploitation.",
        "no",
    ),
    field(
        "assumes_cse_present",
        K::Code(&codes::YES_NO),
        false,
        "Whether the board works on the assumption that child sexual exploitation is present in its area.",
        "yes",
    ),
];

/// Positions of the governance table's fields in [`Table::fields`].
pub mod governance {
    pub const AGENCY_ID: usize = 0;
    pub const DATE: usize = 1;
    pub const CSE_SUBGROUP: usize = 2;
    pub const CSE_LEAD: usize = 3;
    pub const CSE_STRATEGY: usize = 4;
    pub const ASSUMES_CSE_PRESENT: usize = 5;
}

impl Table {
    pub const ALL: [Table; 6] = [
        Table::People,
        Table::Incidents,
        Table::Involvements,
        Table::MissingEpisodes,
        Table::Groups,
        Table::Governance,
    ];

    /// The table's name: the CSV file stem and the sheet name of the template.
    pub fn name(self) -> &'static str {
        match self {
            Table::People => "people",
            Table::Incidents => "incidents",
            Table::Involvements => "involvements",
            Table::MissingEpisodes => "missing_episodes",
            Table::Groups => "groups",
            Table::Governance => "governance",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Table::People => "One row per person the agency knows in the period.",
            Table::Incidents => "One row per incident or case.",
            Table::Involvements => "Who was involved in which incident, and in what role.",
            Table::MissingEpisodes => "One row per episode of a child missing or away.",
            Table::Groups => "The agency's own grouping of people, such as an operation. Optional.",
            Table::Governance => {
                "A safeguarding board's arrangements for child sexual exploitation, one row per date reported. Only boards send it."
            }
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Table::People => PEOPLE,
            Table::Incidents => INCIDENTS,
            Table::Involvements => INVOLVEMENTS,
            Table::MissingEpisodes => MISSING_EPISODES,
            Table::Groups => GROUPS,
            Table::Governance => GOVERNANCE,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// The field that identifies a row, for tables whose ids must be unique.
    pub fn unique_id(self) -> Option<&'static str> {
        match self {
            Table::People => Some("person_id"),
            Table::Incidents => Some("incident_id"),
            _ => None,
        }
    }

    /// The table with this name ("people", "missing_episodes"; case and spacing ignored).
    pub fn parse(name: &str) -> Option<Table> {
        let key = crate::fold::fold_header(name);
        Table::ALL
            .into_iter()
            .find(|table| crate::fold::fold_header(table.name()) == key)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn field_names_are_unique_per_table_and_folded_distinctly() {
        for table in Table::ALL {
            let mut seen = HashSet::new();
            for field in table.fields() {
                assert!(
                    seen.insert(crate::fold::fold_header(field.name)),
                    "{table}: {} twice",
                    field.name
                );
                assert!(!field.description.is_empty());
            }
        }
    }

    #[test]
    fn field_positions_match_the_fields() {
        assert_eq!(
            Table::Governance.fields()[governance::AGENCY_ID].name,
            "agency_id"
        );
        assert_eq!(Table::Governance.fields()[governance::DATE].name, "date");
        assert_eq!(
            Table::Governance.fields()[governance::CSE_SUBGROUP].name,
            "cse_subgroup"
        );
        assert_eq!(
            Table::Governance.fields()[governance::CSE_LEAD].name,
            "cse_lead"
        );
        assert_eq!(
            Table::Governance.fields()[governance::CSE_STRATEGY].name,
            "cse_strategy"
        );
        assert_eq!(
            Table::Governance.fields()[governance::ASSUMES_CSE_PRESENT].name,
            "assumes_cse_present"
        );
        assert_eq!(Table::People.fields()[people::PERSON_ID].name, "person_id");
        assert_eq!(Table::People.fields()[people::ROLE].name, "role");
        assert_eq!(
            Table::People.fields()[people::GIVEN_NAME].name,
            "given_name"
        );
        assert_eq!(
            Table::People.fields()[people::FAMILY_NAME].name,
            "family_name"
        );
        assert_eq!(
            Table::People.fields()[people::OTHER_NAMES].name,
            "other_names"
        );
        assert_eq!(
            Table::People.fields()[people::DATE_OF_BIRTH].name,
            "date_of_birth"
        );
        assert_eq!(Table::People.fields()[people::AGE].name, "age");
        assert_eq!(Table::People.fields()[people::AGE_DATE].name, "age_date");
        assert_eq!(Table::People.fields()[people::SEX].name, "sex");
        assert_eq!(Table::People.fields()[people::ETHNICITY].name, "ethnicity");
        assert_eq!(
            Table::People.fields()[people::ETHNICITY_SCHEME].name,
            "ethnicity_scheme"
        );
        assert_eq!(
            Table::People.fields()[people::ETHNICITY_OBSERVED].name,
            "ethnicity_observed"
        );
        assert_eq!(
            Table::People.fields()[people::NATIONALITY].name,
            "nationality"
        );
        assert_eq!(Table::People.fields()[people::POSTCODE].name, "postcode");
        assert_eq!(
            Table::People.fields()[people::LOCAL_AUTHORITY].name,
            "local_authority"
        );
        assert_eq!(
            Table::People.fields()[people::LOOKED_AFTER].name,
            "looked_after"
        );
        assert_eq!(
            Table::People.fields()[people::LEGAL_STATUS].name,
            "legal_status"
        );
        assert_eq!(
            Table::People.fields()[people::MISSING_HISTORY].name,
            "missing_history"
        );
        assert_eq!(
            Table::People.fields()[people::NHS_NUMBER].name,
            "nhs_number"
        );
        assert_eq!(Table::People.fields()[people::UPN].name, "upn");
        assert_eq!(Table::People.fields()[people::PNC_ID].name, "pnc_id");
        assert_eq!(
            Table::Incidents.fields()[incidents::INCIDENT_ID].name,
            "incident_id"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::FIRST_DATE].name,
            "first_date"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::LAST_DATE].name,
            "last_date"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::OFFENCE].name,
            "offence"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::CSE_FLAG].name,
            "cse_flag"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::LOCATION_TYPE].name,
            "location_type"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::LOCAL_AUTHORITY].name,
            "local_authority"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::OUTCOME].name,
            "outcome"
        );
        assert_eq!(
            Table::Incidents.fields()[incidents::OUTCOME_DATE].name,
            "outcome_date"
        );
        assert_eq!(
            Table::Involvements.fields()[involvements::INCIDENT_ID].name,
            "incident_id"
        );
        assert_eq!(
            Table::Involvements.fields()[involvements::PERSON_ID].name,
            "person_id"
        );
        assert_eq!(
            Table::Involvements.fields()[involvements::ROLE].name,
            "role"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::PERSON_ID].name,
            "person_id"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::START].name,
            "start"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::END].name,
            "end"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::KIND].name,
            "kind"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::FROM].name,
            "from"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::RETURN_INTERVIEW_OFFERED].name,
            "return_interview_offered"
        );
        assert_eq!(
            Table::MissingEpisodes.fields()[missing_episodes::RETURN_INTERVIEW_ACCEPTED].name,
            "return_interview_accepted"
        );
        assert_eq!(Table::Groups.fields()[groups::GROUP_ID].name, "group_id");
        assert_eq!(Table::Groups.fields()[groups::PERSON_ID].name, "person_id");
        assert_eq!(Table::Groups.fields()[groups::LABEL].name, "label");
    }

    #[test]
    fn tables_parse_from_their_names() {
        assert_eq!(
            Table::parse("Missing Episodes"),
            Some(Table::MissingEpisodes)
        );
        assert_eq!(Table::parse("people"), Some(Table::People));
        assert_eq!(Table::parse("victims"), None);
    }
}
