use crate::util::Sandbox;

#[test]
fn help_lists_the_commands() {
    let run = Sandbox::new().run(&["--help"]);
    run.expect_code(0);
    for command in ["template", "profile", "check"] {
        assert!(
            run.stdout.contains(command),
            "--help does not mention {command}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn check_help_lists_its_options() {
    let run = Sandbox::new().run(&["check", "--help"]);
    run.expect_code(0);
    for option in [
        "--profile",
        "--period",
        "--json",
        "--normalised",
        "--problems",
    ] {
        assert!(
            run.stdout.contains(option),
            "check --help does not mention {option}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn profile_suggest_help() {
    let run = Sandbox::new().run(&["profile", "suggest", "--help"]);
    run.expect_code(0);
    assert!(run.stdout.contains("--out"), "{}", run.stdout);
}

#[test]
fn no_command_is_a_usage_error() {
    let run = Sandbox::new().run(&[]);
    run.expect_code(2);
    assert!(run.stderr.contains("Usage"), "{}", run.stderr);
}
