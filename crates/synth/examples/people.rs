//! Writes the person-record linkage benchmark set.
//!
//! ```text
//! cargo run --release -p sightline-synth --example people -- \
//!     --records 1000000 --seed 1 --out people.csv
//! ```

use sightline_synth::people::{PeopleOptions, write_people_file};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut options = PeopleOptions {
        records: 1_000_000,
        seed: 1,
    };
    let mut out = PathBuf::from("people.csv");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--records" => options.records = value.parse()?,
            "--seed" => options.seed = value.parse()?,
            "--out" => out = PathBuf::from(value),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let started = Instant::now();
    let written = write_people_file(&out, &options)?;
    eprintln!(
        "{} records of {} people to {} in {:.2} s",
        written.records,
        written.entities,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
