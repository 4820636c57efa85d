//! What is the national picture? The assessment computes every figure from the workspace's
//! current returns and latest linkage run, as figure objects that the report only renders:
//! populations counted in linked people, breakdowns with their bases and unknowns, offending,
//! groups (via `sightline-network`), the missing-episode link, justice attrition, coverage and
//! data quality. `truth` compares it with a synthetic world's truth.
//!
//! Definitions (written down in ARCHITECTURE.md as well):
//! - a victim is a linked person with a `victim` role on any record or a `victim` involvement;
//!   an offender one with a `suspect`/`offender` role or an `offender`/`paying_abuser`
//!   involvement; an other child is an `at_risk` child who is neither;
//! - an incident is one incident row of a current return (incidents are not linked across
//!   agencies);
//! - age is at the person's first incident in the returns.

pub mod collected;
pub mod figure;
mod group_prior;
mod groups;
pub mod hidden;
mod missing;
pub mod people;
mod quality;
mod sections;
pub mod truth;

use figure::{Breakdown, Count, Figure, Quartiles};
use serde::Serialize;
use sightline_store::analysis::Analysis;

pub use groups::{GroupSummary, GroupsSection};
pub use quality::{AgencyQuality, FieldQuality, Quality};
pub use sections::{
    Coverage, Justice, Offending, Population, PopulationLine, TypeCoverage, plural,
};

/// Why an assessment could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error(
        "there are no person records: ingest returns first (sightline ingest FILE --agency ID)"
    )]
    NoRecords,
    #[error(
        "the records have not been linked into people: run `sightline link` first, then assess"
    )]
    NotLinked,
    #[error("{0}")]
    Truth(String),
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seed for community detection.
    pub seed: u64,
    /// Components with more members than this are also split into communities.
    pub split_above: usize,
    /// Nationalities shown before `other`.
    pub top_nationalities: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 42,
            split_above: 20,
            top_nationalities: 10,
        }
    }
}

/// Breakdowns of one population's attributes.
#[derive(Debug, Clone, Serialize)]
pub struct Attributes {
    pub population: String,
    pub people: u64,
    pub breakdowns: Vec<Breakdown>,
}

/// The missing-episode link.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    /// Victims by what the returns say: missing, not missing, no information (share of all).
    pub victims_status: Vec<Figure>,
    /// Victims with a missing episode or history, of those whose status is known.
    pub victims_missing: Figure,
    pub victims_with_episode: Figure,
    pub episode_before_first_incident: Figure,
    pub victims_missing_from: Breakdown,
    pub victims_episode_kind: Breakdown,
    pub days_first_episode_to_first_incident: Quartiles,
    pub other_children_with_episode: Figure,
    pub other_children_missing: Figure,
}

impl Missing {
    /// The single figures (not the breakdowns), in the order they are shown.
    pub fn figures(&self) -> Vec<&Figure> {
        let mut all: Vec<&Figure> = self.victims_status.iter().collect();
        all.extend([
            &self.victims_missing,
            &self.victims_with_episode,
            &self.episode_before_first_incident,
            &self.other_children_with_episode,
            &self.other_children_missing,
        ]);
        all
    }
}

/// What linkage did, and how sure its own model is of it.
#[derive(Debug, Clone, Serialize)]
pub struct Linkage {
    pub run: Option<i64>,
    pub records: u64,
    pub people: u64,
    /// Links the run made between records.
    pub links: u64,
    /// The sum over links of 1 − their match probability: how many of them the model itself
    /// expects to join records of different people.
    pub expected_false_links: f64,
    pub mean_link_probability: Option<f64>,
    /// Pairs of people the run kept apart although some pair of their records scored a match
    /// probability of at least 0.01.
    pub near_misses: u64,
    /// The sum of their probabilities: how many links the model expects it missed.
    pub expected_missed_links: f64,
}

/// The whole assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub linkage: Linkage,
    pub caveats: Vec<String>,
    pub counts: Vec<Count>,
    /// The figures the report leads with.
    pub headline: Vec<Figure>,
    pub population: Population,
    pub victims: Attributes,
    pub offenders: Attributes,
    pub offending: Offending,
    pub groups: Vec<GroupsSection>,
    pub missing: Missing,
    pub justice: Justice,
    pub coverage: Coverage,
    pub quality: Quality,
    /// Victims in all, known to an agency or not, estimated from the lists' overlap
    /// (`victims.estimated_total`).
    pub hidden_population: hidden::HiddenPopulation,
}

impl Assessment {
    /// Every figure of the assessment, in order.
    pub fn figures(&self) -> Vec<&Figure> {
        let mut all: Vec<&Figure> = self.headline.iter().collect();
        for b in self.all_breakdowns() {
            all.push(&b.recorded);
            all.extend(b.categories.iter().chain(&b.unknowns));
        }
        for g in &self.groups {
            all.extend(g.figures());
        }
        all.extend(self.missing.figures());
        all.extend(&self.justice.steps);
        all.extend(self.coverage.types.iter().map(|t| &t.returned_share));
        all.extend(&self.coverage.governance);
        for agency in &self.quality.agencies {
            all.push(&agency.rejected);
            for field in &agency.fields {
                all.extend([&field.completeness, &field.validity]);
                all.extend(&field.consistency);
            }
        }
        all
    }

    /// Every breakdown of the assessment, in order.
    pub fn all_breakdowns(&self) -> Vec<&Breakdown> {
        let mut all: Vec<&Breakdown> = Vec::new();
        all.extend(&self.victims.breakdowns);
        all.extend(&self.offenders.breakdowns);
        all.extend(&self.offending.breakdowns);
        all.extend(self.groups.iter().map(|g| &g.sizes));
        all.extend([
            &self.missing.victims_missing_from,
            &self.missing.victims_episode_kind,
        ]);
        all.extend(&self.justice.outcomes);
        for agency in &self.quality.agencies {
            all.push(&agency.ethnicity_precision);
        }
        all
    }

    /// The figure with this id.
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures().into_iter().find(|f| f.id == id)
    }

    pub fn count(&self, id: &str) -> Option<u64> {
        self.counts.iter().find(|c| c.id == id).map(|c| c.n)
    }
}

/// The probabilities of the links within people who hold a role, and of the near misses
/// between two people who both hold it (a near miss between a victim and someone else would not
/// change the count of victims if it were a missed link); with `group_prior`, the latter under
/// the group's prior (victims only: see [`group_prior`]).
/// `person_of_record` maps a record id to its person (an index into `people.people`).
fn linkage_terms(
    data: &Analysis,
    people: &people::People,
    person_of_record: &rustc_hash::FxHashMap<i64, usize>,
    holds: &dyn Fn(&people::Person) -> bool,
    group_prior: bool,
) -> (Vec<f64>, Vec<f64>) {
    let person = |record: i64| person_of_record.get(&record).map(|&p| &people.people[p]);
    let links = data
        .links
        .iter()
        .filter(|link| person(link.record_a).is_some_and(holds))
        .map(|link| link.probability)
        .collect();
    let prior = if group_prior {
        group_prior::GroupPrior::new(people, data.linkage_prior, holds)
    } else {
        group_prior::GroupPrior::RUN
    };
    let near = data
        .near_misses
        .iter()
        .filter(|(a, b, _)| person(*a).is_some_and(holds) && person(*b).is_some_and(holds))
        .map(|n| prior.reweigh(n.2))
        .collect();
    (links, near)
}

/// Computes the assessment.
pub fn assess(data: &Analysis, options: &Options) -> Result<Assessment, AssessError> {
    if data.people.is_empty() {
        return Err(AssessError::NoRecords);
    }
    if data.linkage_run.is_none() {
        return Err(AssessError::NotLinked);
    }
    let people = people::people(data);
    let mut caveats = Vec::new();
    if people.unlinked_records > 0 {
        caveats.push(format!(
            "{} person records came in after the latest linkage run and each counts as a person of its own; run `sightline link` again.",
            people.unlinked_records
        ));
    }
    caveats.push(
        "People are counted after linkage, which can split one person into two or join two into one; the methodology gives its estimated accuracy.".to_string(),
    );
    caveats.push(
        "Shares of the known leave out people whose value was not recorded, not known, refused or not stated; the bounds give the share of all if every unknown were, or were not, in the category.".to_string(),
    );
    caveats.push(
        "Ethnicity is as the person defined it; the observed (IC) group is reported separately and never fills a gap in it.".to_string(),
    );
    let population = sections::population(data, &people);
    let victims = sections::attributes(data, &people, sections::Role::Victim, options);
    let offenders = sections::attributes(data, &people, sections::Role::Offender, options);
    let offending = sections::offending(data, &people);
    let groups = groups::groups(data, &people, options);
    let missing = missing::missing(&people, data);
    let justice = sections::justice(data, &people.sources);
    let coverage = sections::coverage(data);
    let quality = quality::quality(data, &people);
    let hidden_population = hidden::hidden_population(data, &people, options.seed);

    let person_of_record: rustc_hash::FxHashMap<i64, usize> = data
        .people
        .iter()
        .zip(&people.person_of)
        .map(|(row, &p)| (row.record_id, p))
        .collect();
    let uncertainty = |holds: &dyn Fn(&people::Person) -> bool, n: u64, group_prior: bool| {
        let (links, near) = linkage_terms(data, &people, &person_of_record, holds, group_prior);
        Some(figure::LinkageUncertainty::new(n, &links, &near))
    };
    let counts = vec![
        figure::Count {
            linkage: uncertainty(&|p| p.victim, victims.people, true),
            ..figure::count("victims", "Victims (linked people)", victims.people)
        },
        figure::Count {
            linkage: uncertainty(&|p| p.offender, offenders.people, false),
            ..figure::count("offenders", "Offenders (linked people)", offenders.people)
        },
        figure::count(
            "groups",
            "Groups of offenders who shared an incident",
            groups.first().map_or(0, |g| g.groups.len() as u64),
        ),
        figure::count(
            "offenders_in_groups",
            "Offenders in a group",
            groups.first().map_or(0, |g| g.offenders_in_groups.n),
        ),
        figure::count("incidents", "Incidents", offending.incidents),
        figure::count("person_records", "Person records", data.people.len() as u64),
        figure::Count {
            linkage: uncertainty(&|_| true, people.people.len() as u64, false),
            ..figure::count(
                "people",
                "People (after linkage)",
                people.people.len() as u64,
            )
        },
    ];
    let mut headline = Vec::new();
    let mut take = |attributes: &Attributes, breakdown: &str, category: &str, label: &str| {
        let id = format!("{}.{breakdown}.{category}", attributes.population);
        if let Some(figure) = attributes
            .breakdowns
            .iter()
            .flat_map(|b| b.categories.iter())
            .find(|f| f.id == id)
        {
            headline.push(Figure {
                label: label.to_string(),
                ..figure.clone()
            });
        }
    };
    take(&victims, "sex", "female", "victims recorded as female");
    take(
        &victims,
        "age_12_17",
        "yes",
        "victims aged 12 to 17 at their first incident",
    );
    take(
        &offenders,
        "age_band",
        "18_24",
        "offenders aged 18 to 24 at their first incident",
    );
    take(&offenders, "sex", "male", "offenders recorded as male");
    take(
        &offenders,
        "identification",
        "name_and_date_of_birth",
        "offenders identified by name and date of birth",
    );
    headline.push(missing.victims_missing.clone());
    if let Some(g) = groups.first() {
        headline.push(g.offenders_in_groups.clone());
    }

    let links = data.link_probabilities.len() as u64;
    let linkage = Linkage {
        run: data.linkage_run,
        records: data.people.len() as u64,
        people: people.people.len() as u64,
        links,
        expected_false_links: data.link_probabilities.iter().map(|p| 1.0 - p).sum(),
        mean_link_probability: (links > 0)
            .then(|| data.link_probabilities.iter().sum::<f64>() / links as f64),
        near_misses: data.near_misses.len() as u64,
        expected_missed_links: data.near_misses.iter().map(|n| n.2).sum(),
    };
    Ok(Assessment {
        linkage,
        caveats,
        counts,
        headline,
        population,
        victims,
        offenders,
        offending,
        groups,
        missing,
        justice,
        coverage,
        quality,
        hidden_population,
    })
}
