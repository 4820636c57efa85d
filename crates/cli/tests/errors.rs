use crate::util::Sandbox;

#[test]
fn a_missing_file_is_named() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["check", "no_such_people.csv"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no_such_people.csv"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_missing_file_among_good_ones_stops_the_check() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let run = sandbox.run(&["check", "return/people.csv", "return/gone.csv", "--json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("return/gone.csv"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_file_of_no_known_table_says_how_to_fix_it() {
    let sandbox = Sandbox::new();
    sandbox.write("export.csv", "colour,shape\nred,round\n");
    let run = sandbox.run(&["check", "export.csv"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(message.contains("export.csv"), "{message}");
    assert!(message.contains("cannot tell which table"), "{message}");
    // How to fix it: the file names, the template's headers, or a profile.
    assert!(message.contains("people.csv"), "{message}");
    assert!(message.contains("template's headers"), "{message}");
    assert!(message.contains("profile"), "{message}");
}

#[test]
fn a_profile_with_an_unknown_field_names_the_file_and_key() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    sandbox.write(
        "agency.toml",
        "[tables.people.columns]\nperson_id = \"Ref No\"\nsurname = \"Surname\"\n",
    );
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "agency.toml"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(message.contains("agency.toml"), "{message}");
    assert!(
        message.contains("tables.people.columns.surname"),
        "{message}"
    );
    assert!(message.contains("no such field"), "{message}");
    // It lists what would have been right.
    assert!(message.contains("family_name"), "{message}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_profile_that_is_not_toml_names_the_file_and_line() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    sandbox.write(
        "broken.toml",
        "name = \"Example Agency\"\n[tables.people\nfile = \"victims\"\n",
    );
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "broken.toml"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(message.contains("broken.toml"), "{message}");
    assert!(message.contains("not valid TOML"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("[tables.people"), "{message}");
}

#[test]
fn a_profile_with_an_unknown_key_names_the_key() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    sandbox.write(
        "agency.toml",
        "[tables.people]\nfile = \"people\"\nheader_rows = 4\n",
    );
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "agency.toml"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(message.contains("agency.toml"), "{message}");
    assert!(message.contains("header_rows"), "{message}");
}

#[test]
fn a_profile_value_that_is_no_code_names_the_key() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    sandbox.write("agency.toml", "[tables.people.values.sex]\nG = \"girl\"\n");
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "agency.toml"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(message.contains("agency.toml"), "{message}");
    assert!(message.contains("tables.people.values.sex"), "{message}");
    assert!(
        message.contains("'girl' is not a value of sex"),
        "{message}"
    );
}

#[test]
fn a_missing_profile_is_named() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "nowhere.toml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("nowhere.toml"), "{}", run.stderr);
}

#[test]
fn a_missing_profile_error_says_why_once() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let run = sandbox.run(&["check", "return/people.csv", "--profile", "nowhere.toml"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr.matches("os error 2").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn a_period_that_ends_before_it_starts() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let run = sandbox.run(&["check", "return/people.csv", "--period", "2024..2023"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--period"), "{}", run.stderr);
    assert!(run.stderr.contains("2023 is before 2024"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_period_that_is_not_dates() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    for period in ["2023-04-01", "01/04/2023..2024-03-31"] {
        let run = sandbox.run(&["check", "return/people.csv", "--period", period]);
        run.expect_code(2);
        assert!(run.stderr.contains("--period"), "{period}: {}", run.stderr);
    }
}

#[test]
fn problems_csv_that_cannot_be_written() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let run = sandbox.run(&[
        "check",
        "return/people.csv",
        "--problems",
        "no_such_folder/out.csv",
    ]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("no_such_folder/out.csv"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_over_a_limit_is_refused_with_its_rule_code_and_advice() {
    let sandbox = Sandbox::new();
    // An unclosed quote makes the rest of the file one cell, here longer than a row may be.
    let mut text = String::from("person_id,role,given_name\nP1,victim,\"Ann\n");
    while text.len() < 1_200_000 {
        text.push_str("P2,victim,Sam\n");
    }
    sandbox.write("people.csv", text);
    let run = sandbox.run(&["check", "people.csv"]);
    run.expect_code(2);
    let message = &run.stderr;
    assert!(
        message.contains("people.csv is refused (F307)"),
        "{message}"
    );
    assert!(message.contains("close the quote"), "{message}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}
