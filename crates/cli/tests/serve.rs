//! `sightline serve` on a workspace nobody can sign in to says how to make the first
//! administrator; `sightline users invite` makes them, and the hint is gone.

use crate::util::Sandbox;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// What `sightline serve` prints before it serves (up to and including its address line); the
/// server is then stopped.
fn serve_banner(sandbox: &Sandbox) -> Vec<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("sightline"))
        .args(["--workspace", "ws", "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .current_dir(sandbox.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sightline serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("a line");
        let done = line.contains("the collection service on http://");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[test]
fn serve_says_how_to_make_the_first_administrator_until_there_is_one() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init", "ws"]).expect_code(0);
    let banner = serve_banner(&sandbox).join("\n");
    assert!(banner.contains("nobody can sign in yet"), "{banner}");
    assert!(
        banner.contains("sightline users invite EMAIL --name NAME --role admin"),
        "{banner}"
    );

    let invite = |extra: &[&str]| {
        let mut args = vec![
            "--workspace",
            "ws",
            "users",
            "invite",
            "ada@national.example",
            "--name",
            "Ada",
            "--role",
            "admin",
        ];
        args.extend_from_slice(extra);
        sandbox.run(&args)
    };
    let wrong = invite(&["--agency", "LA001"]);
    assert_ne!(wrong.code, 0);
    assert!(
        wrong.stderr.contains("leave out --agency"),
        "{}",
        wrong.stderr
    );
    let invited = invite(&[]);
    invited.expect_code(0);
    assert!(
        invited
            .stdout
            .starts_with("http://127.0.0.1:8080/invitation/"),
        "{}",
        invited.stdout
    );
    let banner = serve_banner(&sandbox);
    assert_eq!(banner.len(), 1, "only the address line: {banner:?}");
}
