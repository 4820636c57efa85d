//! What does one accepted row of each table hold once normalised?
//!
//! Coded values keep the agency's original text beside them, so that nothing is lost and the
//! reading can be checked. Identifiers are plain here; the store decides where they may live.

use crate::codes::Coded;
use crate::dates::PartialDate;
use crate::ethnicity::{Ethnicity, Scheme};
use crate::identifiers::Postcode;
use crate::nationality::Nationality;

/// How a person's ethnicity and nationality were recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EthnicitySource {
    /// A self-defined ethnicity column.
    SelfDefined,
    /// One column holding ethnicity and nationality, split on reading.
    Combined,
    /// No ethnicity column.
    None,
}

impl EthnicitySource {
    pub fn code(self) -> &'static str {
        match self {
            EthnicitySource::SelfDefined => "self_defined",
            EthnicitySource::Combined => "combined",
            EthnicitySource::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub person_id: String,
    pub roles: Vec<Coded>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub other_names: Vec<String>,
    pub date_of_birth: Option<PartialDate>,
    pub age: Option<u16>,
    pub age_date: Option<PartialDate>,
    pub sex: Coded,
    pub ethnicity: Ethnicity,
    pub ethnicity_scheme: Option<Scheme>,
    pub ethnicity_source: EthnicitySource,
    pub ethnicity_original: String,
    pub ethnicity_observed: Ethnicity,
    pub ethnicity_observed_original: String,
    pub nationality: Nationality,
    pub nationality_original: String,
    pub postcode: Option<Postcode>,
    pub local_authority: Option<String>,
    pub looked_after: Coded,
    pub legal_status: Coded,
    pub missing_history: Coded,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub pnc_id: Option<String>,
    /// Factors identified at a children's social care assessment (the CIN census's
    /// `AssessmentFactors`: `Code("11A")`, or `Unmapped` for a code of no list), kept beside
    /// the role and missing history they give (see [`crate::dfe::FactorMeaning`]). Empty for
    /// records that hold none.
    pub assessment_factors: Vec<Coded>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    pub incident_id: String,
    pub first_date: Option<PartialDate>,
    pub last_date: Option<PartialDate>,
    pub offence: Coded,
    pub cse_flag: Coded,
    pub location_type: Coded,
    pub local_authority: Option<String>,
    pub outcome: Coded,
    pub outcome_date: Option<PartialDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvolvementRecord {
    pub incident_id: String,
    pub person_id: String,
    pub role: Coded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MissingEpisodeRecord {
    pub person_id: String,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
    pub kind: Coded,
    pub from: Coded,
    pub return_interview_offered: Coded,
    pub return_interview_accepted: Coded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupMemberRecord {
    pub group_id: String,
    pub person_id: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceRecord {
    pub agency_id: String,
    pub date: PartialDate,
    pub cse_subgroup: Coded,
    pub cse_lead: Coded,
    pub cse_strategy: Coded,
    pub assumes_cse_present: Coded,
}

/// One accepted row of any table.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Person(Box<PersonRecord>),
    Incident(IncidentRecord),
    Involvement(InvolvementRecord),
    MissingEpisode(MissingEpisodeRecord),
    GroupMember(GroupMemberRecord),
    Governance(GovernanceRecord),
}
