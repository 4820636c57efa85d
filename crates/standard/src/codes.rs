//! Which codes may a coded field hold, and which code does a piece of text mean?
//!
//! A [`CodeList`] is a closed list of machine names with human labels and the synonyms agencies
//! write for them. Every list that can be unknown also accepts the four [`Unknown`] kinds, which
//! are kept apart because "we did not record it", "nobody knows", "they refused" and "they did
//! not say" are different facts.

use crate::fold::fold;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// Why a value is unknown. Never merged: each kind is counted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unknown {
    /// The agency did not record a value (a blank cell, "not recorded", "not yet obtained").
    NotRecorded,
    /// The agency recorded that the value is not known ("unknown", IC9).
    NotKnown,
    /// The person declined to give it.
    Refused,
    /// The person was asked and did not state it ("NS" in police codes).
    NotStated,
}

impl Unknown {
    pub const ALL: [Unknown; 4] = [
        Unknown::NotRecorded,
        Unknown::NotKnown,
        Unknown::Refused,
        Unknown::NotStated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Unknown::NotRecorded => "not_recorded",
            Unknown::NotKnown => "not_known",
            Unknown::Refused => "refused",
            Unknown::NotStated => "not_stated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unknown::NotRecorded => "Not recorded",
            Unknown::NotKnown => "Not known",
            Unknown::Refused => "Refused",
            Unknown::NotStated => "Not stated",
        }
    }

    /// Folded texts that mean this kind, in any coded field.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Unknown::NotRecorded => &[
                "not recorded",
                "nr",
                "none recorded",
                "no data",
                "blank",
                "nobt",
                "not obtained",
                "not yet obtained",
                "information not yet obtained",
                "information not obtained",
            ],
            Unknown::NotKnown => &[
                "not known",
                "unknown",
                "unk",
                "nk",
                "n k",
                "dont know",
                "do not know",
                "u",
            ],
            Unknown::Refused => &[
                "refused",
                "refu",
                "declined",
                "prefer not to say",
                "information refused",
            ],
            Unknown::NotStated => &["not stated", "ns", "n s", "not given", "not specified"],
        }
    }

    /// The unknown kind a folded text names, if any. A blank value is `NotRecorded`.
    pub fn from_folded(key: &str) -> Option<Unknown> {
        if key.is_empty() {
            return Some(Unknown::NotRecorded);
        }
        UNKNOWN_KEYS.get(key).copied()
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

static UNKNOWN_KEYS: LazyLock<HashMap<&'static str, Unknown>> = LazyLock::new(|| {
    let mut keys = HashMap::new();
    for kind in Unknown::ALL {
        keys.insert(kind.code().split('_').next().unwrap_or_default(), kind);
        for synonym in kind.synonyms() {
            keys.insert(*synonym, kind);
        }
    }
    // "not" alone means nothing; remove what the split above put in.
    keys.remove("not");
    keys.insert("not_recorded", Unknown::NotRecorded);
    keys.insert("not_known", Unknown::NotKnown);
    keys.insert("not_stated", Unknown::NotStated);
    keys
});

/// A coded value as normalised: a code of its list, an unknown kind, or text that maps to
/// nothing (kept so that it can be reported and the profile extended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coded {
    Code(&'static str),
    Unknown(Unknown),
    Unmapped,
}

impl Coded {
    /// The machine value written to normalised output: the code, the unknown kind, or
    /// `unmapped`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Coded::Code(code) => code,
            Coded::Unknown(kind) => kind.code(),
            Coded::Unmapped => "unmapped",
        }
    }

    pub fn code(&self) -> Option<&'static str> {
        match self {
            Coded::Code(code) => Some(code),
            _ => None,
        }
    }
}

/// One code of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Code {
    /// Machine name, e.g. `female`.
    pub code: &'static str,
    /// Human label, e.g. "Female".
    pub label: &'static str,
    /// Folded texts agencies write for it, besides the code and the label.
    #[serde(skip)]
    pub synonyms: &'static [&'static str],
}

const fn code(code: &'static str, label: &'static str, synonyms: &'static [&'static str]) -> Code {
    Code {
        code,
        label,
        synonyms,
    }
}

/// A closed list of codes.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct CodeList {
    /// Machine name of the list, e.g. `sex`.
    pub name: &'static str,
    /// What the list is, in words.
    pub label: &'static str,
    pub codes: &'static [Code],
    /// Whether the four unknown kinds are valid values of this list.
    pub allows_unknown: bool,
}

impl CodeList {
    /// The code this text means: a code, a label or a synonym of this list, or an unknown kind
    /// when the list allows them. `None` when it means nothing here.
    pub fn lookup(&'static self, text: &str) -> Coded {
        self.lookup_folded(&fold(text))
    }

    /// As [`CodeList::lookup`], for an already folded key.
    pub fn lookup_folded(&'static self, key: &str) -> Coded {
        if let Some(found) = LOOKUPS.get(self.name).and_then(|keys| keys.get(key)) {
            return Coded::Code(found);
        }
        if self.allows_unknown
            && let Some(kind) = Unknown::from_folded(key)
        {
            return Coded::Unknown(kind);
        }
        Coded::Unmapped
    }

    /// The code with this exact machine name.
    pub fn get(&self, machine_name: &str) -> Option<&'static Code> {
        self.codes.iter().find(|code| code.code == machine_name)
    }

    /// Every folded text this list accepts for its codes (not the unknown kinds), with the code.
    pub fn keys(&self) -> impl Iterator<Item = (String, &'static str)> + '_ {
        self.codes.iter().flat_map(|code| {
            [fold(code.code), fold(code.label)]
                .into_iter()
                .chain(code.synonyms.iter().map(|s| s.to_string()))
                .map(move |key| (key, code.code))
        })
    }
}

static LOOKUPS: LazyLock<HashMap<&'static str, HashMap<String, &'static str>>> =
    LazyLock::new(|| {
        ALL_LISTS
            .iter()
            .map(|list| (list.name, list.keys().collect()))
            .collect()
    });

pub static SEX: CodeList = CodeList {
    name: "sex",
    label: "Sex",
    allows_unknown: true,
    codes: &[
        code("female", "Female", &["f", "girl", "woman", "fem"]),
        code("male", "Male", &["m", "boy", "man"]),
    ],
};

pub static PERSON_ROLE: CodeList = CodeList {
    name: "person_role",
    label: "Role of a person in the agency's records",
    allows_unknown: false,
    codes: &[
        code(
            "victim",
            "Victim",
            &["v", "survivor", "child victim", "vic"],
        ),
        code(
            "suspect",
            "Suspect",
            &["s", "sus", "alleged offender", "nominal"],
        ),
        code(
            "offender",
            "Offender",
            &["o", "off", "perpetrator", "abuser"],
        ),
        code(
            "at_risk",
            "At risk",
            &["risk", "child at risk", "at risk of cse"],
        ),
    ],
};

pub static INVOLVEMENT_ROLE: CodeList = CodeList {
    name: "involvement_role",
    label: "Role of a person in an incident",
    allows_unknown: false,
    codes: &[
        code("victim", "Victim", &["v", "survivor", "child victim"]),
        code(
            "offender",
            "Suspect or offender",
            &[
                "suspect",
                "suspect offender",
                "perpetrator",
                "abuser",
                "o",
                "s",
            ],
        ),
        code(
            "paying_abuser",
            "Abuser who paid",
            &["paying abuser", "buyer", "punter", "paid"],
        ),
        code("other", "Other", &["witness"]),
    ],
};

pub static YES_NO: CodeList = CodeList {
    name: "yes_no",
    label: "Yes or no",
    allows_unknown: true,
    codes: &[
        code("yes", "Yes", &["y", "true", "t", "1", "x"]),
        code("no", "No", &["n", "false", "f", "0"]),
    ],
};

pub static MISSING_KIND: CodeList = CodeList {
    name: "missing_kind",
    label: "Missing (whereabouts unknown) or away (whereabouts known, not authorised)",
    allows_unknown: true,
    codes: &[
        code(
            "missing",
            "Missing",
            &["m", "mfh", "missing from home", "missing person"],
        ),
        code(
            "away",
            "Away or absent",
            &[
                "absent",
                "a",
                "away from placement",
                "away without authorisation",
            ],
        ),
    ],
};

pub static MISSING_FROM: CodeList = CodeList {
    name: "missing_from",
    label: "Where the child went missing from",
    allows_unknown: true,
    codes: &[
        code("home", "Home", &["family home", "parents", "from home"]),
        code(
            "care",
            "Care",
            &[
                "placement",
                "childrens home",
                "foster",
                "foster care",
                "residential",
                "from care",
                "lac",
            ],
        ),
        code("other", "Other", &["school", "hospital"]),
    ],
};

pub static LOCATION_TYPE: CodeList = CodeList {
    name: "location_type",
    label: "Type of place where the offending happened or began",
    allows_unknown: true,
    codes: &[
        code(
            "takeaway",
            "Takeaway or fast-food outlet",
            &[
                "fast food",
                "takeaway shop",
                "take away",
                "restaurant",
                "food outlet",
            ],
        ),
        code(
            "street",
            "Street or public place",
            &[
                "public place",
                "street public place",
                "street or public",
                "outdoors",
            ],
        ),
        code(
            "park",
            "Park",
            &["park or open space", "open space", "playground"],
        ),
        code("vehicle", "Vehicle", &["car", "taxi", "van"]),
        code(
            "private_dwelling",
            "Private dwelling",
            &[
                "house",
                "flat",
                "dwelling",
                "private house",
                "residential property",
                "home address",
            ],
        ),
        code(
            "hotel",
            "Hotel or guest house",
            &["guest house", "b b", "hostel", "hotel guest house"],
        ),
        code(
            "near_childrens_home",
            "Near a children's home",
            &[
                "childrens home",
                "near childrens home",
                "outside childrens home",
                "near care home",
            ],
        ),
        code(
            "school_vicinity",
            "School vicinity",
            &["school", "near school", "outside school", "school gates"],
        ),
        code(
            "shopping_centre",
            "Shopping centre",
            &["shopping center", "shops", "mall"],
        ),
        code(
            "transport_hub",
            "Transport hub",
            &[
                "bus station",
                "train station",
                "railway station",
                "station",
                "transport",
            ],
        ),
        code(
            "online",
            "Online-initiated",
            &[
                "internet",
                "online initiated",
                "social media",
                "online contact",
            ],
        ),
        code("other", "Other", &[]),
    ],
};

pub static OFFENCE: CodeList = CodeList {
    name: "offence",
    label: "Offence category",
    allows_unknown: true,
    codes: &[
        code(
            "rape",
            "Rape",
            &["rape of a child", "rape of a child under 13"],
        ),
        code(
            "sexual_assault",
            "Sexual assault",
            &[
                "sexual assault of a child",
                "indecent assault",
                "assault by penetration",
            ],
        ),
        code(
            "sexual_activity_with_child",
            "Sexual activity with a child",
            &["sexual activity", "sexual activity with a child under 16"],
        ),
        code(
            "causing_child_sexual_activity",
            "Causing or inciting a child to engage in sexual activity",
            &["causing or inciting", "inciting a child"],
        ),
        code(
            "grooming",
            "Meeting a child following sexual grooming",
            &["sexual grooming", "meeting following grooming"],
        ),
        code(
            "sexual_communication",
            "Sexual communication with a child",
            &["sexual communication"],
        ),
        code(
            "sexual_exploitation",
            "Paying for, causing, arranging or facilitating the sexual exploitation of a child",
            &[
                "child sexual exploitation",
                "cse",
                "arranging or facilitating",
                "child prostitution",
            ],
        ),
        code(
            "indecent_images",
            "Indecent images of children",
            &["iioc", "indecent photographs", "indecent images"],
        ),
        code(
            "trafficking",
            "Trafficking for sexual exploitation",
            &[
                "human trafficking",
                "internal trafficking",
                "trafficking within the uk",
            ],
        ),
        code(
            "abduction",
            "Child abduction",
            &["child abduction", "abduction of a child"],
        ),
        code("other_sexual", "Other sexual offence", &["other sexual"]),
        code("other", "Other offence", &[]),
    ],
};

pub static OUTCOME: CodeList = CodeList {
    name: "outcome",
    label: "Police outcome or court result",
    allows_unknown: true,
    codes: &[
        code(
            "investigation_ongoing",
            "Investigation ongoing",
            &["ongoing", "under investigation", "pending", "open"],
        ),
        code(
            "charged_summonsed",
            "Charged or summonsed",
            &["charged", "summonsed", "charge summons", "outcome 1"],
        ),
        code(
            "cautioned",
            "Cautioned",
            &["caution", "youth caution", "adult caution"],
        ),
        code("community_resolution", "Community resolution", &["cr"]),
        code(
            "nfa_evidential_victim_supports",
            "No further action: evidential difficulties, victim supports action",
            &["outcome 15", "evidential difficulties victim supports"],
        ),
        code(
            "nfa_evidential_victim_does_not_support",
            "No further action: evidential difficulties, victim does not support action",
            &[
                "outcome 16",
                "evidential difficulties victim does not support",
                "victim withdrew",
                "victim does not support",
            ],
        ),
        code(
            "nfa_public_interest",
            "No further action: not in the public interest",
            &["not in public interest", "public interest"],
        ),
        code(
            "nfa_suspect_not_identified",
            "No further action: suspect not identified",
            &["suspect not identified", "outcome 18", "undetected"],
        ),
        code(
            "nfa_other",
            "No further action: other reason",
            &["nfa", "no further action"],
        ),
        code("convicted", "Convicted at court", &["guilty", "conviction"]),
        code(
            "acquitted",
            "Acquitted at court",
            &["not guilty", "acquittal"],
        ),
        code(
            "case_discontinued",
            "Case discontinued or dropped before verdict",
            &["discontinued", "dropped", "cps discontinued"],
        ),
        code("other", "Other outcome", &[]),
    ],
};

pub static LEGAL_STATUS: CodeList = CodeList {
    name: "legal_status",
    label: "Looked-after legal status (SSDA903 codes)",
    allows_unknown: true,
    codes: &[
        code("C1", "Interim care order", &["interim care order", "ico"]),
        code(
            "C2",
            "Full care order",
            &["care order", "full care order", "s31"],
        ),
        code("D1", "Freeing order granted", &[]),
        code("E1", "Placement order granted", &["placement order"]),
        code(
            "J1",
            "Remanded to local authority or youth detention accommodation",
            &["remanded"],
        ),
        code(
            "J2",
            "Placed in local authority accommodation under PACE",
            &["pace"],
        ),
        code(
            "J3",
            "Sentenced to a supervision order with residence requirement",
            &[],
        ),
        code(
            "L1",
            "Under police protection and in local authority accommodation",
            &["police protection"],
        ),
        code(
            "L2",
            "Emergency protection order",
            &["emergency protection order", "epo"],
        ),
        code(
            "L3",
            "Under child assessment order and in local authority accommodation",
            &["child assessment order"],
        ),
        code(
            "V2",
            "Single period of accommodation under section 20",
            &["section 20", "s20", "voluntary"],
        ),
        code(
            "V3",
            "Accommodated under an agreed series of short-term breaks (episodes recorded)",
            &[],
        ),
        code(
            "V4",
            "Accommodated under an agreed series of short-term breaks (agreements recorded)",
            &[],
        ),
    ],
};

pub static AGENCY_TYPE: CodeList = CodeList {
    name: "agency_type",
    label: "Type of agency",
    allows_unknown: false,
    codes: &[
        code("police", "Police force", &["police force", "constabulary"]),
        code(
            "childrens_services",
            "Children's services",
            &[
                "local authority",
                "social care",
                "childrens social care",
                "csc",
                "la",
            ],
        ),
        code("health", "Health body", &["nhs", "health trust", "icb"]),
        code("education", "Education", &["school", "schools"]),
        code(
            "charity",
            "Charity or voluntary organisation",
            &["voluntary", "vcs", "ngo"],
        ),
        code(
            "safeguarding_board",
            "Safeguarding board or partnership",
            &["lscb", "safeguarding partnership", "lscp"],
        ),
        code("other", "Other", &[]),
    ],
};

/// Every simple code list of the standard. Ethnicity and nationality, which need more than a
/// lookup, live in their own modules.
pub static ALL_LISTS: &[&CodeList] = &[
    &SEX,
    &PERSON_ROLE,
    &INVOLVEMENT_ROLE,
    &YES_NO,
    &MISSING_KIND,
    &MISSING_FROM,
    &LOCATION_TYPE,
    &OFFENCE,
    &OUTCOME,
    &LEGAL_STATUS,
    &AGENCY_TYPE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_key_means_one_code() {
        for list in ALL_LISTS {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for (key, code) in list.keys() {
                if let Some(other) = seen.insert(key.clone(), code) {
                    assert_eq!(
                        other, code,
                        "{}: '{key}' means both {other} and {code}",
                        list.name
                    );
                }
                assert_eq!(
                    key,
                    fold(&key),
                    "{}: synonym '{key}' is not folded",
                    list.name
                );
                if list.allows_unknown {
                    assert!(
                        Unknown::from_folded(&key).is_none(),
                        "{}: '{key}' is also an unknown kind",
                        list.name
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_kinds_stay_distinct() {
        assert_eq!(SEX.lookup(""), Coded::Unknown(Unknown::NotRecorded));
        assert_eq!(
            SEX.lookup("Not recorded"),
            Coded::Unknown(Unknown::NotRecorded)
        );
        assert_eq!(SEX.lookup("Unknown"), Coded::Unknown(Unknown::NotKnown));
        assert_eq!(SEX.lookup("Refused"), Coded::Unknown(Unknown::Refused));
        assert_eq!(SEX.lookup("not_stated"), Coded::Unknown(Unknown::NotStated));
        assert_eq!(SEX.lookup("NS"), Coded::Unknown(Unknown::NotStated));
        assert_eq!(SEX.lookup("Not"), Coded::Unmapped);
    }

    #[test]
    fn codes_labels_and_synonyms_are_found() {
        assert_eq!(SEX.lookup("F"), Coded::Code("female"));
        assert_eq!(SEX.lookup(" girl "), Coded::Code("female"));
        assert_eq!(SEX.lookup("Male"), Coded::Code("male"));
        assert_eq!(SEX.lookup("X"), Coded::Unmapped);
        assert_eq!(
            LOCATION_TYPE.lookup("Takeaway or fast-food outlet"),
            Coded::Code("takeaway")
        );
        assert_eq!(
            LOCATION_TYPE.lookup("near_childrens_home"),
            Coded::Code("near_childrens_home")
        );
        assert_eq!(LEGAL_STATUS.lookup("c2"), Coded::Code("C2"));
        assert_eq!(
            INVOLVEMENT_ROLE.lookup("Suspect/Offender"),
            Coded::Code("offender")
        );
        assert_eq!(
            PERSON_ROLE.lookup("unknown"),
            Coded::Unmapped,
            "roles have no unknowns"
        );
        assert_eq!(YES_NO.lookup("Y"), Coded::Code("yes"));
        assert_eq!(MISSING_KIND.lookup("Absent"), Coded::Code("away"));
    }
}
