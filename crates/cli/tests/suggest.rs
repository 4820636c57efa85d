use crate::util::{Sandbox, assert_counts_add_up, counts, diagnostics, row_where};

const MESSY: &str = "messy/northshire_people.csv";

/// Copies the messy example into the sandbox and drafts a profile for it as `p.toml`;
/// returns the draft.
fn draft(sandbox: &Sandbox) -> String {
    sandbox.copy_example(MESSY);
    let run = sandbox.run(&["profile", "suggest", MESSY, "--out", "p.toml"]);
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("Wrote a draft profile to p.toml"),
        "{}",
        run.stderr
    );
    sandbox.read("p.toml")
}

/// `check MESSY --profile p.toml --json --normalised out`: (exit code, report).
fn check_with_draft(sandbox: &Sandbox, file: &str) -> (i32, serde_json::Value) {
    let run = sandbox.run(&[
        "check",
        file,
        "--profile",
        "p.toml",
        "--json",
        "--normalised",
        "out",
    ]);
    assert_ne!(
        run.code, 2,
        "the draft profile does not load:\n{}",
        run.stderr
    );
    (run.code, run.json())
}

#[test]
fn suggest_prints_the_same_draft_it_writes() {
    let sandbox = Sandbox::new();
    let written = draft(&sandbox);
    let run = sandbox.run(&["profile", "suggest", MESSY]);
    run.expect_code(0);
    assert_eq!(run.stdout, written);
}

#[test]
fn suggest_maps_the_messy_headers() {
    let sandbox = Sandbox::new();
    let toml = draft(&sandbox);
    let lines: Vec<&str> = toml.lines().map(str::trim).collect();
    for line in [
        "[tables.people]",
        "[tables.people.columns]",
        "person_id = \"Ref No\"",
        "family_name = \"Surname\"",
        "given_name = \"Forename\"",
        "date_of_birth = \"D.O.B.\"",
        "sex = \"Gender\"",
        "ethnicity_and_nationality = \"Ethnicity/Nationality\"",
        "ethnicity_observed = \"Officer Defined Ethnicity\"",
        "postcode = \"Post Code\"",
        "date_formats = [\"dd/mm/yyyy\"]",
        "header_row = 4",
    ] {
        assert!(lines.contains(&line), "no line {line} in:\n{toml}");
    }
    // "Notes" is not mapped, and says so.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('#') && l.contains("not read: \"Notes\"")),
        "{toml}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.ends_with("= \"Notes\"") && !l.starts_with('#'))
    );

    // The draft loads, and `check` reads the columns as the draft says.
    let (code, report) = check_with_draft(&sandbox, MESSY);
    assert_eq!(code, 1, "the messy file has rejected rows");
    let columns = report["sources"][0]["columns"].as_array().expect("columns");
    let field_of = |header: &str| {
        columns
            .iter()
            .find(|c| c["header"] == header)
            .unwrap_or_else(|| panic!("no column {header} in {columns:#?}"))["field"]
            .clone()
    };
    assert_eq!(
        field_of("Ethnicity/Nationality"),
        "ethnicity_and_nationality"
    );
    assert_eq!(field_of("Surname"), "family_name");
    assert_eq!(field_of("Forename"), "given_name");
    assert_eq!(field_of("D.O.B."), "date_of_birth");
    assert_eq!(field_of("Ref No"), "person_id");
    assert!(field_of("Notes").is_null());
}

#[test]
fn the_messy_file_through_the_draft() {
    let sandbox = Sandbox::new();
    draft(&sandbox);
    let (code, report) = check_with_draft(&sandbox, MESSY);
    assert_eq!(code, 1);
    assert_counts_add_up(&report);
    assert_eq!(counts(&report, "people"), (8, 6, 2));

    // Read as Windows-1252, ';'-separated, headers on row 4 under the title lines.
    let source = &report["sources"][0];
    assert_eq!(source["encoding"], "windows-1252");
    assert_eq!(source["delimiter"], ";");
    assert_eq!(source["header_row"], 4);
    assert_eq!(diagnostics(&report, "F203").len(), 1, "{report:#}");

    let w103 = diagnostics(&report, "W103");
    assert_eq!(w103.len(), 1, "{w103:#?}");
    assert_eq!(w103[0]["value"], "Pakistani");
    assert_eq!(w103[0]["row"], 7);

    let w104 = diagnostics(&report, "W104");
    assert!(
        w104.iter().any(|d| d["value"] == "Polish" && d["row"] == 8),
        "{w104:#?}"
    );

    let e002 = diagnostics(&report, "E002");
    assert_eq!(e002.len(), 1, "{e002:#?}");
    assert_eq!(e002[0]["value"], "NP-105");
    assert_eq!(e002[0]["row"], 11);
    assert_eq!(e002[0]["column"], "Ref No");

    let e003 = diagnostics(&report, "E003");
    assert_eq!(e003.len(), 1, "{e003:#?}");
    assert_eq!(e003[0]["value"], "31/02/2009");
    assert_eq!(e003[0]["row"], 8);
    assert_eq!(e003[0]["column"], "D.O.B.");

    // The normalised output is UTF-8 (`read` panics otherwise), accents intact.
    let text = sandbox.read("out/people.csv");
    assert!(text.contains("Zoë"), "{text}");
    let people = sandbox.read_csv("out/people.csv");
    let zoe = row_where(&people, "person_id", "NP-101");
    assert_eq!(zoe["given_name"], "Zoë");
    assert_eq!(zoe["date_of_birth"], "2008-05-14");

    let british_asian = row_where(&people, "ethnicity_original", "British Asian");
    assert_eq!(british_asian["person_id"], "NP-102");
    assert_eq!(british_asian["ethnicity_group"], "asian");
    assert_eq!(british_asian["nationality"], "GBR");
    assert_eq!(british_asian["date_of_birth"], "2009-11-03");
    assert_eq!(british_asian["postcode"], "ZZ1 2AB");

    let pakistani = row_where(&people, "person_id", "NP-103");
    assert_eq!(pakistani["ethnicity_code"], "asian_pakistani");
    assert_eq!(pakistani["nationality"], "not_known");

    // The rejected rows are not written; the first NP-105 is.
    let ids: Vec<&str> = people.iter().map(|r| r["person_id"].as_str()).collect();
    assert!(!ids.contains(&"NP-104"), "{ids:?}");
    assert_eq!(ids.iter().filter(|id| **id == "NP-105").count(), 1);
    assert_eq!(
        row_where(&people, "person_id", "NP-105")["family_name"],
        "Madeup"
    );
}

#[test]
fn polish_is_a_nationality() {
    let sandbox = Sandbox::new();
    draft(&sandbox);
    // The Polish row's date of birth (31/02/2009) gets it rejected; give it a real one to see
    // how the row is read. The file stays Windows-1252.
    let bytes = std::fs::read(sandbox.join(MESSY)).expect("the messy file");
    let (bad, good) = (b"31/02/2009", b"28/02/2009");
    let at = bytes
        .windows(bad.len())
        .position(|w| w == bad)
        .expect("the bad date");
    let mut fixed = bytes.clone();
    fixed[at..at + bad.len()].copy_from_slice(good);
    sandbox.write("fixed/northshire_people.csv", &fixed);

    let (_, report) = check_with_draft(&sandbox, "fixed/northshire_people.csv");
    assert_counts_add_up(&report);
    assert_eq!(counts(&report, "people"), (8, 7, 1));
    assert!(diagnostics(&report, "E003").is_empty(), "{report:#}");
    let w104 = diagnostics(&report, "W104");
    assert!(
        w104.iter().any(|d| d["value"] == "Polish" && d["row"] == 8),
        "{w104:#?}"
    );
    let people = sandbox.read_csv("out/people.csv");
    let polish = row_where(&people, "person_id", "NP-104");
    assert_eq!(polish["nationality"], "POL");
    assert_eq!(polish["nationality_original"], "Polish");
    assert_eq!(polish["ethnicity_original"], "Polish");
    assert_eq!(polish["ethnicity_precision"], "unknown");
    assert_eq!(polish["date_of_birth"], "2009-02-28");
}

#[test]
fn editing_the_draft_maps_an_unmapped_value() {
    let sandbox = Sandbox::new();
    let toml = draft(&sandbox);

    // Before: 'Martian' maps to nothing.
    let (_, before) = check_with_draft(&sandbox, MESSY);
    let w101 = diagnostics(&before, "W101");
    assert!(
        w101.iter()
            .any(|d| d["value"] == "Martian" && d["row"] == 12),
        "{w101:#?}"
    );
    let unmapped = before["unmapped"].as_array().expect("unmapped");
    assert!(
        unmapped.iter().any(|u| u["value"] == "Martian"),
        "{unmapped:#?}"
    );

    // The draft leaves a commented line to fill in, under the right section.
    let section = toml
        .find("[tables.people.values.ethnicity]")
        .unwrap_or_else(|| panic!("no values section in:\n{toml}"));
    let mut replaced = 0;
    let edited: Vec<String> = toml
        .lines()
        .map(|line| {
            if line.starts_with("# \"Martian\" = \"\"") {
                replaced += 1;
                "\"Martian\" = \"not_known\"".to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    assert_eq!(replaced, 1, "no commented line for Martian in:\n{toml}");
    assert!(toml.find("# \"Martian\"").is_some_and(|at| at > section));
    sandbox.write("p.toml", edited.join("\n") + "\n");

    // After: no W101 for it, and the value is read as not known.
    let (code, after) = check_with_draft(&sandbox, MESSY);
    assert_eq!(code, 1, "the other rejected rows are still rejected");
    assert_counts_add_up(&after);
    assert_eq!(counts(&after, "people"), (8, 6, 2));
    let w101 = diagnostics(&after, "W101");
    assert!(!w101.iter().any(|d| d["value"] == "Martian"), "{w101:#?}");
    let unmapped = after["unmapped"].as_array().expect("unmapped");
    assert!(
        !unmapped.iter().any(|u| u["value"] == "Martian"),
        "{unmapped:#?}"
    );
    let people = sandbox.read_csv("out/people.csv");
    let np107 = row_where(&people, "person_id", "NP-107");
    assert_eq!(np107["ethnicity_original"], "Martian");
    assert_eq!(np107["ethnicity_group"], "not_known");
    // 'Girl' is read as female by the standard itself.
    assert_eq!(np107["sex"], "female");
}

/// A police extract with a row per person in an incident: the draft reads it as people,
/// incidents and involvements from the one file, and warns about the column two tables match.
#[test]
fn suggest_drafts_every_table_of_a_wide_sheet() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "extract.csv",
        "Crime Ref,Date From,Offence,LA Code,Ref No,Surname,Forename,D.O.B.,Gender,Involvement\n\
         CR1,03/02/2023,sexual_exploitation,E06000001,P1,Smith,Amy,14/05/2008,F,Victim\n\
         CR1,03/02/2023,sexual_exploitation,E06000001,P2,Jones,Liam,01/01/1999,M,Suspect\n\
         CR2,10/03/2023,rape,E06000002,P1,Smith,Amy,14/05/2008,F,Victim\n",
    );
    let run = sandbox.run(&["profile", "suggest", "extract.csv", "--out", "p.toml"]);
    run.expect_code(0);
    let toml = sandbox.read("p.toml");
    for line in [
        "[tables.people]",
        "[tables.incidents]",
        "[tables.involvements]",
        "incident_id = \"Crime Ref\"",
        "person_id = \"Ref No\"",
        "# \"LA Code\" would also be read by the people table: keep it in the table it describes.",
    ] {
        assert!(toml.lines().any(|l| l == line), "no {line:?} in\n{toml}");
    }
    // Left in people as drafted, the incident's local authority makes Amy's two rows differ.
    let (code, report) = check_with_draft(&sandbox, "extract.csv");
    assert_eq!(code, 1);
    assert_eq!(diagnostics(&report, "E002").len(), 1);
    // Taken out of people, as the comment says: every row reads, the repeats once.
    let people_la = "local_authority = \"LA Code\"\n";
    let (people, rest) = toml.split_once("[tables.incidents]").expect("incidents");
    sandbox.write(
        "p.toml",
        format!(
            "{}[tables.incidents]{rest}",
            people.replacen(people_la, "", 1)
        ),
    );
    let (code, report) = check_with_draft(&sandbox, "extract.csv");
    assert_eq!(code, 0, "{report}");
    assert_eq!(counts(&report, "people"), (2, 2, 0));
    assert_eq!(counts(&report, "incidents"), (2, 2, 0));
    assert_eq!(counts(&report, "involvements"), (3, 3, 0));
    assert_counts_add_up(&report);
}
