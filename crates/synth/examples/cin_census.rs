//! Writes a CIN census file of made-up children, for measuring `sightline check` on a
//! national-size census (a DfE census of every council holds about 1,000,000 children).
//!
//! ```text
//! cargo run --release -p sightline-synth --example cin_census -- --children 1000000 --out cin.xml
//! ```

use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut children: u64 = 1_000_000;
    let mut out = PathBuf::from("cin_census.xml");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--children" => children = value.parse()?,
            "--out" => out = PathBuf::from(value),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let started = Instant::now();
    let file = std::fs::File::create(&out)?;
    let written = sightline_synth::dfe::write_large_census(
        BufWriter::with_capacity(1 << 20, file),
        children,
    )?;
    eprintln!(
        "Wrote {written} children to {} in {:.1} s.",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
