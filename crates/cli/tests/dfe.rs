//! The DfE's returns on children, read with no profile: the SSDA903 extract and the CIN census
//! as the synthetic councils write them, `profile suggest` on them, and a CIN child with 11A
//! linked to a police record of the same child. All data is synthetic.

use crate::synth::synth_workspace;
use crate::util::{Sandbox, assert_counts_add_up};
use std::collections::BTreeSet;

/// (agency, file, row, rule) of every row `synth` made invalid.
fn planted(sandbox: &Sandbox) -> BTreeSet<(String, String, u64, String)> {
    sandbox
        .read_csv("syn/truth/defects.csv")
        .into_iter()
        .filter_map(|row| {
            let path = row.get("file")?.clone();
            let mut parts = path.splitn(3, '/');
            let (_, agency, file) = (parts.next()?, parts.next()?, parts.next()?);
            Some((
                agency.to_string(),
                file.to_string(),
                row.get("row")?.parse().ok()?,
                row.get("rule")?.clone(),
            ))
        })
        .collect()
}

/// Every synthetic council that sends its statutory returns checks with no profile: the 903
/// tables and the CIN census are recognised, each table's counts balance, and exactly the
/// planted rows are rejected.
#[test]
fn statutory_returns_written_by_synth_check_with_no_profile() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["synth", "--out", "syn", "--scale", "1", "--seed", "1"])
        .expect_code(0);
    let planted = planted(&sandbox);
    let mut councils = Vec::new();
    for entry in std::fs::read_dir(sandbox.join("syn/returns")).expect("returns") {
        let dir = entry.expect("entry").path();
        if dir.join("header.csv").exists() {
            councils.push(dir.file_name().expect("name").to_string_lossy().to_string());
        }
    }
    councils.sort();
    let (mut with_census, mut without) = (0, 0);
    for agency in &councils {
        assert!(
            !sandbox
                .join(&format!("syn/profiles/{agency}.toml"))
                .exists(),
            "{agency} has a profile"
        );
        let mut files: Vec<String> =
            std::fs::read_dir(sandbox.join(&format!("syn/returns/{agency}")))
                .expect("files")
                .map(|e| {
                    format!(
                        "syn/returns/{agency}/{}",
                        e.expect("entry").file_name().to_string_lossy()
                    )
                })
                .collect();
        files.sort();
        let census = files.iter().any(|f| f.ends_with("cin_census.xml"));
        if census {
            with_census += 1;
        } else {
            without += 1;
        }
        let mut args = vec!["check", "--json"];
        args.extend(files.iter().map(String::as_str));
        let run = sandbox.run(&args);
        assert!(run.code == 0 || run.code == 1, "{agency}: {}", run.stderr);
        let report = run.json();
        assert_counts_add_up(&report);
        let layouts: BTreeSet<&str> = report["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(|s| s["layout"].as_str())
            .collect();
        let mut expected: BTreeSet<&str> =
            ["SSDA903 Header", "SSDA903 Episodes", "SSDA903 Missing"].into();
        if census {
            expected.insert("CIN census");
        }
        assert_eq!(layouts, expected, "{agency}");
        let rejected: BTreeSet<(String, String, u64, String)> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| {
                let file = d["file"].as_str().expect("file");
                (
                    agency.clone(),
                    file.rsplit('/').next().unwrap_or(file).to_string(),
                    d["row"].as_u64().expect("row"),
                    d["rule"].as_str().expect("rule").to_string(),
                )
            })
            .collect();
        let expected: BTreeSet<(String, String, u64, String)> = planted
            .iter()
            .filter(|(a, _, _, _)| a == agency)
            .cloned()
            .collect();
        assert_eq!(rejected, expected, "{agency}: rejected rows");
        if census {
            let people = report["tables"]
                .as_array()
                .expect("tables")
                .iter()
                .find(|t| t["table"] == "people")
                .expect("people");
            assert!(
                people["joined"].as_u64().is_some_and(|n| n > 0),
                "{agency}: the 903 Header's children join the census's: {people}"
            );
        }
    }
    assert!(
        with_census > 0 && without > 0,
        "{with_census} and {without}"
    );
}

/// `profile suggest` on a 903 table or a CIN census says it needs no profile and how each
/// column is read, instead of guessing.
#[test]
fn profile_suggest_recognises_the_dfe_layouts() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,2,14/05/2008,APKN,,,\n",
    );
    sandbox.write(
        "missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,14/05/2008,M,03/09/2023,05/09/2023\n",
    );
    sandbox.write("cin.xml", COUNCIL_CENSUS);
    for (file, says) in [
        ("header.csv", "the Header table of the DfE's SSDA903 return"),
        ("missing.csv", "read as missing_episodes"),
        ("cin.xml", "Children in Need census"),
    ] {
        let run = sandbox.run(&["profile", "suggest", file]);
        run.expect_code(0);
        assert!(run.stdout.contains(says), "{file}:\n{}", run.stdout);
        assert!(run.stdout.contains("with no profile"), "{}", run.stdout);
        assert!(
            !run.stdout.contains("[tables."),
            "no section to fill: {}",
            run.stdout
        );
    }
    let run = sandbox.run(&["profile", "suggest", "header.csv"]);
    assert!(run.stdout.contains("CHILD -> person_id"), "{}", run.stdout);
    assert!(run.stdout.contains("ETHNIC -> ethnicity"), "{}", run.stdout);
    // A council's own extract with the DfE's names, but not a DfE table, is drafted with them.
    sandbox.write(
        "own.csv",
        "CHILD,SEX,DOB,ETHNIC,Notes\nC1,1,14/05/2008,WBRI,x\nC2,2,01/02/2009,APKN,y\n",
    );
    let run = sandbox.run(&["profile", "suggest", "own.csv"]);
    run.expect_code(0);
    for line in [
        "person_id = \"CHILD\"",
        "ethnicity = \"ETHNIC\"",
        "\"1\" = \"male\"",
        "\"2\" = \"female\"",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
}

/// The council's CIN census: the child K0001 with factor 11A, and another child.
const COUNCIL_CENSUS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>K0001</LAchildID>
        <UPNunknown>UN4</UPNunknown>
        <PersonBirthDate>2008-05-14</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-06-01</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <Assessments>
          <AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>11A</AssessmentFactors>
            <AssessmentFactors>10A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>K0002</LAchildID>
        <PersonBirthDate>2011-01-09</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-07-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"#;

/// Registers the police force POLX and the council LAX (children's services of E06000199).
fn register_council_and_police(sandbox: &Sandbox) {
    sandbox.write(
        "register.csv",
        "agency_id,name,type,area,requested\n\
         POLX,Example Police,police,E23000099,yes\n\
         LAX,Example Council,childrens_services,E06000199,yes\n",
    );
    sandbox
        .run(&["--workspace", "ws", "agencies", "import", "register.csv"])
        .expect_code(0);
}

/// A CIN child with 11A and a police record of the same child are one person. The census
/// holds no name and no postcode; the council's 903 extract, sent with it, holds the child's
/// home postcode, and the child in both is one record of the return: that record and the
/// police record agree on date of birth, sex and postcode. The person is a victim (the police
/// record) with the council's at_risk role, 11A and looked-after status beside it.
#[test]
fn a_cin_child_with_11a_and_a_police_record_of_the_same_child_are_one_person() {
    let sandbox = Sandbox::new();
    synth_workspace(&sandbox, "0.1", "4");
    register_council_and_police(&sandbox);
    sandbox.write(
        "council/header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK0001,F,14/05/2008,WBRI,,,\n",
    );
    sandbox.write(
        "council/episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         K0001,15/08/2023,S,C2,N1,K2,PR2,,,,ZZ97 4QX,ZZ96 1PL,SC000002\n",
    );
    sandbox.write(
        "council/missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\nK0001,14/05/2008,M,03/09/2023,05/09/2023\n",
    );
    sandbox.write("council/cin.xml", COUNCIL_CENSUS);
    sandbox.write(
        "police/people.csv",
        "person_id,role,given_name,family_name,date_of_birth,sex,postcode\n\
         P1,victim,Quillabeth,Zarvexholt,2008-05-14,female,ZZ97 4QX\n\
         P2,suspect,Thrumwald,Oxbellow,1998-02-03,male,ZZ95 2AB\n",
    );
    sandbox.write(
        "police/incidents.csv",
        "incident_id,first_date,offence,cse_flag,local_authority\nI1,2023-08-01,sexual_exploitation,yes,E06000199\n",
    );
    sandbox.write(
        "police/involvements.csv",
        "incident_id,person_id,role\nI1,P1,victim\nI1,P2,offender\n",
    );
    let ingest = |agency: &str, files: &[&str]| -> i64 {
        let mut args = vec!["--workspace", "ws", "ingest", "--agency", agency, "--json"];
        args.extend_from_slice(files);
        let run = sandbox.run(&args);
        run.expect_code(0);
        run.json()["return_id"].as_i64().expect("return_id")
    };
    let council = ingest(
        "LAX",
        &[
            "council/header.csv",
            "council/episodes.csv",
            "council/missing.csv",
            "council/cin.xml",
        ],
    );
    let police = ingest(
        "POLX",
        &[
            "police/people.csv",
            "police/incidents.csv",
            "police/involvements.csv",
        ],
    );
    sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0);
    let db = rusqlite::Connection::open(sandbox.join("ws/store.sqlite")).expect("store");
    let record = |return_id: i64, roles: &str| -> i64 {
        db.query_row(
            "SELECT record_id FROM people WHERE return_id = ?1 AND roles = ?2",
            rusqlite::params![return_id, roles],
            |row| row.get(0),
        )
        .unwrap_or_else(|e| panic!("return {return_id} record {roles}: {e}"))
    };
    let victim = record(police, "victim");
    let child = record(council, "at_risk");
    let looked_after: String = db
        .query_row(
            "SELECT looked_after || ' ' || legal_status || ' ' || missing_history FROM people WHERE record_id = ?1",
            [child],
            |row| row.get(0),
        )
        .expect("the census child's record");
    assert_eq!(
        looked_after, "yes C2 yes",
        "the 903's facts joined the census child"
    );
    let explained = sandbox
        .run(&[
            "--workspace",
            "ws",
            "explain",
            &victim.to_string(),
            "--json",
        ])
        .expect_code(0)
        .json();
    let members: Vec<i64> = explained["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["record_id"].as_i64().expect("record_id"))
        .collect();
    assert!(
        members.contains(&child),
        "police record {victim} and census child {child} are not one person: {explained:#}"
    );
    assert_eq!(members.len(), 2, "{explained:#}");
    // The other census child links to nobody: nothing but its date of birth and sex is known.
    let alone = record(council, "");
    let explained = sandbox
        .run(&["--workspace", "ws", "explain", &alone.to_string(), "--json"])
        .expect_code(0)
        .json();
    assert_eq!(explained["records"].as_array().map(Vec::len), Some(1));
    sandbox
        .run(&["--workspace", "ws", "assess", "--json"])
        .expect_code(0);
}

/// A child known to the council only through its CIN census (no 903 record, so no name and no
/// postcode) is linked to the police record of the same child: the census child is the
/// council's own, the police incident took place in the council's area, and the dates of birth
/// agree. A police victim born the same day whose incident was elsewhere stays apart.
#[test]
fn a_cin_only_child_links_to_a_police_record_in_the_councils_area() {
    let sandbox = Sandbox::new();
    synth_workspace(&sandbox, "0.1", "5");
    register_council_and_police(&sandbox);
    sandbox.write(
        "council/cin.xml",
        COUNCIL_CENSUS
            .replace("K0002", "K0003")
            .replace("2011-01-09", "2009-02-11")
            .replace("<Sex>M</Sex>", "<Sex>F</Sex>"),
    );
    sandbox.write(
        "police/people.csv",
        "person_id,role,given_name,family_name,date_of_birth,sex,postcode\n\
         P1,victim,Quillabeth,Zarvexholt,2009-02-11,female,ZZ97 4QX\n\
         P3,victim,Marrowen,Tilbeck,2009-02-11,female,ZZ93 8CD\n\
         P2,suspect,Thrumwald,Oxbellow,1998-02-03,male,ZZ95 2AB\n",
    );
    sandbox.write(
        "police/incidents.csv",
        "incident_id,first_date,offence,cse_flag,local_authority\n\
         I1,2023-08-01,sexual_exploitation,yes,E06000199\n\
         I2,2023-09-01,sexual_exploitation,yes,E06000198\n",
    );
    sandbox.write(
        "police/involvements.csv",
        "incident_id,person_id,role\nI1,P1,victim\nI1,P2,offender\nI2,P3,victim\nI2,P2,offender\n",
    );
    for (agency, files) in [
        ("LAX", vec!["council/cin.xml"]),
        (
            "POLX",
            vec![
                "police/people.csv",
                "police/incidents.csv",
                "police/involvements.csv",
            ],
        ),
    ] {
        let mut args = vec!["--workspace", "ws", "ingest", "--agency", agency];
        args.extend_from_slice(&files);
        sandbox.run(&args).expect_code(0);
    }
    let link = sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0)
        .json();
    let rule = link["blocking"]
        .as_array()
        .expect("blocking rules")
        .iter()
        .find(|r| r["rule"] == "records without a name: date of birth + local authority")
        .cloned()
        .expect("the rule for records without a name");
    assert!(rule["new_pairs"].as_u64() >= Some(1), "{rule:#}");
    let db = rusqlite::Connection::open(sandbox.join("ws/store.sqlite")).expect("store");
    let person_of = |agency: &str, birth_year: i64, sex: &str| -> Vec<i64> {
        let mut statement = db
            .prepare(
                "SELECT l.person FROM people p JOIN returns r ON r.return_id = p.return_id
                 JOIN linked_records l ON l.record_id = p.record_id
                 WHERE r.agency_id = ?1 AND p.birth_year = ?2 AND p.sex = ?3
                   AND l.run_id = (SELECT max(run_id) FROM linkage_runs)
                 ORDER BY p.record_id",
            )
            .expect("query");
        statement
            .query_map(rusqlite::params![agency, birth_year, sex], |row| row.get(0))
            .expect("rows")
            .collect::<Result<Vec<i64>, _>>()
            .expect("person ids")
    };
    let census = person_of("LAX", 2009, "female");
    let police = person_of("POLX", 2009, "female");
    // K0003 alone (K0001 was born in 2008); P1 and P3.
    assert_eq!(census.len(), 1, "{census:?}");
    assert_eq!(police.len(), 2, "{police:?}");
    assert_eq!(
        census[0], police[0],
        "the census child and the police victim whose incident was in the council's area are one person: census {census:?}, police {police:?}"
    );
    assert_ne!(
        census[0], police[1],
        "the victim whose incident was in another area is not the census child: census {census:?}, police {police:?}"
    );
}
