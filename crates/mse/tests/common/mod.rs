//! Shared helpers for the integration tests: reading the committed tables and simulating lists.

#![allow(dead_code)]

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_mse::CaptureTable;

/// Reads a table committed under tests/data: `#` comment lines, a header of list names then
/// `count`, and one row of 0/1 flags and a count per capture history.
pub fn read_table(name: &str) -> CaptureTable {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("test data file");
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let n_lists = header.len() - 1;
    let rows: Vec<(Vec<u8>, u64)> = lines
        .map(|l| {
            let fields: Vec<u64> = l
                .split(',')
                .map(|f| f.trim().parse().expect("number"))
                .collect();
            (
                fields[..n_lists].iter().map(|&v| v as u8).collect(),
                fields[n_lists],
            )
        })
        .collect();
    CaptureTable::from_rows(header[..n_lists].to_vec(), &rows).expect("valid table")
}

/// Draws a population of `n` people and who each list catches: list `i` catches a person with
/// probability `p[i]`, except that list 1 catches someone list 0 caught with odds multiplied by
/// `odds_ratio` (positive dependence between lists 0 and 1). Returns the observed table.
pub fn simulate(n: usize, p: &[f64], odds_ratio: f64, seed: u64) -> CaptureTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let k = p.len();
    let p1_given_0 = {
        let odds = p[1] / (1.0 - p[1]) * odds_ratio;
        odds / (1.0 + odds)
    };
    let mut counts = vec![0u64; 1 << k];
    for _ in 0..n {
        let mut h = 0usize;
        for (i, &pi) in p.iter().enumerate() {
            let prob = if i == 1 && h & 1 != 0 { p1_given_0 } else { pi };
            if rng.random::<f64>() < prob {
                h |= 1 << i;
            }
        }
        if h != 0 {
            counts[h] += 1;
        }
    }
    let names = (0..k).map(|i| format!("L{i}")).collect();
    CaptureTable::from_counts(names, counts).expect("valid table")
}
