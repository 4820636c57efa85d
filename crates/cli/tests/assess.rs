//! `sightline assess` on synthetic national returns, against their truth.

use crate::synth::synth_workspace;
use crate::util::Sandbox;

/// Scale 1 of a seed: synth → ingest → link → `assess --json --truth`.
fn assess_seed(seed: &str) -> (Sandbox, serde_json::Value) {
    let sandbox = Sandbox::new();
    synth_workspace(&sandbox, "1", seed);
    sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0);
    let out = sandbox
        .run(&["--workspace", "ws", "assess", "--json", "--truth", "syn"])
        .expect_code(0)
        .json();
    (sandbox, out)
}

fn truth_row<'a>(rows: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    rows.as_array()
        .expect("truth rows")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no truth row {id}"))
}

/// The targets: people within 2% of the truth, groups within 10%, and every headline
/// share's bounds containing the true share.
fn assert_near_truth(seed: &str) {
    let (_sandbox, out) = assess_seed(seed);
    let rows = &out["truth"];
    // Groups against the truth as generated (members who never offend together in one
    // incident cannot be seen as a group: 5 to 9% of generated groups are invisible in any
    // data, depending on the seed's world), and against the truth's own co-offending graph,
    // which is what estimation can reach.
    for (id, tolerance) in [
        ("victims", 0.02),
        ("offenders", 0.02),
        ("groups", 0.12),
        ("groups_co_offending", 0.03),
    ] {
        let row = truth_row(rows, id);
        let error = row["error"].as_f64().expect("error");
        eprintln!("seed {seed}: {id} {:+.2}%", error * 100.0);
        assert!(
            error.abs() <= tolerance,
            "seed {seed}: {id} estimate {} truth {} ({:+.1}%)",
            row["estimate"],
            row["truth"],
            error * 100.0
        );
    }
    for id in [
        "victims.sex.female",
        "missing.victims_missing",
        "offenders.age_band.18_24",
        "victims.age_12_17.yes",
    ] {
        let row = truth_row(rows, id);
        assert_eq!(
            row["within_bounds"], true,
            "seed {seed}: {id} bounds {} miss the truth {}",
            row["bounds"], row["truth"]
        );
    }
}

#[test]
fn assessment_lands_near_the_truth_seed_1() {
    assert_near_truth("1");
}

#[test]
fn assessment_lands_near_the_truth_seed_2() {
    assert_near_truth("2");
}

#[test]
fn assessment_lands_near_the_truth_seed_3() {
    assert_near_truth("3");
}

/// Every object that holds a share also holds its n, its base and what the base is; nothing
/// else in the output looks like a percentage.
fn walk(value: &serde_json::Value, path: &str, shares: &mut usize) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("share") {
                *shares += 1;
                for key in ["n", "base", "base_label", "unknowns_in_base", "bounds"] {
                    assert!(map.contains_key(key), "{path}: a share without {key}");
                }
                let n = map["n"].as_u64().expect("n");
                let base = map["base"].as_u64().expect("base");
                assert!(
                    !map["base_label"].as_str().unwrap_or_default().is_empty(),
                    "{path}: empty base label"
                );
                if let Some(share) = map["share"].as_f64() {
                    assert!(
                        (share - n as f64 / base as f64).abs() < 1e-9,
                        "{path}: share is not n/base"
                    );
                } else {
                    assert_eq!(base, 0, "{path}: no share with a base");
                }
            }
            for (key, child) in map {
                let lower = key.to_lowercase();
                assert!(
                    !(lower.contains("percent") || lower.contains("pct") || lower.contains("rate")),
                    "{path}.{key}: a percentage outside a figure object"
                );
                walk(child, &format!("{path}.{key}"), shares);
            }
        }
        serde_json::Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{at}]"), shares);
            }
        }
        _ => {}
    }
}

#[test]
fn every_share_in_the_output_carries_n_and_its_base() {
    let sandbox = Sandbox::new();
    synth_workspace(&sandbox, "0.2", "5");
    // Before linkage there is nothing to count people with.
    let run = sandbox.run(&["--workspace", "ws", "assess"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("sightline link"), "{}", run.stderr);
    sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0);
    let mut out = sandbox
        .run(&["--workspace", "ws", "assess", "--json"])
        .expect_code(0)
        .json();
    let full = out.clone();
    // The estimated total of victims is an estimate with its interval, not a share: it
    // carries its base (the victims on the lists) instead of n and N.
    let hidden = out
        .as_object_mut()
        .and_then(|map| map.remove("hidden_population"))
        .expect("hidden_population");
    assert_eq!(hidden["id"], "victims.estimated_total");
    assert!(hidden["known"].as_u64().is_some_and(|n| n > 0));
    assert!(
        !hidden["known_label"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    assert!(hidden.get("estimate").is_some() && hidden.get("ci95").is_some());
    let mut shares = 0;
    walk(&out, "", &mut shares);
    assert!(shares > 500, "only {shares} figures");

    // Records → people per role, and the populations the breakdowns are over.
    let lines = out["population"]["lines"].as_array().expect("lines");
    let all = |role: &str| {
        lines
            .iter()
            .find(|l| l["role"] == role && l["agency_type"] == "all")
            .unwrap_or_else(|| panic!("no line for {role}"))
    };
    let victims = all("victims");
    assert!(victims["people"].as_u64() < victims["records"].as_u64());
    assert_eq!(out["victims"]["people"], victims["people"]);
    for breakdown in out["victims"]["breakdowns"].as_array().expect("breakdowns") {
        let population = breakdown["population"].as_u64().expect("population");
        if breakdown["id"]
            .as_str()
            .is_some_and(|id| id.ends_with("_identified"))
        {
            // Over the victims identified by name and date of birth.
            assert!(population <= victims["people"].as_u64().unwrap_or(0));
            continue;
        }
        assert_eq!(
            Some(population),
            victims["people"].as_u64(),
            "{}",
            breakdown["id"]
        );
        let known: u64 = breakdown["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .map(|f| f["n"].as_u64().expect("n"))
            .sum();
        let unknown: u64 = breakdown["unknowns"]
            .as_array()
            .expect("unknowns")
            .iter()
            .map(|f| f["n"].as_u64().expect("n"))
            .sum();
        assert_eq!(known + unknown, population, "{}", breakdown["id"]);
    }
    // Justice steps chain: each base is the previous step's n.
    let steps = out["justice"]["steps"].as_array().expect("steps");
    assert_eq!(steps[1]["base"], steps[0]["n"]);
    assert_eq!(steps[2]["base"], steps[1]["n"]);
    // Groups exist under both definitions, the wider one with at least as many offenders.
    let groups = out["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 2);
    assert!(
        groups[0]["offenders_in_groups"]["n"].as_u64()
            <= groups[1]["offenders_in_groups"]["n"].as_u64()
    );
    // The same workspace, the same output.
    let again = sandbox
        .run(&["--workspace", "ws", "assess", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(again, full);
    // Text output leads with people, not records.
    let text = sandbox.run(&["--workspace", "ws", "assess"]);
    text.expect_code(0);
    assert!(text.stdout.contains("person records →"), "{}", text.stdout);
}

/// The whole pipeline (synth → ingest → link → assess) on 20 worlds: how often the 95%
/// interval of `victims.estimated_total` holds the world's `victims_total` (victims known to
/// an agency or not), and the point estimate's median relative error. Linkage error is in
/// it, as it is in real use. The target is 90% (18 of 20); the pipeline reaches 20 of 20 (and
/// 40 of 40 over seeds 1–40). Slow in a debug build;
/// BENCHMARKS.md has the figures (`scripts/bench-hidden.sh`, or
/// `cargo test --release -p sightline --test tests -- --ignored estimate_of_victims_in_all --nocapture`).
#[test]
#[ignore]
fn estimate_of_victims_in_all_covers_the_truth_over_20_worlds() {
    let seeds = 1..=20u64;
    let mut covered = 0;
    let mut errors = Vec::new();
    for seed in seeds.clone() {
        let sandbox = Sandbox::new();
        let seed_text = seed.to_string();
        sandbox
            .run(&[
                "demo", "--out", "demo", "--scale", "1", "--seed", &seed_text,
            ])
            .expect_code(0);
        let out = sandbox
            .run(&[
                "--workspace",
                "demo/ws",
                "assess",
                "--json",
                "--truth",
                "demo/syn",
            ])
            .expect_code(0)
            .json();
        let row = truth_row(&out["truth"], "victims.estimated_total");
        let hidden = &out["assessment"]["hidden_population"];
        let within = row["within_ci95"] == true;
        covered += usize::from(within);
        let error = row["error"].as_f64().expect("error");
        errors.push(error.abs());
        println!(
            "seed {seed}: truth {}, known {}, estimate {:.0} ({:.0}–{:.0}), error {:+.1}%, {}",
            row["truth"],
            hidden["known"],
            row["estimate"].as_f64().unwrap_or(f64::NAN),
            row["ci95"][0].as_f64().unwrap_or(f64::NAN),
            row["ci95"][1].as_f64().unwrap_or(f64::NAN),
            error * 100.0,
            if within { "covered" } else { "MISSED" }
        );
    }
    errors.sort_by(f64::total_cmp);
    let n = seeds.count();
    println!(
        "coverage {covered}/{n}, median relative error {:.3}",
        errors[n / 2]
    );
    assert!(covered * 10 >= n * 9, "coverage {covered}/{n} below 90%");
}
