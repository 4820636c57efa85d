//! ISO 3166-1 countries: which country does this name, code or demonym mean?
//!
//! One row per officially assigned ISO 3166-1 entry. `aliases` holds other names and demonyms
//! agencies write, already folded: lowercase ASCII, punctuation removed, single spaces.

/// One ISO 3166-1 country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-3, e.g. "GBR".
    pub alpha3: &'static str,
    /// ISO 3166-1 alpha-2, e.g. "GB".
    pub alpha2: &'static str,
    /// English short name, e.g. "United Kingdom of Great Britain and Northern Ireland".
    pub name: &'static str,
    /// Other names and demonyms, folded (see module doc), e.g. ["united kingdom", "uk", "great britain", "british", "english", "scottish", "welsh", "northern irish"].
    pub aliases: &'static [&'static str],
}

/// Every officially assigned ISO 3166-1 entry, sorted by alpha-3.
///
/// Deliberately absent from `aliases` because they are ambiguous: "congolese" (COD or COG),
/// "dominican" (DMA or DOM), "korean" (KOR or PRK), "guianese" (GUF or GUY), "virgin islander"
/// (VGB or VIR), and non-country identities such as "kurdish".
pub const COUNTRIES: &[Country] = &[
    Country {
        alpha3: "ABW",
        alpha2: "AW",
        name: "Aruba",
        aliases: &["aruban"],
    },
    Country {
        alpha3: "AFG",
        alpha2: "AF",
        name: "Afghanistan",
        aliases: &["afghan"],
    },
    Country {
        alpha3: "AGO",
        alpha2: "AO",
        name: "Angola",
        aliases: &["angolan"],
    },
    Country {
        alpha3: "AIA",
        alpha2: "AI",
        name: "Anguilla",
        aliases: &["anguillan"],
    },
    Country {
        alpha3: "ALA",
        alpha2: "AX",
        name: "Åland Islands",
        aliases: &["aland", "alander"],
    },
    Country {
        alpha3: "ALB",
        alpha2: "AL",
        name: "Albania",
        aliases: &["albanian"],
    },
    Country {
        alpha3: "AND",
        alpha2: "AD",
        name: "Andorra",
        aliases: &["andorran"],
    },
    Country {
        alpha3: "ARE",
        alpha2: "AE",
        name: "United Arab Emirates",
        aliases: &["uae", "emirati", "emirates"],
    },
    Country {
        alpha3: "ARG",
        alpha2: "AR",
        name: "Argentina",
        aliases: &["argentine", "argentinian", "argentinean"],
    },
    Country {
        alpha3: "ARM",
        alpha2: "AM",
        name: "Armenia",
        aliases: &["armenian"],
    },
    Country {
        alpha3: "ASM",
        alpha2: "AS",
        name: "American Samoa",
        aliases: &["american samoan"],
    },
    Country {
        alpha3: "ATA",
        alpha2: "AQ",
        name: "Antarctica",
        aliases: &[],
    },
    Country {
        alpha3: "ATF",
        alpha2: "TF",
        name: "French Southern Territories",
        aliases: &["french southern and antarctic lands"],
    },
    Country {
        alpha3: "ATG",
        alpha2: "AG",
        name: "Antigua and Barbuda",
        aliases: &["antigua", "antiguan", "barbudan"],
    },
    Country {
        alpha3: "AUS",
        alpha2: "AU",
        name: "Australia",
        aliases: &["australian"],
    },
    Country {
        alpha3: "AUT",
        alpha2: "AT",
        name: "Austria",
        aliases: &["austrian"],
    },
    Country {
        alpha3: "AZE",
        alpha2: "AZ",
        name: "Azerbaijan",
        aliases: &["azerbaijani", "azeri"],
    },
    Country {
        alpha3: "BDI",
        alpha2: "BI",
        name: "Burundi",
        aliases: &["burundian"],
    },
    Country {
        alpha3: "BEL",
        alpha2: "BE",
        name: "Belgium",
        aliases: &["belgian"],
    },
    Country {
        alpha3: "BEN",
        alpha2: "BJ",
        name: "Benin",
        aliases: &["beninese", "beninois"],
    },
    Country {
        alpha3: "BES",
        alpha2: "BQ",
        name: "Bonaire, Sint Eustatius and Saba",
        aliases: &["bonaire", "caribbean netherlands"],
    },
    Country {
        alpha3: "BFA",
        alpha2: "BF",
        name: "Burkina Faso",
        aliases: &["burkinabe", "burkinese"],
    },
    Country {
        alpha3: "BGD",
        alpha2: "BD",
        name: "Bangladesh",
        aliases: &["bangladeshi"],
    },
    Country {
        alpha3: "BGR",
        alpha2: "BG",
        name: "Bulgaria",
        aliases: &["bulgarian"],
    },
    Country {
        alpha3: "BHR",
        alpha2: "BH",
        name: "Bahrain",
        aliases: &["bahraini"],
    },
    Country {
        alpha3: "BHS",
        alpha2: "BS",
        name: "Bahamas",
        aliases: &["the bahamas", "bahamian"],
    },
    Country {
        alpha3: "BIH",
        alpha2: "BA",
        name: "Bosnia and Herzegovina",
        aliases: &["bosnia", "bosnia herzegovina", "bosnian", "herzegovinian"],
    },
    Country {
        alpha3: "BLM",
        alpha2: "BL",
        name: "Saint Barthélemy",
        aliases: &["st barthelemy", "saint barts", "st barts"],
    },
    Country {
        alpha3: "BLR",
        alpha2: "BY",
        name: "Belarus",
        aliases: &["belarusian", "belarussian", "belorussian", "byelorussian"],
    },
    Country {
        alpha3: "BLZ",
        alpha2: "BZ",
        name: "Belize",
        aliases: &["belizean"],
    },
    Country {
        alpha3: "BMU",
        alpha2: "BM",
        name: "Bermuda",
        aliases: &["bermudian", "bermudan"],
    },
    Country {
        alpha3: "BOL",
        alpha2: "BO",
        name: "Bolivia (Plurinational State of)",
        aliases: &["bolivia", "bolivian"],
    },
    Country {
        alpha3: "BRA",
        alpha2: "BR",
        name: "Brazil",
        aliases: &["brazilian"],
    },
    Country {
        alpha3: "BRB",
        alpha2: "BB",
        name: "Barbados",
        aliases: &["barbadian", "bajan"],
    },
    Country {
        alpha3: "BRN",
        alpha2: "BN",
        name: "Brunei Darussalam",
        aliases: &["brunei", "bruneian"],
    },
    Country {
        alpha3: "BTN",
        alpha2: "BT",
        name: "Bhutan",
        aliases: &["bhutanese"],
    },
    Country {
        alpha3: "BVT",
        alpha2: "BV",
        name: "Bouvet Island",
        aliases: &[],
    },
    Country {
        alpha3: "BWA",
        alpha2: "BW",
        name: "Botswana",
        aliases: &["motswana", "batswana", "botswanan"],
    },
    Country {
        alpha3: "CAF",
        alpha2: "CF",
        name: "Central African Republic",
        aliases: &["central african"],
    },
    Country {
        alpha3: "CAN",
        alpha2: "CA",
        name: "Canada",
        aliases: &["canadian"],
    },
    Country {
        alpha3: "CCK",
        alpha2: "CC",
        name: "Cocos (Keeling) Islands",
        aliases: &["cocos islands", "keeling islands", "cocos islander"],
    },
    Country {
        alpha3: "CHE",
        alpha2: "CH",
        name: "Switzerland",
        aliases: &["swiss"],
    },
    Country {
        alpha3: "CHL",
        alpha2: "CL",
        name: "Chile",
        aliases: &["chilean"],
    },
    Country {
        alpha3: "CHN",
        alpha2: "CN",
        name: "China",
        aliases: &["chinese", "prc", "peoples republic of china"],
    },
    Country {
        alpha3: "CIV",
        alpha2: "CI",
        name: "Côte d'Ivoire",
        aliases: &["ivory coast", "ivorian"],
    },
    Country {
        alpha3: "CMR",
        alpha2: "CM",
        name: "Cameroon",
        aliases: &["cameroonian"],
    },
    Country {
        alpha3: "COD",
        alpha2: "CD",
        name: "Congo, Democratic Republic of the",
        aliases: &[
            "drc",
            "dr congo",
            "democratic republic of congo",
            "democratic republic of the congo",
            "congo kinshasa",
            "zaire",
            "zairean",
        ],
    },
    Country {
        alpha3: "COG",
        alpha2: "CG",
        name: "Congo",
        aliases: &[
            "republic of congo",
            "republic of the congo",
            "congo brazzaville",
        ],
    },
    Country {
        alpha3: "COK",
        alpha2: "CK",
        name: "Cook Islands",
        aliases: &["cook islander"],
    },
    Country {
        alpha3: "COL",
        alpha2: "CO",
        name: "Colombia",
        aliases: &["colombian"],
    },
    Country {
        alpha3: "COM",
        alpha2: "KM",
        name: "Comoros",
        aliases: &["comorian"],
    },
    Country {
        alpha3: "CPV",
        alpha2: "CV",
        name: "Cabo Verde",
        aliases: &["cape verde", "cape verdean", "cabo verdean"],
    },
    Country {
        alpha3: "CRI",
        alpha2: "CR",
        name: "Costa Rica",
        aliases: &["costa rican"],
    },
    Country {
        alpha3: "CUB",
        alpha2: "CU",
        name: "Cuba",
        aliases: &["cuban"],
    },
    Country {
        alpha3: "CUW",
        alpha2: "CW",
        name: "Curaçao",
        aliases: &["curacaoan"],
    },
    Country {
        alpha3: "CXR",
        alpha2: "CX",
        name: "Christmas Island",
        aliases: &["christmas islander"],
    },
    Country {
        alpha3: "CYM",
        alpha2: "KY",
        name: "Cayman Islands",
        aliases: &["caymans", "caymanian"],
    },
    Country {
        alpha3: "CYP",
        alpha2: "CY",
        name: "Cyprus",
        aliases: &["cypriot"],
    },
    Country {
        alpha3: "CZE",
        alpha2: "CZ",
        name: "Czechia",
        aliases: &["czech republic", "czech"],
    },
    Country {
        alpha3: "DEU",
        alpha2: "DE",
        name: "Germany",
        aliases: &["german", "deutschland"],
    },
    Country {
        alpha3: "DJI",
        alpha2: "DJ",
        name: "Djibouti",
        aliases: &["djiboutian"],
    },
    Country {
        alpha3: "DMA",
        alpha2: "DM",
        name: "Dominica",
        aliases: &["commonwealth of dominica"],
    },
    Country {
        alpha3: "DNK",
        alpha2: "DK",
        name: "Denmark",
        aliases: &["danish", "dane"],
    },
    Country {
        alpha3: "DOM",
        alpha2: "DO",
        name: "Dominican Republic",
        aliases: &[],
    },
    Country {
        alpha3: "DZA",
        alpha2: "DZ",
        name: "Algeria",
        aliases: &["algerian"],
    },
    Country {
        alpha3: "ECU",
        alpha2: "EC",
        name: "Ecuador",
        aliases: &["ecuadorian", "ecuadorean"],
    },
    Country {
        alpha3: "EGY",
        alpha2: "EG",
        name: "Egypt",
        aliases: &["egyptian"],
    },
    Country {
        alpha3: "ERI",
        alpha2: "ER",
        name: "Eritrea",
        aliases: &["eritrean"],
    },
    Country {
        alpha3: "ESH",
        alpha2: "EH",
        name: "Western Sahara",
        aliases: &["western saharan", "sahrawi"],
    },
    Country {
        alpha3: "ESP",
        alpha2: "ES",
        name: "Spain",
        aliases: &["spanish", "spaniard", "espana"],
    },
    Country {
        alpha3: "EST",
        alpha2: "EE",
        name: "Estonia",
        aliases: &["estonian"],
    },
    Country {
        alpha3: "ETH",
        alpha2: "ET",
        name: "Ethiopia",
        aliases: &["ethiopian"],
    },
    Country {
        alpha3: "FIN",
        alpha2: "FI",
        name: "Finland",
        aliases: &["finnish", "finn"],
    },
    Country {
        alpha3: "FJI",
        alpha2: "FJ",
        name: "Fiji",
        aliases: &["fijian"],
    },
    Country {
        alpha3: "FLK",
        alpha2: "FK",
        name: "Falkland Islands (Malvinas)",
        aliases: &[
            "falkland islands",
            "falklands",
            "malvinas",
            "falkland islander",
        ],
    },
    Country {
        alpha3: "FRA",
        alpha2: "FR",
        name: "France",
        aliases: &["french"],
    },
    Country {
        alpha3: "FRO",
        alpha2: "FO",
        name: "Faroe Islands",
        aliases: &["faroes", "faroese"],
    },
    Country {
        alpha3: "FSM",
        alpha2: "FM",
        name: "Micronesia (Federated States of)",
        aliases: &["micronesia", "micronesian"],
    },
    Country {
        alpha3: "GAB",
        alpha2: "GA",
        name: "Gabon",
        aliases: &["gabonese"],
    },
    Country {
        alpha3: "GBR",
        alpha2: "GB",
        name: "United Kingdom of Great Britain and Northern Ireland",
        aliases: &[
            "united kingdom",
            "uk",
            "great britain",
            "britain",
            "british",
            "briton",
            "england",
            "english",
            "scotland",
            "scottish",
            "scots",
            "wales",
            "welsh",
            "northern ireland",
            "northern irish",
        ],
    },
    Country {
        alpha3: "GEO",
        alpha2: "GE",
        name: "Georgia",
        aliases: &["georgian"],
    },
    Country {
        alpha3: "GGY",
        alpha2: "GG",
        name: "Guernsey",
        aliases: &[],
    },
    Country {
        alpha3: "GHA",
        alpha2: "GH",
        name: "Ghana",
        aliases: &["ghanaian", "ghanian"],
    },
    Country {
        alpha3: "GIB",
        alpha2: "GI",
        name: "Gibraltar",
        aliases: &["gibraltarian"],
    },
    Country {
        alpha3: "GIN",
        alpha2: "GN",
        name: "Guinea",
        aliases: &["guinean", "guinea conakry"],
    },
    Country {
        alpha3: "GLP",
        alpha2: "GP",
        name: "Guadeloupe",
        aliases: &["guadeloupean"],
    },
    Country {
        alpha3: "GMB",
        alpha2: "GM",
        name: "Gambia",
        aliases: &["the gambia", "gambian"],
    },
    Country {
        alpha3: "GNB",
        alpha2: "GW",
        name: "Guinea-Bissau",
        aliases: &["bissau guinean"],
    },
    Country {
        alpha3: "GNQ",
        alpha2: "GQ",
        name: "Equatorial Guinea",
        aliases: &["equatorial guinean", "equatoguinean"],
    },
    Country {
        alpha3: "GRC",
        alpha2: "GR",
        name: "Greece",
        aliases: &["greek"],
    },
    Country {
        alpha3: "GRD",
        alpha2: "GD",
        name: "Grenada",
        aliases: &["grenadian"],
    },
    Country {
        alpha3: "GRL",
        alpha2: "GL",
        name: "Greenland",
        aliases: &["greenlandic", "greenlander"],
    },
    Country {
        alpha3: "GTM",
        alpha2: "GT",
        name: "Guatemala",
        aliases: &["guatemalan"],
    },
    Country {
        alpha3: "GUF",
        alpha2: "GF",
        name: "French Guiana",
        aliases: &["french guianese", "french guianan"],
    },
    Country {
        alpha3: "GUM",
        alpha2: "GU",
        name: "Guam",
        aliases: &["guamanian"],
    },
    Country {
        alpha3: "GUY",
        alpha2: "GY",
        name: "Guyana",
        aliases: &["guyanese"],
    },
    Country {
        alpha3: "HKG",
        alpha2: "HK",
        name: "Hong Kong",
        aliases: &["hongkonger", "hong konger", "hong kong sar"],
    },
    Country {
        alpha3: "HMD",
        alpha2: "HM",
        name: "Heard Island and McDonald Islands",
        aliases: &[],
    },
    Country {
        alpha3: "HND",
        alpha2: "HN",
        name: "Honduras",
        aliases: &["honduran"],
    },
    Country {
        alpha3: "HRV",
        alpha2: "HR",
        name: "Croatia",
        aliases: &["croatian", "croat"],
    },
    Country {
        alpha3: "HTI",
        alpha2: "HT",
        name: "Haiti",
        aliases: &["haitian"],
    },
    Country {
        alpha3: "HUN",
        alpha2: "HU",
        name: "Hungary",
        aliases: &["hungarian"],
    },
    Country {
        alpha3: "IDN",
        alpha2: "ID",
        name: "Indonesia",
        aliases: &["indonesian"],
    },
    Country {
        alpha3: "IMN",
        alpha2: "IM",
        name: "Isle of Man",
        aliases: &["manx"],
    },
    Country {
        alpha3: "IND",
        alpha2: "IN",
        name: "India",
        aliases: &["indian"],
    },
    Country {
        alpha3: "IOT",
        alpha2: "IO",
        name: "British Indian Ocean Territory",
        aliases: &["chagos islands", "chagossian"],
    },
    Country {
        alpha3: "IRL",
        alpha2: "IE",
        name: "Ireland",
        aliases: &[
            "irish",
            "eire",
            "republic of ireland",
            "irish republic",
            "southern ireland",
        ],
    },
    Country {
        alpha3: "IRN",
        alpha2: "IR",
        name: "Iran (Islamic Republic of)",
        aliases: &["iran", "iranian", "persia", "persian"],
    },
    Country {
        alpha3: "IRQ",
        alpha2: "IQ",
        name: "Iraq",
        aliases: &["iraqi"],
    },
    Country {
        alpha3: "ISL",
        alpha2: "IS",
        name: "Iceland",
        aliases: &["icelandic", "icelander"],
    },
    Country {
        alpha3: "ISR",
        alpha2: "IL",
        name: "Israel",
        aliases: &["israeli"],
    },
    Country {
        alpha3: "ITA",
        alpha2: "IT",
        name: "Italy",
        aliases: &["italian"],
    },
    Country {
        alpha3: "JAM",
        alpha2: "JM",
        name: "Jamaica",
        aliases: &["jamaican"],
    },
    Country {
        alpha3: "JEY",
        alpha2: "JE",
        name: "Jersey",
        aliases: &[],
    },
    Country {
        alpha3: "JOR",
        alpha2: "JO",
        name: "Jordan",
        aliases: &["jordanian"],
    },
    Country {
        alpha3: "JPN",
        alpha2: "JP",
        name: "Japan",
        aliases: &["japanese"],
    },
    Country {
        alpha3: "KAZ",
        alpha2: "KZ",
        name: "Kazakhstan",
        aliases: &["kazakh", "kazakhstani"],
    },
    Country {
        alpha3: "KEN",
        alpha2: "KE",
        name: "Kenya",
        aliases: &["kenyan"],
    },
    Country {
        alpha3: "KGZ",
        alpha2: "KG",
        name: "Kyrgyzstan",
        aliases: &["kyrgyz", "kyrgyzstani", "kirghiz", "kyrgyz republic"],
    },
    Country {
        alpha3: "KHM",
        alpha2: "KH",
        name: "Cambodia",
        aliases: &["cambodian", "khmer"],
    },
    Country {
        alpha3: "KIR",
        alpha2: "KI",
        name: "Kiribati",
        aliases: &["i kiribati"],
    },
    Country {
        alpha3: "KNA",
        alpha2: "KN",
        name: "Saint Kitts and Nevis",
        aliases: &[
            "st kitts and nevis",
            "saint kitts",
            "st kitts",
            "kittitian",
            "nevisian",
        ],
    },
    Country {
        alpha3: "KOR",
        alpha2: "KR",
        name: "Korea, Republic of",
        aliases: &["south korea", "republic of korea", "south korean"],
    },
    Country {
        alpha3: "KWT",
        alpha2: "KW",
        name: "Kuwait",
        aliases: &["kuwaiti"],
    },
    Country {
        alpha3: "LAO",
        alpha2: "LA",
        name: "Lao People's Democratic Republic",
        aliases: &["laos", "laotian"],
    },
    Country {
        alpha3: "LBN",
        alpha2: "LB",
        name: "Lebanon",
        aliases: &["lebanese"],
    },
    Country {
        alpha3: "LBR",
        alpha2: "LR",
        name: "Liberia",
        aliases: &["liberian"],
    },
    Country {
        alpha3: "LBY",
        alpha2: "LY",
        name: "Libya",
        aliases: &["libyan"],
    },
    Country {
        alpha3: "LCA",
        alpha2: "LC",
        name: "Saint Lucia",
        aliases: &["st lucia", "saint lucian", "st lucian"],
    },
    Country {
        alpha3: "LIE",
        alpha2: "LI",
        name: "Liechtenstein",
        aliases: &["liechtensteiner"],
    },
    Country {
        alpha3: "LKA",
        alpha2: "LK",
        name: "Sri Lanka",
        aliases: &["sri lankan", "ceylon"],
    },
    Country {
        alpha3: "LSO",
        alpha2: "LS",
        name: "Lesotho",
        aliases: &["mosotho", "basotho"],
    },
    Country {
        alpha3: "LTU",
        alpha2: "LT",
        name: "Lithuania",
        aliases: &["lithuanian"],
    },
    Country {
        alpha3: "LUX",
        alpha2: "LU",
        name: "Luxembourg",
        aliases: &["luxembourgish", "luxembourger"],
    },
    Country {
        alpha3: "LVA",
        alpha2: "LV",
        name: "Latvia",
        aliases: &["latvian"],
    },
    Country {
        alpha3: "MAC",
        alpha2: "MO",
        name: "Macao",
        aliases: &["macau", "macanese"],
    },
    Country {
        alpha3: "MAF",
        alpha2: "MF",
        name: "Saint Martin (French part)",
        aliases: &["saint martin", "st martin"],
    },
    Country {
        alpha3: "MAR",
        alpha2: "MA",
        name: "Morocco",
        aliases: &["moroccan"],
    },
    Country {
        alpha3: "MCO",
        alpha2: "MC",
        name: "Monaco",
        aliases: &["monegasque", "monacan"],
    },
    Country {
        alpha3: "MDA",
        alpha2: "MD",
        name: "Moldova, Republic of",
        aliases: &["moldova", "republic of moldova", "moldovan", "moldavian"],
    },
    Country {
        alpha3: "MDG",
        alpha2: "MG",
        name: "Madagascar",
        aliases: &["malagasy", "madagascan"],
    },
    Country {
        alpha3: "MDV",
        alpha2: "MV",
        name: "Maldives",
        aliases: &["maldivian"],
    },
    Country {
        alpha3: "MEX",
        alpha2: "MX",
        name: "Mexico",
        aliases: &["mexican"],
    },
    Country {
        alpha3: "MHL",
        alpha2: "MH",
        name: "Marshall Islands",
        aliases: &["marshallese"],
    },
    Country {
        alpha3: "MKD",
        alpha2: "MK",
        name: "North Macedonia",
        aliases: &[
            "macedonia",
            "fyrom",
            "former yugoslav republic of macedonia",
            "macedonian",
            "north macedonian",
        ],
    },
    Country {
        alpha3: "MLI",
        alpha2: "ML",
        name: "Mali",
        aliases: &["malian"],
    },
    Country {
        alpha3: "MLT",
        alpha2: "MT",
        name: "Malta",
        aliases: &["maltese"],
    },
    Country {
        alpha3: "MMR",
        alpha2: "MM",
        name: "Myanmar",
        aliases: &["burma", "burmese"],
    },
    Country {
        alpha3: "MNE",
        alpha2: "ME",
        name: "Montenegro",
        aliases: &["montenegrin"],
    },
    Country {
        alpha3: "MNG",
        alpha2: "MN",
        name: "Mongolia",
        aliases: &["mongolian"],
    },
    Country {
        alpha3: "MNP",
        alpha2: "MP",
        name: "Northern Mariana Islands",
        aliases: &["northern marianas", "northern mariana islander"],
    },
    Country {
        alpha3: "MOZ",
        alpha2: "MZ",
        name: "Mozambique",
        aliases: &["mozambican"],
    },
    Country {
        alpha3: "MRT",
        alpha2: "MR",
        name: "Mauritania",
        aliases: &["mauritanian"],
    },
    Country {
        alpha3: "MSR",
        alpha2: "MS",
        name: "Montserrat",
        aliases: &["montserratian"],
    },
    Country {
        alpha3: "MTQ",
        alpha2: "MQ",
        name: "Martinique",
        aliases: &["martinican", "martiniquais"],
    },
    Country {
        alpha3: "MUS",
        alpha2: "MU",
        name: "Mauritius",
        aliases: &["mauritian"],
    },
    Country {
        alpha3: "MWI",
        alpha2: "MW",
        name: "Malawi",
        aliases: &["malawian"],
    },
    Country {
        alpha3: "MYS",
        alpha2: "MY",
        name: "Malaysia",
        aliases: &["malaysian"],
    },
    Country {
        alpha3: "MYT",
        alpha2: "YT",
        name: "Mayotte",
        aliases: &["mahoran", "mahorais"],
    },
    Country {
        alpha3: "NAM",
        alpha2: "NA",
        name: "Namibia",
        aliases: &["namibian"],
    },
    Country {
        alpha3: "NCL",
        alpha2: "NC",
        name: "New Caledonia",
        aliases: &["new caledonian"],
    },
    Country {
        alpha3: "NER",
        alpha2: "NE",
        name: "Niger",
        aliases: &["nigerien"],
    },
    Country {
        alpha3: "NFK",
        alpha2: "NF",
        name: "Norfolk Island",
        aliases: &["norfolk islander"],
    },
    Country {
        alpha3: "NGA",
        alpha2: "NG",
        name: "Nigeria",
        aliases: &["nigerian"],
    },
    Country {
        alpha3: "NIC",
        alpha2: "NI",
        name: "Nicaragua",
        aliases: &["nicaraguan"],
    },
    Country {
        alpha3: "NIU",
        alpha2: "NU",
        name: "Niue",
        aliases: &["niuean"],
    },
    Country {
        alpha3: "NLD",
        alpha2: "NL",
        name: "Netherlands, Kingdom of the",
        aliases: &["netherlands", "the netherlands", "holland", "dutch"],
    },
    Country {
        alpha3: "NOR",
        alpha2: "NO",
        name: "Norway",
        aliases: &["norwegian"],
    },
    Country {
        alpha3: "NPL",
        alpha2: "NP",
        name: "Nepal",
        aliases: &["nepali", "nepalese"],
    },
    Country {
        alpha3: "NRU",
        alpha2: "NR",
        name: "Nauru",
        aliases: &["nauruan"],
    },
    Country {
        alpha3: "NZL",
        alpha2: "NZ",
        name: "New Zealand",
        aliases: &["new zealander"],
    },
    Country {
        alpha3: "OMN",
        alpha2: "OM",
        name: "Oman",
        aliases: &["omani"],
    },
    Country {
        alpha3: "PAK",
        alpha2: "PK",
        name: "Pakistan",
        aliases: &["pakistani"],
    },
    Country {
        alpha3: "PAN",
        alpha2: "PA",
        name: "Panama",
        aliases: &["panamanian"],
    },
    Country {
        alpha3: "PCN",
        alpha2: "PN",
        name: "Pitcairn",
        aliases: &["pitcairn islands", "pitcairn islander"],
    },
    Country {
        alpha3: "PER",
        alpha2: "PE",
        name: "Peru",
        aliases: &["peruvian"],
    },
    Country {
        alpha3: "PHL",
        alpha2: "PH",
        name: "Philippines",
        aliases: &["filipino", "filipina", "philippine"],
    },
    Country {
        alpha3: "PLW",
        alpha2: "PW",
        name: "Palau",
        aliases: &["palauan"],
    },
    Country {
        alpha3: "PNG",
        alpha2: "PG",
        name: "Papua New Guinea",
        aliases: &["papua new guinean"],
    },
    Country {
        alpha3: "POL",
        alpha2: "PL",
        name: "Poland",
        aliases: &["polish", "pole"],
    },
    Country {
        alpha3: "PRI",
        alpha2: "PR",
        name: "Puerto Rico",
        aliases: &["puerto rican"],
    },
    Country {
        alpha3: "PRK",
        alpha2: "KP",
        name: "Korea (Democratic People's Republic of)",
        aliases: &[
            "north korea",
            "dprk",
            "democratic peoples republic of korea",
            "north korean",
        ],
    },
    Country {
        alpha3: "PRT",
        alpha2: "PT",
        name: "Portugal",
        aliases: &["portuguese"],
    },
    Country {
        alpha3: "PRY",
        alpha2: "PY",
        name: "Paraguay",
        aliases: &["paraguayan"],
    },
    Country {
        alpha3: "PSE",
        alpha2: "PS",
        name: "Palestine, State of",
        aliases: &[
            "palestine",
            "state of palestine",
            "occupied palestinian territories",
            "palestinian",
        ],
    },
    Country {
        alpha3: "PYF",
        alpha2: "PF",
        name: "French Polynesia",
        aliases: &["tahiti", "french polynesian", "tahitian"],
    },
    Country {
        alpha3: "QAT",
        alpha2: "QA",
        name: "Qatar",
        aliases: &["qatari"],
    },
    Country {
        alpha3: "REU",
        alpha2: "RE",
        name: "Réunion",
        aliases: &["reunion island", "reunionese"],
    },
    Country {
        alpha3: "ROU",
        alpha2: "RO",
        name: "Romania",
        aliases: &["romanian", "roumanian", "rumanian"],
    },
    Country {
        alpha3: "RUS",
        alpha2: "RU",
        name: "Russian Federation",
        aliases: &["russia", "russian"],
    },
    Country {
        alpha3: "RWA",
        alpha2: "RW",
        name: "Rwanda",
        aliases: &["rwandan", "rwandese"],
    },
    Country {
        alpha3: "SAU",
        alpha2: "SA",
        name: "Saudi Arabia",
        aliases: &["ksa", "saudi", "saudi arabian"],
    },
    Country {
        alpha3: "SDN",
        alpha2: "SD",
        name: "Sudan",
        aliases: &["sudanese"],
    },
    Country {
        alpha3: "SEN",
        alpha2: "SN",
        name: "Senegal",
        aliases: &["senegalese"],
    },
    Country {
        alpha3: "SGP",
        alpha2: "SG",
        name: "Singapore",
        aliases: &["singaporean"],
    },
    Country {
        alpha3: "SGS",
        alpha2: "GS",
        name: "South Georgia and the South Sandwich Islands",
        aliases: &["south georgia", "south sandwich islands"],
    },
    Country {
        alpha3: "SHN",
        alpha2: "SH",
        name: "Saint Helena, Ascension and Tristan da Cunha",
        aliases: &[
            "saint helena",
            "st helena",
            "ascension island",
            "tristan da cunha",
            "saint helenian",
            "st helenian",
        ],
    },
    Country {
        alpha3: "SJM",
        alpha2: "SJ",
        name: "Svalbard and Jan Mayen",
        aliases: &["svalbard", "jan mayen"],
    },
    Country {
        alpha3: "SLB",
        alpha2: "SB",
        name: "Solomon Islands",
        aliases: &["solomons", "solomon islander"],
    },
    Country {
        alpha3: "SLE",
        alpha2: "SL",
        name: "Sierra Leone",
        aliases: &["sierra leonean"],
    },
    Country {
        alpha3: "SLV",
        alpha2: "SV",
        name: "El Salvador",
        aliases: &["salvadoran", "salvadorean", "salvadorian"],
    },
    Country {
        alpha3: "SMR",
        alpha2: "SM",
        name: "San Marino",
        aliases: &["sammarinese"],
    },
    Country {
        alpha3: "SOM",
        alpha2: "SO",
        name: "Somalia",
        aliases: &["somaliland", "somali", "somalian"],
    },
    Country {
        alpha3: "SPM",
        alpha2: "PM",
        name: "Saint Pierre and Miquelon",
        aliases: &["st pierre and miquelon"],
    },
    Country {
        alpha3: "SRB",
        alpha2: "RS",
        name: "Serbia",
        aliases: &["serbian", "serb"],
    },
    Country {
        alpha3: "SSD",
        alpha2: "SS",
        name: "South Sudan",
        aliases: &["south sudanese"],
    },
    Country {
        alpha3: "STP",
        alpha2: "ST",
        name: "Sao Tome and Principe",
        aliases: &["sao tome", "sao tomean", "santomean"],
    },
    Country {
        alpha3: "SUR",
        alpha2: "SR",
        name: "Suriname",
        aliases: &["surinam", "surinamese", "surinamer"],
    },
    Country {
        alpha3: "SVK",
        alpha2: "SK",
        name: "Slovakia",
        aliases: &["slovak republic", "slovak", "slovakian"],
    },
    Country {
        alpha3: "SVN",
        alpha2: "SI",
        name: "Slovenia",
        aliases: &["slovenian", "slovene"],
    },
    Country {
        alpha3: "SWE",
        alpha2: "SE",
        name: "Sweden",
        aliases: &["swedish", "swede"],
    },
    Country {
        alpha3: "SWZ",
        alpha2: "SZ",
        name: "Eswatini",
        aliases: &["swaziland", "swazi"],
    },
    Country {
        alpha3: "SXM",
        alpha2: "SX",
        name: "Sint Maarten (Dutch part)",
        aliases: &["sint maarten", "st maarten"],
    },
    Country {
        alpha3: "SYC",
        alpha2: "SC",
        name: "Seychelles",
        aliases: &["seychellois"],
    },
    Country {
        alpha3: "SYR",
        alpha2: "SY",
        name: "Syrian Arab Republic",
        aliases: &["syria", "syrian"],
    },
    Country {
        alpha3: "TCA",
        alpha2: "TC",
        name: "Turks and Caicos Islands",
        aliases: &["turks and caicos", "turks and caicos islander"],
    },
    Country {
        alpha3: "TCD",
        alpha2: "TD",
        name: "Chad",
        aliases: &["chadian"],
    },
    Country {
        alpha3: "TGO",
        alpha2: "TG",
        name: "Togo",
        aliases: &["togolese"],
    },
    Country {
        alpha3: "THA",
        alpha2: "TH",
        name: "Thailand",
        aliases: &["thai"],
    },
    Country {
        alpha3: "TJK",
        alpha2: "TJ",
        name: "Tajikistan",
        aliases: &["tajik", "tajikistani", "tadjik"],
    },
    Country {
        alpha3: "TKL",
        alpha2: "TK",
        name: "Tokelau",
        aliases: &["tokelauan"],
    },
    Country {
        alpha3: "TKM",
        alpha2: "TM",
        name: "Turkmenistan",
        aliases: &["turkmen", "turkmenistani"],
    },
    Country {
        alpha3: "TLS",
        alpha2: "TL",
        name: "Timor-Leste",
        aliases: &["east timor", "timorese", "east timorese"],
    },
    Country {
        alpha3: "TON",
        alpha2: "TO",
        name: "Tonga",
        aliases: &["tongan"],
    },
    Country {
        alpha3: "TTO",
        alpha2: "TT",
        name: "Trinidad and Tobago",
        aliases: &["trinidad", "tobago", "trinidadian", "tobagonian", "trini"],
    },
    Country {
        alpha3: "TUN",
        alpha2: "TN",
        name: "Tunisia",
        aliases: &["tunisian"],
    },
    Country {
        alpha3: "TUR",
        alpha2: "TR",
        name: "Türkiye",
        aliases: &["turkey", "turkish", "turk"],
    },
    Country {
        alpha3: "TUV",
        alpha2: "TV",
        name: "Tuvalu",
        aliases: &["tuvaluan"],
    },
    Country {
        alpha3: "TWN",
        alpha2: "TW",
        name: "Taiwan, Province of China",
        aliases: &["taiwan", "taiwanese"],
    },
    Country {
        alpha3: "TZA",
        alpha2: "TZ",
        name: "Tanzania, United Republic of",
        aliases: &["tanzania", "zanzibar", "tanzanian"],
    },
    Country {
        alpha3: "UGA",
        alpha2: "UG",
        name: "Uganda",
        aliases: &["ugandan"],
    },
    Country {
        alpha3: "UKR",
        alpha2: "UA",
        name: "Ukraine",
        aliases: &["ukrainian"],
    },
    Country {
        alpha3: "UMI",
        alpha2: "UM",
        name: "United States Minor Outlying Islands",
        aliases: &["us minor outlying islands"],
    },
    Country {
        alpha3: "URY",
        alpha2: "UY",
        name: "Uruguay",
        aliases: &["uruguayan"],
    },
    Country {
        alpha3: "USA",
        alpha2: "US",
        name: "United States of America",
        aliases: &["united states", "america", "american"],
    },
    Country {
        alpha3: "UZB",
        alpha2: "UZ",
        name: "Uzbekistan",
        aliases: &["uzbek", "uzbekistani"],
    },
    Country {
        alpha3: "VAT",
        alpha2: "VA",
        name: "Holy See",
        aliases: &["vatican", "vatican city", "vatican city state"],
    },
    Country {
        alpha3: "VCT",
        alpha2: "VC",
        name: "Saint Vincent and the Grenadines",
        aliases: &[
            "st vincent and the grenadines",
            "saint vincent",
            "st vincent",
            "vincentian",
        ],
    },
    Country {
        alpha3: "VEN",
        alpha2: "VE",
        name: "Venezuela (Bolivarian Republic of)",
        aliases: &["venezuela", "venezuelan"],
    },
    Country {
        alpha3: "VGB",
        alpha2: "VG",
        name: "Virgin Islands (British)",
        aliases: &["british virgin islands", "bvi", "british virgin islander"],
    },
    Country {
        alpha3: "VIR",
        alpha2: "VI",
        name: "Virgin Islands (U.S.)",
        aliases: &["us virgin islands", "united states virgin islands", "usvi"],
    },
    Country {
        alpha3: "VNM",
        alpha2: "VN",
        name: "Viet Nam",
        aliases: &["vietnam", "vietnamese"],
    },
    Country {
        alpha3: "VUT",
        alpha2: "VU",
        name: "Vanuatu",
        aliases: &["ni vanuatu"],
    },
    Country {
        alpha3: "WLF",
        alpha2: "WF",
        name: "Wallis and Futuna",
        aliases: &["wallisian", "futunan"],
    },
    Country {
        alpha3: "WSM",
        alpha2: "WS",
        name: "Samoa",
        aliases: &["western samoa", "samoan"],
    },
    Country {
        alpha3: "YEM",
        alpha2: "YE",
        name: "Yemen",
        aliases: &["yemeni"],
    },
    Country {
        alpha3: "ZAF",
        alpha2: "ZA",
        name: "South Africa",
        aliases: &["rsa", "south african"],
    },
    Country {
        alpha3: "ZMB",
        alpha2: "ZM",
        name: "Zambia",
        aliases: &["zambian"],
    },
    Country {
        alpha3: "ZWE",
        alpha2: "ZW",
        name: "Zimbabwe",
        aliases: &["zimbabwean"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Test-only fold: lowercase, Latin accents stripped, hyphens and whitespace become one
    /// space, other punctuation removed.
    fn fold(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            let c = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => {
                    'a'
                }
                'ç' | 'Ç' => 'c',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
                'ñ' | 'Ñ' => 'n',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
                c => c,
            };
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if c.is_whitespace() || c == '-' {
                out.push(' ');
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn is_folded(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with(' ')
            && !s.ends_with(' ')
            && !s.contains("  ")
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' ')
    }

    /// Every folded key the lookup will know: alias, folded name, lowercase alpha2 and alpha3.
    fn keys() -> HashMap<String, &'static str> {
        let mut map = HashMap::new();
        for c in COUNTRIES {
            for key in [
                fold(c.name),
                c.alpha2.to_ascii_lowercase(),
                c.alpha3.to_ascii_lowercase(),
            ] {
                if let Some(prev) = map.insert(key.clone(), c.alpha3) {
                    panic!(
                        "built-in key {key:?} of {} already belongs to {prev}",
                        c.alpha3
                    );
                }
            }
        }
        for c in COUNTRIES {
            for &a in c.aliases {
                if let Some(prev) = map.insert(a.to_string(), c.alpha3) {
                    panic!("alias {a:?} of {} collides with a key of {prev}", c.alpha3);
                }
            }
        }
        map
    }

    fn find(text: &str) -> Option<&'static str> {
        keys().get(&fold(text)).copied()
    }

    #[test]
    fn row_count() {
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut a3 = std::collections::HashSet::new();
        let mut a2 = std::collections::HashSet::new();
        for c in COUNTRIES {
            assert_eq!(c.alpha3.len(), 3, "{}", c.alpha3);
            assert_eq!(c.alpha2.len(), 2, "{}", c.alpha2);
            assert!(
                c.alpha3.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                c.alpha3
            );
            assert!(
                c.alpha2.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                c.alpha2
            );
            assert!(a3.insert(c.alpha3), "duplicate alpha3 {}", c.alpha3);
            assert!(a2.insert(c.alpha2), "duplicate alpha2 {}", c.alpha2);
            assert!(!c.name.is_empty());
        }
    }

    #[test]
    fn sorted_by_alpha3() {
        for w in COUNTRIES.windows(2) {
            assert!(
                w[0].alpha3 < w[1].alpha3,
                "{} before {}",
                w[0].alpha3,
                w[1].alpha3
            );
        }
    }

    #[test]
    fn aliases_are_folded() {
        for c in COUNTRIES {
            for &a in c.aliases {
                assert!(is_folded(a), "alias {a:?} of {} is not folded", c.alpha3);
                assert_eq!(fold(a), a, "alias {a:?} of {} is not folded", c.alpha3);
                if a.len() <= 2 {
                    assert!(
                        a == "uk" || a == "us",
                        "two-letter alias {a:?} of {}",
                        c.alpha3
                    );
                }
            }
        }
    }

    #[test]
    fn aliases_do_not_collide() {
        // "us" is USA's alpha-2, so the lookup knows it without an alias.
        assert!(COUNTRIES.iter().all(|c| !c.aliases.contains(&"us")));
        // `keys` panics on any collision between aliases, folded names and codes.
        let map = keys();
        let alias_count: usize = COUNTRIES.iter().map(|c| c.aliases.len()).sum();
        assert_eq!(map.len(), COUNTRIES.len() * 3 + alias_count);
    }

    #[test]
    fn spot_checks() {
        let cases = [
            ("Pakistani", "PAK"),
            ("Polish", "POL"),
            ("British", "GBR"),
            ("UK", "GBR"),
            ("U.K.", "GBR"),
            ("English", "GBR"),
            ("Scottish", "GBR"),
            ("Welsh", "GBR"),
            ("Northern Irish", "GBR"),
            ("Great Britain", "GBR"),
            ("United Kingdom", "GBR"),
            ("Irish", "IRL"),
            ("Ivory Coast", "CIV"),
            ("Côte d'Ivoire", "CIV"),
            ("Czech Republic", "CZE"),
            ("Czechia", "CZE"),
            ("US", "USA"),
            ("USA", "USA"),
            ("American", "USA"),
            ("Romanian", "ROU"),
            ("Eritrean", "ERI"),
            ("Afghan", "AFG"),
            ("Vietnamese", "VNM"),
            ("Iranian", "IRN"),
            ("Iraqi", "IRQ"),
            ("Syrian", "SYR"),
            ("Somali", "SOM"),
            ("Sudanese", "SDN"),
            ("South Sudanese", "SSD"),
            ("Nigerian", "NGA"),
            ("Nigerien", "NER"),
            ("Ghanaian", "GHA"),
            ("Albanian", "ALB"),
            ("Lithuanian", "LTU"),
            ("Latvian", "LVA"),
            ("Slovak", "SVK"),
            ("Bulgarian", "BGR"),
            ("Hungarian", "HUN"),
            ("Portuguese", "PRT"),
            ("Turkish", "TUR"),
            ("Türkiye", "TUR"),
            ("Bangladeshi", "BGD"),
            ("Indian", "IND"),
            ("Sri Lankan", "LKA"),
            ("Chinese", "CHN"),
            ("Jamaican", "JAM"),
            ("Zimbabwean", "ZWE"),
            ("Kenyan", "KEN"),
            ("Guinea", "GIN"),
            ("Guinea-Bissau", "GNB"),
        ];
        for (text, want) in cases {
            assert_eq!(find(text), Some(want), "{text}");
        }
        for text in ["Kurdish", "Congolese", "Dominican", "Korean"] {
            assert_eq!(find(text), None, "{text} is ambiguous or not a country");
        }
        assert_eq!(find("in"), Some("IND")); // alpha2 only, never an alias
        assert!(COUNTRIES.iter().all(|c| !c.aliases.contains(&"in")));
    }
}
