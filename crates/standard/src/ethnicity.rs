//! What ethnicity does a recorded value state, at what precision, and under which scheme?
//!
//! Self-defined ethnicity is normalised to the 2021 England and Wales harmonised list (19 codes
//! in 5 groups). Older schemes are crosswalked into it at the precision they really have: the
//! police 16+1 code W9 "any other White" also covers Roma, who have their own 2021 code, so W9
//! becomes the `white` group, not `white_other`. Officer-observed ethnicity (IC codes) is kept
//! apart and is never more precise than a group.
//!
//! Text is never read beyond what it says: "British" is a national identity, not an ethnicity;
//! "Pakistani" in a column that holds both ethnicity and nationality could be either.

use crate::codes::Unknown;
use crate::fold::fold;
use crate::nationality::{self, Nationality};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The five groups of the 2021 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Asian,
    Black,
    Mixed,
    White,
    Other,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Asian,
        Group::Black,
        Group::Mixed,
        Group::White,
        Group::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Group::Asian => "asian",
            Group::Black => "black",
            Group::Mixed => "mixed",
            Group::White => "white",
            Group::Other => "other",
        }
    }

    /// The 2021 harmonised standard's label.
    pub fn label(self) -> &'static str {
        match self {
            Group::Asian => "Asian, Asian British or Asian Welsh",
            Group::Black => "Black, Black British, Black Welsh, Caribbean or African",
            Group::Mixed => "Mixed or Multiple ethnic groups",
            Group::White => "White",
            Group::Other => "Other ethnic group",
        }
    }
}

/// One code of the 2021 list.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
pub struct EthnicityCode {
    pub code: &'static str,
    /// The 2021 label within its group, e.g. "Pakistani".
    pub label: &'static str,
    pub group: Group,
}

const fn detailed(code: &'static str, label: &'static str, group: Group) -> EthnicityCode {
    EthnicityCode { code, label, group }
}

/// The 19 codes of the 2021 England and Wales harmonised list.
pub static CODES: [EthnicityCode; 19] = [
    detailed("asian_bangladeshi", "Bangladeshi", Group::Asian),
    detailed("asian_chinese", "Chinese", Group::Asian),
    detailed("asian_indian", "Indian", Group::Asian),
    detailed("asian_pakistani", "Pakistani", Group::Asian),
    detailed("asian_other", "Any other Asian background", Group::Asian),
    detailed("black_african", "African", Group::Black),
    detailed("black_caribbean", "Caribbean", Group::Black),
    detailed(
        "black_other",
        "Any other Black, Black British, or Caribbean background",
        Group::Black,
    ),
    detailed("mixed_white_asian", "White and Asian", Group::Mixed),
    detailed(
        "mixed_white_black_african",
        "White and Black African",
        Group::Mixed,
    ),
    detailed(
        "mixed_white_black_caribbean",
        "White and Black Caribbean",
        Group::Mixed,
    ),
    detailed(
        "mixed_other",
        "Any other Mixed or multiple ethnic background",
        Group::Mixed,
    ),
    detailed(
        "white_british",
        "English, Welsh, Scottish, Northern Irish or British",
        Group::White,
    ),
    detailed("white_irish", "Irish", Group::White),
    detailed(
        "white_gypsy_irish_traveller",
        "Gypsy or Irish Traveller",
        Group::White,
    ),
    detailed("white_roma", "Roma", Group::White),
    detailed("white_other", "Any other White background", Group::White),
    detailed("other_arab", "Arab", Group::Other),
    detailed("other_any", "Any other ethnic group", Group::Other),
];

/// The code with this machine name.
pub fn code(machine_name: &str) -> Option<&'static EthnicityCode> {
    CODES.iter().find(|entry| entry.code == machine_name)
}

/// How precise a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Detailed,
    Group,
    Unknown,
}

impl Precision {
    pub fn code(self) -> &'static str {
        match self {
            Precision::Detailed => "detailed",
            Precision::Group => "group",
            Precision::Unknown => "unknown",
        }
    }
}

/// A normalised ethnicity, self-defined or observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ethnicity {
    Detailed(&'static EthnicityCode),
    Group(Group),
    Unknown(Unknown),
    /// Text that maps to nothing: kept so it can be reported and the profile extended.
    Unmapped,
}

impl Ethnicity {
    pub fn group(&self) -> Option<Group> {
        match self {
            Ethnicity::Detailed(entry) => Some(entry.group),
            Ethnicity::Group(group) => Some(*group),
            _ => None,
        }
    }

    /// The detailed code, if the value has that precision.
    pub fn detailed_code(&self) -> Option<&'static str> {
        match self {
            Ethnicity::Detailed(entry) => Some(entry.code),
            _ => None,
        }
    }

    pub fn precision(&self) -> Precision {
        match self {
            Ethnicity::Detailed(_) => Precision::Detailed,
            Ethnicity::Group(_) => Precision::Group,
            _ => Precision::Unknown,
        }
    }

    /// The group code, the unknown kind, or `unmapped`: the value of an `ethnicity_group`
    /// column.
    pub fn group_str(&self) -> &'static str {
        match self {
            Ethnicity::Detailed(entry) => entry.group.code(),
            Ethnicity::Group(group) => group.code(),
            Ethnicity::Unknown(kind) => kind.code(),
            Ethnicity::Unmapped => "unmapped",
        }
    }

    /// The most precise value as one string: a detailed code, a group code, an unknown kind or
    /// `unmapped`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Ethnicity::Detailed(entry) => entry.code,
            _ => self.group_str(),
        }
    }

    /// Reads a value written as its own machine name (`asian_pakistani`, `white`, `not_known`).
    pub fn from_code(text: &str) -> Option<Ethnicity> {
        if let Some(entry) = code(text) {
            return Some(Ethnicity::Detailed(entry));
        }
        if let Some(group) = Group::ALL.into_iter().find(|group| group.code() == text) {
            return Some(Ethnicity::Group(group));
        }
        Unknown::ALL
            .into_iter()
            .find(|kind| kind.code() == text)
            .map(Ethnicity::Unknown)
    }
}

/// The scheme a self-defined value was recorded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// The 2021 England and Wales harmonised list (the standard's own).
    Census2021,
    /// The 2011 census list (18 categories; Roma inside "Any other White").
    Census2011,
    /// Police self-defined 16+1 (Chinese is O1).
    Police16,
    /// Police self-defined 18+1 (adds W3 Gypsy or Irish Traveller and O2 Arab; Chinese is A4).
    Police18,
    /// Schools and children's social care codes (WBRI ... OOTH, REFU, NOBT).
    Csc,
    /// Free text written by whoever recorded it.
    FreeText,
}

impl Scheme {
    pub const ALL: [Scheme; 6] = [
        Scheme::Census2021,
        Scheme::Census2011,
        Scheme::Police16,
        Scheme::Police18,
        Scheme::Csc,
        Scheme::FreeText,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scheme::Census2021 => "census_2021",
            Scheme::Census2011 => "census_2011",
            Scheme::Police16 => "police_16_1",
            Scheme::Police18 => "police_18_1",
            Scheme::Csc => "csc",
            Scheme::FreeText => "free_text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scheme::Census2021 => "2021 census (England and Wales harmonised standard)",
            Scheme::Census2011 => "2011 census",
            Scheme::Police16 => "Police self-defined 16+1",
            Scheme::Police18 => "Police self-defined 18+1",
            Scheme::Csc => "Schools and children's social care codes",
            Scheme::FreeText => "Free text",
        }
    }

    /// Reads a scheme name as agencies write it ("16+1", "18+1", "2011", "DfE", ...).
    pub fn parse(text: &str) -> Option<Scheme> {
        let key = fold(text);
        Scheme::ALL
            .into_iter()
            .find(|scheme| fold(scheme.code()) == key)
            .or(match key.as_str() {
                "2021" | "census 2021" | "ons 2021" | "gss 2021" | "2021 census" => {
                    Some(Scheme::Census2021)
                }
                "2011" | "census 2011" | "ons 2011" | "2011 census" => Some(Scheme::Census2011),
                "16 1" | "16" | "police 16" | "sde 16" => Some(Scheme::Police16),
                "18 1" | "18" | "police 18" | "sde 18" => Some(Scheme::Police18),
                "dfe" | "schools" | "school" | "cin" | "children s services" => Some(Scheme::Csc),
                "free" | "text" | "freetext" => Some(Scheme::FreeText),
                _ => None,
            })
    }
}

/// What a crosswalk entry maps to: a detailed code, a group, or an unknown kind.
#[derive(Debug, Clone, Copy)]
pub enum To {
    D(&'static str),
    G(Group),
    U(Unknown),
}

impl To {
    pub fn ethnicity(self) -> Ethnicity {
        match self {
            // The tables are tested entry by entry; a bad code name there is a bug caught by
            // `every_crosswalk_target_exists`.
            To::D(name) => code(name).map_or(Ethnicity::Unmapped, Ethnicity::Detailed),
            To::G(group) => Ethnicity::Group(group),
            To::U(kind) => Ethnicity::Unknown(kind),
        }
    }
}

use Group::{Asian, Black, Mixed, Other, White};
use To::{D, G, U};

/// Police self-defined 16+1. W9 and O9 cover categories the 2021 list splits (Roma; Arab), so
/// they map to their group.
pub static POLICE_16_1: &[(&str, To)] = &[
    ("W1", D("white_british")),
    ("W2", D("white_irish")),
    ("W9", G(White)),
    ("M1", D("mixed_white_black_caribbean")),
    ("M2", D("mixed_white_black_african")),
    ("M3", D("mixed_white_asian")),
    ("M9", D("mixed_other")),
    ("A1", D("asian_indian")),
    ("A2", D("asian_pakistani")),
    ("A3", D("asian_bangladeshi")),
    ("A9", D("asian_other")),
    ("B1", D("black_caribbean")),
    ("B2", D("black_african")),
    ("B9", D("black_other")),
    ("O1", D("asian_chinese")),
    ("O9", G(Other)),
    ("NS", U(Unknown::NotStated)),
];

/// Police self-defined 18+1. W9 still covers Roma; O9 no longer covers Arab.
pub static POLICE_18_1: &[(&str, To)] = &[
    ("W1", D("white_british")),
    ("W2", D("white_irish")),
    ("W3", D("white_gypsy_irish_traveller")),
    ("W9", G(White)),
    ("M1", D("mixed_white_black_caribbean")),
    ("M2", D("mixed_white_black_african")),
    ("M3", D("mixed_white_asian")),
    ("M9", D("mixed_other")),
    ("A1", D("asian_indian")),
    ("A2", D("asian_pakistani")),
    ("A3", D("asian_bangladeshi")),
    ("A4", D("asian_chinese")),
    ("A9", D("asian_other")),
    ("B1", D("black_caribbean")),
    ("B2", D("black_african")),
    ("B9", D("black_other")),
    ("O2", D("other_arab")),
    ("O9", D("other_any")),
    ("NS", U(Unknown::NotStated)),
];

/// Schools and children's social care codes. WROM (Gypsy/Roma) spans two 2021 codes; OOTH
/// includes Arab.
pub static CSC: &[(&str, To)] = &[
    ("WBRI", D("white_british")),
    ("WIRI", D("white_irish")),
    ("WIRT", D("white_gypsy_irish_traveller")),
    ("WOTH", D("white_other")),
    ("WROM", G(White)),
    ("MWBC", D("mixed_white_black_caribbean")),
    ("MWBA", D("mixed_white_black_african")),
    ("MWAS", D("mixed_white_asian")),
    ("MOTH", D("mixed_other")),
    ("AIND", D("asian_indian")),
    ("APKN", D("asian_pakistani")),
    ("ABAN", D("asian_bangladeshi")),
    ("AOTH", D("asian_other")),
    ("BCRB", D("black_caribbean")),
    ("BAFR", D("black_african")),
    ("BOTH", D("black_other")),
    ("CHNE", D("asian_chinese")),
    ("OOTH", G(Other)),
    ("REFU", U(Unknown::Refused)),
    ("NOBT", U(Unknown::NotRecorded)),
];

/// The 2011 census list, as "group: category". Its "Any other White background" includes Roma.
pub static CENSUS_2011: &[(&str, To)] = &[
    (
        "White: English/Welsh/Scottish/Northern Irish/British",
        D("white_british"),
    ),
    ("White: Irish", D("white_irish")),
    (
        "White: Gypsy or Irish Traveller",
        D("white_gypsy_irish_traveller"),
    ),
    ("White: Any other White background", G(White)),
    (
        "Mixed/multiple ethnic groups: White and Black Caribbean",
        D("mixed_white_black_caribbean"),
    ),
    (
        "Mixed/multiple ethnic groups: White and Black African",
        D("mixed_white_black_african"),
    ),
    (
        "Mixed/multiple ethnic groups: White and Asian",
        D("mixed_white_asian"),
    ),
    (
        "Mixed/multiple ethnic groups: Any other Mixed/multiple ethnic background",
        D("mixed_other"),
    ),
    ("Asian/Asian British: Indian", D("asian_indian")),
    ("Asian/Asian British: Pakistani", D("asian_pakistani")),
    ("Asian/Asian British: Bangladeshi", D("asian_bangladeshi")),
    ("Asian/Asian British: Chinese", D("asian_chinese")),
    (
        "Asian/Asian British: Any other Asian background",
        D("asian_other"),
    ),
    (
        "Black/African/Caribbean/Black British: African",
        D("black_african"),
    ),
    (
        "Black/African/Caribbean/Black British: Caribbean",
        D("black_caribbean"),
    ),
    (
        "Black/African/Caribbean/Black British: Any other Black/African/Caribbean background",
        D("black_other"),
    ),
    ("Other ethnic group: Arab", D("other_arab")),
    ("Other ethnic group: Any other ethnic group", D("other_any")),
];

/// The 2001 census categories (England and Wales), with their group prefixes.
pub static CENSUS_2001: &[(&str, To)] = &[
    ("White: British", D("white_british")),
    ("White: Irish", D("white_irish")),
    ("White: Any other White background", G(White)),
    (
        "Mixed: White and Black Caribbean",
        D("mixed_white_black_caribbean"),
    ),
    (
        "Mixed: White and Black African",
        D("mixed_white_black_african"),
    ),
    ("Mixed: White and Asian", D("mixed_white_asian")),
    ("Mixed: Any other Mixed background", D("mixed_other")),
    ("Asian or Asian British: Indian", D("asian_indian")),
    ("Asian or Asian British: Pakistani", D("asian_pakistani")),
    (
        "Asian or Asian British: Bangladeshi",
        D("asian_bangladeshi"),
    ),
    (
        "Asian or Asian British: Any other Asian background",
        D("asian_other"),
    ),
    ("Black or Black British: Caribbean", D("black_caribbean")),
    ("Black or Black British: African", D("black_african")),
    (
        "Black or Black British: Any other Black background",
        D("black_other"),
    ),
    ("Chinese or other ethnic group: Chinese", D("asian_chinese")),
    (
        "Chinese or other ethnic group: Any other ethnic group",
        D("other_any"),
    ),
];

/// Census labels as forms often carry them, without their group prefix ("Any other Black
/// background"). Bare labels that would read as something else are left out: "British" alone is
/// a national identity, not the 2001 "White: British".
fn bare_census_keys() -> HashMap<String, Ethnicity> {
    let mut keys = HashMap::new();
    for (text, to) in CENSUS_2001.iter().chain(CENSUS_2011) {
        if let Some((_, bare)) = text.split_once(": ")
            && bare != "British"
        {
            keys.entry(fold(bare)).or_insert_with(|| to.ethnicity());
        }
    }
    keys
}

/// Common free text, folded. Checked after codes and census labels. Qualifiers such as
/// "British" in "Black British" are read as part of the ethnicity here; a column declared to
/// hold ethnicity and nationality also reads them as nationality (see [`read_combined`]).
pub static FREE_TEXT: &[(&str, To)] = &[
    ("white british", D("white_british")),
    ("british white", D("white_british")),
    ("white english", D("white_british")),
    ("white scottish", D("white_british")),
    ("white welsh", D("white_british")),
    ("white northern irish", D("white_british")),
    ("white uk", D("white_british")),
    ("white irish", D("white_irish")),
    ("irish white", D("white_irish")),
    ("white other", D("white_other")),
    ("other white", D("white_other")),
    ("white", G(White)),
    ("caucasian", G(White)),
    ("white european", G(White)),
    ("european", G(White)),
    ("white eastern european", G(White)),
    ("eastern european", G(White)),
    ("white non british", G(White)),
    ("gypsy", D("white_gypsy_irish_traveller")),
    ("traveller", D("white_gypsy_irish_traveller")),
    ("irish traveller", D("white_gypsy_irish_traveller")),
    ("gypsy traveller", D("white_gypsy_irish_traveller")),
    (
        "traveller of irish heritage",
        D("white_gypsy_irish_traveller"),
    ),
    ("gypsy roma", G(White)),
    ("gypsy roma traveller", G(White)),
    ("white roma", D("white_roma")),
    ("asian", G(Asian)),
    ("asian british", G(Asian)),
    ("british asian", G(Asian)),
    ("asian or asian british", G(Asian)),
    ("asian other", D("asian_other")),
    ("other asian", D("asian_other")),
    ("british pakistani", D("asian_pakistani")),
    ("pakistani british", D("asian_pakistani")),
    ("british indian", D("asian_indian")),
    ("british bangladeshi", D("asian_bangladeshi")),
    ("british chinese", D("asian_chinese")),
    ("black", G(Black)),
    ("black british", G(Black)),
    ("british black", G(Black)),
    ("black or black british", G(Black)),
    ("black other", D("black_other")),
    ("other black", D("black_other")),
    ("mixed", G(Mixed)),
    ("mixed race", G(Mixed)),
    ("mixed heritage", G(Mixed)),
    ("dual heritage", G(Mixed)),
    ("mixed ethnicity", G(Mixed)),
    ("multiple ethnic groups", G(Mixed)),
    (
        "mixed white black caribbean",
        D("mixed_white_black_caribbean"),
    ),
    (
        "mixed white and black caribbean",
        D("mixed_white_black_caribbean"),
    ),
    ("mixed w b carib", D("mixed_white_black_caribbean")),
    ("mixed w b caribbean", D("mixed_white_black_caribbean")),
    ("white black caribbean", D("mixed_white_black_caribbean")),
    ("mixed white black african", D("mixed_white_black_african")),
    (
        "mixed white and black african",
        D("mixed_white_black_african"),
    ),
    ("mixed w b african", D("mixed_white_black_african")),
    ("mixed w b afr", D("mixed_white_black_african")),
    ("white black african", D("mixed_white_black_african")),
    ("mixed white asian", D("mixed_white_asian")),
    ("mixed white and asian", D("mixed_white_asian")),
    ("mixed w asian", D("mixed_white_asian")),
    ("white asian", D("mixed_white_asian")),
    ("mixed other", D("mixed_other")),
    ("other mixed", D("mixed_other")),
    ("arab", D("other_arab")),
    ("other", G(Other)),
    ("other ethnic group", G(Other)),
    ("other ethnicity", G(Other)),
];

/// Officer-observed identity codes and their usual labels. None is more precise than a group:
/// IC4 "Asian" can never be refined to Pakistani or Indian.
pub static IC_CODES: &[(&str, To)] = &[
    ("IC1", G(White)),
    ("IC2", G(White)),
    ("IC3", G(Black)),
    ("IC4", G(Asian)),
    ("IC5", G(Asian)),
    ("IC6", G(Other)),
    ("IC0", U(Unknown::NotKnown)),
    ("IC9", U(Unknown::NotKnown)),
];

static IC_LABELS: &[(&str, To)] = &[
    ("white north european", G(White)),
    ("white south european", G(White)),
    ("white", G(White)),
    ("black", G(Black)),
    ("asian", G(Asian)),
    ("chinese japanese or other south east asian", G(Asian)),
    ("chinese japanese or south east asian", G(Asian)),
    ("arab or north african", G(Other)),
    ("arabic or north african", G(Other)),
    ("other", G(Other)),
];

fn key_map(entries: &[(&'static str, To)]) -> HashMap<String, Ethnicity> {
    entries
        .iter()
        .map(|(text, to)| (fold(text), to.ethnicity()))
        .collect()
}

/// Folded keys of the 2021 labels: "pakistani", "asian pakistani", and the label with its full
/// group label before it. Machine names (`asian_pakistani`, `white`) fold to the same keys.
static CENSUS_2021_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| {
    let mut keys = HashMap::new();
    for entry in &CODES {
        let value = Ethnicity::Detailed(entry);
        keys.insert(fold(entry.label), value);
        keys.insert(fold(entry.code), value);
        keys.insert(
            fold(&format!("{} {}", entry.group.code(), entry.label)),
            value,
        );
        keys.insert(
            fold(&format!("{} {}", entry.group.label(), entry.label)),
            value,
        );
    }
    for group in Group::ALL {
        keys.insert(fold(group.label()), Ethnicity::Group(group));
        keys.insert(fold(group.code()), Ethnicity::Group(group));
    }
    keys
});

static POLICE_16_KEYS: LazyLock<HashMap<String, Ethnicity>> =
    LazyLock::new(|| key_map(POLICE_16_1));
static POLICE_18_KEYS: LazyLock<HashMap<String, Ethnicity>> =
    LazyLock::new(|| key_map(POLICE_18_1));
static CSC_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| key_map(CSC));
static CENSUS_2011_KEYS: LazyLock<HashMap<String, Ethnicity>> =
    LazyLock::new(|| key_map(CENSUS_2011));
/// The 2001 labels with their prefixes, and the 2001 and 2011 labels without.
static OLDER_CENSUS_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| {
    let mut keys = bare_census_keys();
    keys.extend(key_map(CENSUS_2001));
    keys
});
static FREE_TEXT_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| key_map(FREE_TEXT));
static IC_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| {
    let mut keys = key_map(IC_CODES);
    keys.extend(key_map(IC_LABELS));
    keys
});

/// Codes of the police schemes when no scheme is declared: both lists together, and where they
/// disagree (O9 covers Arab in 16+1 only) the less precise reading.
static POLICE_ANY_KEYS: LazyLock<HashMap<String, Ethnicity>> = LazyLock::new(|| {
    let mut keys = key_map(POLICE_18_1);
    keys.extend(key_map(POLICE_16_1));
    keys
});

/// Why a value was read the way it was; each becomes a warning on the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// An officer-observed IC code was found where self-defined ethnicity belongs; it was moved.
    IcCodeMoved,
    /// The text names an ethnicity and a nationality alike ("Pakistani"): read as ethnicity,
    /// nationality left unknown.
    Ambiguous,
    /// The text is a national identity ("British"), not an ethnicity.
    NationalIdentity,
    /// The value is a code of another scheme than the one declared (O1 under 18+1).
    NotInScheme,
    /// The text maps to nothing.
    Unmapped,
}

/// How one self-defined value (or one combined ethnicity-and-nationality value) was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub ethnicity: Ethnicity,
    /// Set when an IC code was found in the self-defined column.
    pub observed: Option<Ethnicity>,
    /// Set when the text states a nationality (always set for a combined column).
    pub nationality: Option<Nationality>,
    pub note: Option<Note>,
}

impl Reading {
    fn ethnicity(ethnicity: Ethnicity) -> Reading {
        Reading {
            ethnicity,
            observed: None,
            nationality: None,
            note: None,
        }
    }
}

/// The ethnicity a folded key names under a scheme, from codes, census labels and free text.
fn lookup(key: &str, scheme: Option<Scheme>) -> Option<Ethnicity> {
    let codes: &HashMap<String, Ethnicity> = match scheme {
        Some(Scheme::Police16) => &POLICE_16_KEYS,
        Some(Scheme::Police18) => &POLICE_18_KEYS,
        Some(Scheme::Csc) => &CSC_KEYS,
        Some(Scheme::Census2011) => &CENSUS_2011_KEYS,
        _ => &POLICE_ANY_KEYS,
    };
    if let Some(found) = codes.get(key) {
        return Some(*found);
    }
    if scheme.is_none()
        && let Some(found) = CSC_KEYS.get(key).or_else(|| CENSUS_2011_KEYS.get(key))
    {
        return Some(*found);
    }
    CENSUS_2021_KEYS
        .get(key)
        .or_else(|| OLDER_CENSUS_KEYS.get(key))
        .or_else(|| FREE_TEXT_KEYS.get(key))
        .copied()
}

/// Whether a folded key is a code of some scheme other than the declared one.
fn is_code_of_other_scheme(key: &str) -> bool {
    POLICE_ANY_KEYS.contains_key(key) || CSC_KEYS.contains_key(key)
}

/// Reads an officer-observed value (IC1–IC6, IC0/IC9, or their labels): a group or unknown.
pub fn read_observed(text: &str) -> Ethnicity {
    let key = fold(text);
    if let Some(kind) = Unknown::from_folded(&key) {
        return Ethnicity::Unknown(kind);
    }
    let compact = key.replace(' ', "");
    IC_KEYS
        .get(&compact)
        .or_else(|| IC_KEYS.get(&key))
        .copied()
        .unwrap_or(Ethnicity::Unmapped)
}

/// The observed value if the folded key is an IC code ("IC4", "ic 4").
fn ic_code(key: &str) -> Option<Ethnicity> {
    let compact = key.replace(' ', "");
    if compact.len() == 3 && compact.starts_with("ic") {
        return IC_KEYS.get(&compact).copied();
    }
    None
}

/// Reads a self-defined ethnicity value recorded under `scheme` (or an unknown scheme).
pub fn read_self_defined(text: &str, scheme: Option<Scheme>) -> Reading {
    let key = fold(text);
    if let Some(kind) = Unknown::from_folded(&key) {
        return Reading::ethnicity(Ethnicity::Unknown(kind));
    }
    if let Some(observed) = ic_code(&key) {
        return Reading {
            ethnicity: Ethnicity::Unknown(Unknown::NotRecorded),
            observed: Some(observed),
            nationality: None,
            note: Some(Note::IcCodeMoved),
        };
    }
    if let Some(found) = lookup(&key, scheme) {
        return Reading::ethnicity(found);
    }
    if let Some(country) = nationality::country(&key) {
        return Reading {
            ethnicity: Ethnicity::Unknown(Unknown::NotKnown),
            observed: None,
            nationality: Some(Nationality::Countries(vec![country.alpha3])),
            note: Some(Note::NationalIdentity),
        };
    }
    let note = if scheme.is_some() && is_code_of_other_scheme(&key) {
        Note::NotInScheme
    } else {
        Note::Unmapped
    };
    Reading {
        ethnicity: Ethnicity::Unmapped,
        observed: None,
        nationality: None,
        note: Some(note),
    }
}

/// National identities that census categories use as qualifiers ("Black British").
const BRITISH_QUALIFIERS: &[&str] = &["british", "english", "scottish", "welsh"];

/// Reads a value from a column that holds ethnicity and nationality at once ("British Asian",
/// "Pakistani", "Polish", "White British"). The result always has a nationality.
///
/// - An ethnicity with a national qualifier: both ("British Asian" → `asian`, GBR).
/// - Text that is an ethnicity and a nationality alike: the ethnicity, nationality not known,
///   and [`Note::Ambiguous`] ("Pakistani").
/// - A nationality alone: nationality, ethnicity not known, [`Note::NationalIdentity`].
/// - "White Polish": split into its parts (`white`, POL).
pub fn read_combined(text: &str, scheme: Option<Scheme>) -> Reading {
    let key = fold(text);
    if let Some(kind) = Unknown::from_folded(&key) {
        return Reading {
            ethnicity: Ethnicity::Unknown(kind),
            observed: None,
            nationality: Some(Nationality::Unknown(kind)),
            note: None,
        };
    }
    let ethnicity = lookup(&key, scheme);
    let country = nationality::country(&key);
    let not_recorded = Nationality::Unknown(Unknown::NotRecorded);
    match (ethnicity, country) {
        (Some(ethnicity), Some(_)) => {
            return Reading {
                ethnicity,
                observed: None,
                nationality: Some(Nationality::Unknown(Unknown::NotKnown)),
                note: Some(Note::Ambiguous),
            };
        }
        (Some(ethnicity), None) => {
            let british = key
                .split(' ')
                .any(|word| BRITISH_QUALIFIERS.contains(&word));
            let nationality = if british {
                Nationality::Countries(vec!["GBR"])
            } else {
                not_recorded
            };
            return Reading {
                ethnicity,
                observed: None,
                nationality: Some(nationality),
                note: None,
            };
        }
        (None, Some(country)) => {
            return Reading {
                ethnicity: Ethnicity::Unknown(Unknown::NotKnown),
                observed: None,
                nationality: Some(Nationality::Countries(vec![country.alpha3])),
                note: Some(Note::NationalIdentity),
            };
        }
        (None, None) => {}
    }
    if let Some(observed) = ic_code(&key) {
        return Reading {
            ethnicity: Ethnicity::Unknown(Unknown::NotRecorded),
            observed: Some(observed),
            nationality: Some(not_recorded),
            note: Some(Note::IcCodeMoved),
        };
    }
    // "British/Irish": a list of countries.
    if text.contains([';', '/', ',', '&', '+'])
        && let found @ Nationality::Countries(_) = nationality::parse(text)
    {
        return Reading {
            ethnicity: Ethnicity::Unknown(Unknown::NotKnown),
            observed: None,
            nationality: Some(found),
            note: Some(Note::NationalIdentity),
        };
    }
    // "White Polish", "Polish White", "British Pakistani": a country on one side, an ethnicity
    // on the other.
    let words: Vec<&str> = key.split(' ').collect();
    for split in 1..words.len() {
        let left = words[..split].join(" ");
        let right = words[split..].join(" ");
        let pairs = [(&left, &right), (&right, &left)];
        for (country_part, ethnicity_part) in pairs {
            if let (Some(country), Some(ethnicity)) = (
                nationality::country(country_part),
                lookup(ethnicity_part, scheme),
            ) {
                return Reading {
                    ethnicity,
                    observed: None,
                    nationality: Some(Nationality::Countries(vec![country.alpha3])),
                    note: None,
                };
            }
        }
    }
    Reading {
        ethnicity: Ethnicity::Unmapped,
        observed: None,
        nationality: Some(Nationality::Unmapped),
        note: Some(Note::Unmapped),
    }
}
