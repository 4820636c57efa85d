#!/usr/bin/env bash
# The project's tests on any machine, fresh or not: installs what they need and the machine
# lacks (Debian's chromium for the report's browser test, chromium-driver for the collection
# service's journey in Chromium, postgresql-client for the backup test's pg_dump and
# pg_restore), then runs them with a PostgreSQL server up (the machine's, or
# a throwaway one that scripts/with-postgres.sh starts). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; fi
  echo "test.sh: installing ${missing[*]} (Debian packages)" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec scripts/with-postgres.sh cargo test --workspace --locked "$@"
