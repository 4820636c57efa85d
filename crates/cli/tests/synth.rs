use crate::util::Sandbox;

/// The whole first wave on synthetic data: synth → init → agencies import → ingest every
/// return with its profile. Every row is stored or rejected, and the rejected ones are exactly
/// the rows the generator made invalid.
#[test]
fn synthetic_returns_ingest_with_exactly_the_planted_rejections() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["synth", "--out", "syn", "--scale", "0.1", "--seed", "4"])
        .expect_code(0);
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
    assert!(returns.len() > 150, "{} returns", returns.len());
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
    sandbox
        .run(&["--workspace", "ws", "audit", "verify"])
        .expect_code(0);
}
