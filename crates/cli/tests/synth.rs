use crate::util::Sandbox;

/// The whole first wave on synthetic data: synth → init → agencies import → ingest every
/// return with its profile → link. Every row is stored or rejected, and the rejected ones are
/// exactly the rows the generator made invalid; linkage finds the true people.
#[test]
fn synthetic_returns_ingest_with_exactly_the_planted_rejections() {
    let sandbox = Sandbox::new();
    let returns = synth_workspace(&sandbox, "0.1", "4");
    let agencies = sandbox
        .run(&["--workspace", "ws", "agencies", "--json"])
        .json();
    let sum = |key: &str| -> u64 {
        agencies
            .as_array()
            .expect("agencies")
            .iter()
            .map(|a| a[key].as_u64().expect(key))
            .sum()
    };
    assert_eq!(sum("returns"), returns.len() as u64);
    let summary: serde_json::Value =
        serde_json::from_str(&sandbox.read("syn/truth/summary.json")).expect("summary");
    let written = summary["rows_written"].as_u64().expect("rows_written");
    let defective = summary["rows_defective"].as_u64().expect("rows_defective");
    assert!(defective > 0);
    assert_eq!(sum("rows_rejected"), defective);
    assert_eq!(sum("rows_accepted") + sum("rows_rejected"), written);
    let linked = sandbox
        .run(&[
            "--workspace",
            "ws",
            "link",
            "--truth",
            "syn/truth/records.csv",
            "--json",
        ])
        .expect_code(0)
        .json();
    let metrics = &linked["metrics"];
    let f1 = metrics["bcubed_f1"].as_f64().expect("bcubed_f1");
    let error = metrics["entity_count_error_pct"].as_f64().expect("error");
    assert!(f1 >= 0.95, "B-cubed F1 {f1}");
    assert!(error.abs() <= 5.0, "people {error:+}%");
    assert_eq!(linked["records_without_truth"], 0);
    let people = linked["people"].as_u64().expect("people");
    assert!(people < linked["records"].as_u64().expect("records"));

    // A person of several records: explain shows each link's evidence, no identifiers.
    let flagged_or_any = sandbox
        .run(&["--workspace", "ws", "explain", "1", "--json"])
        .expect_code(0)
        .json();
    assert!(
        flagged_or_any["records"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let audit = sandbox
        .run(&["--workspace", "ws", "audit", "--json"])
        .expect_code(0)
        .json();
    let actions: Vec<&str> = audit
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"combination"), "{actions:?}");
    sandbox
        .run(&["--workspace", "ws", "audit", "verify"])
        .expect_code(0);
}

/// `link` twice gives the same people; `explain` of a merged person shows the waterfall of
/// every link, and identifiers only with a reason.
#[test]
fn linkage_is_deterministic_and_explained() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "synth",
            "people",
            "--out",
            "people.csv",
            "--records",
            "20000",
            "--seed",
            "3",
        ])
        .expect_code(0);
    let dedupe = |out: &str| {
        sandbox
            .run(&[
                "dedupe",
                "people.csv",
                "--id",
                "record_id",
                "--truth",
                "true_id",
                "--out",
                out,
                "--json",
            ])
            .expect_code(0)
            .json()
    };
    let first = dedupe("first.csv");
    dedupe("second.csv");
    assert_eq!(sandbox.read("first.csv"), sandbox.read("second.csv"));
    assert_eq!(first["records"], 20000);
    let f1 = first["metrics"]["bcubed_f1"].as_f64().expect("bcubed_f1");
    assert!(f1 >= 0.95, "B-cubed F1 {f1}");
    let rows = sandbox.read_csv("first.csv");
    assert_eq!(rows.len(), 20000);
    assert_eq!(
        first["entities"].as_u64(),
        Some(
            rows.iter()
                .map(|r| r["cluster_id"].clone())
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64
        )
    );
    // Two records of one cluster: the waterfall adds up to the total weight.
    let mut by_cluster: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for row in &rows {
        by_cluster
            .entry(&row["cluster_id"])
            .or_default()
            .push(&row["id"]);
    }
    let pair = by_cluster
        .values()
        .find(|ids| ids.len() >= 2)
        .expect("a merged cluster");
    let pair_arg = format!("{},{}", pair[0], pair[1]);
    let explained = sandbox
        .run(&[
            "dedupe",
            "people.csv",
            "--id",
            "record_id",
            "--explain",
            &pair_arg,
            "--json",
        ])
        .expect_code(0)
        .json();
    assert_eq!(explained["same_cluster"], true);
    let waterfall = &explained["waterfall"];
    let sum: f64 = waterfall["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["weight"].as_f64().expect("weight"))
        .sum::<f64>()
        + waterfall["prior_weight"].as_f64().expect("prior");
    let total = waterfall["total_weight"].as_f64().expect("total");
    assert!((sum - total).abs() < 1e-6, "{sum} vs {total}");
}

/// synth → init → agencies import → ingest every return with its profile, into `syn/` and
/// `ws/` of the sandbox; returns the agencies that returned.
pub fn synth_workspace(sandbox: &Sandbox, scale: &str, seed: &str) -> Vec<String> {
    sandbox
        .run(&["synth", "--out", "syn", "--scale", scale, "--seed", seed])
        .expect_code(0);
    let returns = ingest_synthetic(sandbox);
    assert!(returns.len() > 150, "{} returns", returns.len());
    returns
}

/// init → agencies import → ingest every return of `syn/` (with its profile, if it has one)
/// into `ws/`; returns the agencies that returned.
pub fn ingest_synthetic(sandbox: &Sandbox) -> Vec<String> {
    sandbox.run(&["init", "ws"]).expect_code(0);
    sandbox
        .run(&[
            "--workspace",
            "ws",
            "agencies",
            "import",
            "syn/agencies.csv",
        ])
        .expect_code(0);
    let mut returns: Vec<String> = std::fs::read_dir(sandbox.join("syn/returns"))
        .expect("returns")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    returns.sort();
    for agency in &returns {
        let mut files: Vec<String> =
            std::fs::read_dir(sandbox.join(&format!("syn/returns/{agency}")))
                .expect("files")
                .map(|entry| {
                    format!(
                        "syn/returns/{agency}/{}",
                        entry.expect("entry").file_name().to_string_lossy()
                    )
                })
                .collect();
        files.sort();
        let profile = format!("syn/profiles/{agency}.toml");
        let mut args = vec![
            "--workspace",
            "ws",
            "ingest",
            "--agency",
            agency.as_str(),
            "--json",
        ];
        if sandbox.join(&profile).exists() {
            args.extend(["--profile", profile.as_str()]);
        }
        args.extend(files.iter().map(String::as_str));
        let run = sandbox.run(&args);
        assert_ne!(run.code, 2, "{agency}: {}", run.stderr);
    }
    returns
}

/// `dedupe` reads where a record's incidents took place (a `;`-separated column) and weighs it
/// against the other record's local authority, as `link` does from the store.
#[test]
fn dedupe_weighs_where_incidents_took_place() {
    let sandbox = Sandbox::new();
    let mut csv = String::from("id,given,family,la,places\n");
    // A child known to children's services in one authority, and a police record of the
    // same name whose incidents took place there; around them, other people.
    csv.push_str("child,Ann,Shaw,E06000001,\n");
    csv.push_str("police,Ann,Shaw,,E06000001;E06000007\n");
    let given = ["Mia", "Leo", "Ava", "Kai", "Zoe", "Ivy", "Max", "Eva"];
    let family = [
        "Hart", "Cole", "Lane", "Reed", "Ford", "Wade", "Moss", "Page",
    ];
    for (i, g) in given.iter().enumerate() {
        for (j, f) in family.iter().enumerate() {
            let la = format!("E0600{:04}", 10 + (i * 8 + j) % 40);
            if (i + j) % 2 == 0 {
                csv.push_str(&format!("r{i}{j},{g},{f},{la},\n"));
            } else {
                csv.push_str(&format!("r{i}{j},{g},{f},,{la}\n"));
            }
        }
    }
    sandbox.write("people.csv", &csv);
    let explained = sandbox
        .run(&[
            "dedupe",
            "people.csv",
            "--id",
            "id",
            "--columns",
            "given_name=given,family_name=family,local_authority=la,incident_local_authorities=places",
            "--explain",
            "child,police",
            "--json",
        ])
        .expect_code(0)
        .json();
    let steps = explained["waterfall"]["steps"].as_array().expect("steps");
    let place = steps
        .iter()
        .find(|s| s["comparison"] == "incident_local_authority")
        .unwrap_or_else(|| panic!("no incident comparison in {steps:?}"));
    assert_eq!(place["level"], "an incident in the other's local authority");
    assert!(place["weight"].as_f64().expect("weight") > 0.0, "{place}");
}
