#!/usr/bin/env bash
# Kill trials, the long run: ingest, link, report and keys rotate killed (SIGKILL) at random
# points, TRIALS times (1,000 by default), each followed by the checks of
# crates/cli/tests/kill_trials.rs (the audit log verifies, no return is stored in part, the
# vault opens, the same command run again completes). Release build; prints the tally.
#   scripts/kill-trials.sh [TRIALS] [SEED]
# The CI-sized run (100 trials) is the test `kill_trials_ci`, run with the other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export SIGHTLINE_KILL_TRIALS="${1:-1000}"
export SIGHTLINE_KILL_SEED="${2:-1}"
exec cargo test --release --locked -p sightline --test tests kill_trials_long -- --ignored --nocapture
