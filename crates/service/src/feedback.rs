//! What does the feedback of each agency say, and when must it be worked out again? The
//! feedback is the assessment's data quality of the agency and how many of its records were
//! linked to another agency's: the whole assessment of every current return, minutes at a
//! national scale. It is worked out once for every agency while the store stays as it was —
//! the same linkage run, the same current returns, the same register — and kept
//! ([`crate::kept::Kept`]); the agencies that look after that share it.

use sightline_assess::AgencyQuality;
use sightline_store::Store;
use std::collections::HashMap;

/// The feedback of one agency.
#[derive(Debug)]
pub struct AgencyFeedback {
    /// Its data quality, when the assessment has its records.
    pub quality: Option<AgencyQuality>,
    /// (its records linked to another agency's, its records in the linkage run); none before
    /// a linkage run or without records.
    pub linked: Option<(u64, u64)>,
}

/// The feedback of every agency for one state of the store.
#[derive(Debug, Default)]
pub struct Feedback {
    pub formula: String,
    agencies: HashMap<String, AgencyFeedback>,
}

impl Feedback {
    /// An agency's feedback; none when it has nothing in the current returns.
    pub fn of(&self, agency_id: &str) -> Option<&AgencyFeedback> {
        self.agencies.get(agency_id)
    }
}

/// Works out every agency's feedback from the store.
pub fn work_out(store: &dyn Store) -> anyhow::Result<Feedback> {
    let data = store.analysis()?;
    // Each person of the run: the agency of its first record, and whether another agency
    // has a record in it too.
    let mut people: HashMap<i64, (usize, bool)> = HashMap::new();
    for record in &data.people {
        if let Some(person) = record.person {
            people
                .entry(person)
                .and_modify(|(first, shared)| *shared |= *first != record.agency)
                .or_insert((record.agency, false));
        }
    }
    let mut linked: HashMap<usize, (u64, u64)> = HashMap::new();
    for record in &data.people {
        if let Some((_, shared)) = record.person.and_then(|person| people.get(&person)) {
            let counts = linked.entry(record.agency).or_default();
            counts.0 += u64::from(*shared);
            counts.1 += 1;
        }
    }
    let assessment = sightline_assess::assess(&data, &sightline_assess::Options::default()).ok();
    let formula = assessment
        .as_ref()
        .map(|a| a.quality.score_formula.clone())
        .unwrap_or_default();
    let mut quality: HashMap<String, AgencyQuality> = assessment
        .map(|a| {
            a.quality
                .agencies
                .into_iter()
                .map(|q| (q.agency_id.clone(), q))
                .collect()
        })
        .unwrap_or_default();
    let agencies = data
        .agencies
        .iter()
        .enumerate()
        .map(|(at, agency)| {
            let id = agency.agency.agency_id.clone();
            let feedback = AgencyFeedback {
                quality: quality.remove(&id),
                linked: data
                    .linkage_run
                    .as_ref()
                    .and_then(|_| linked.get(&at).copied()),
            };
            (id, feedback)
        })
        .collect();
    Ok(Feedback { formula, agencies })
}
