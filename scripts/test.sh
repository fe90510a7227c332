#!/usr/bin/env bash
# Run every check and test: formatting, clippy (warnings are errors), and the whole test suite
# against SQLite and the local PostgreSQL (127.0.0.1:5432, trust auth; started if it is down).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
# Drop databases left by earlier test runs (each run creates fresh ones).
psql -h 127.0.0.1 -U postgres -d postgres -Atqc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'medcred_test_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\"" || true; done

cargo fmt --all -- --check
# The web app's browser half (wasm) for the browser tests, and the browser they drive: Debian's
# Chromium and playwright-core from npm (no browser download).
MEDCRED_SITE_ROOT="$(./scripts/build-app.sh)"
export MEDCRED_SITE_ROOT
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
export MEDCRED_SCREENSHOTS="$PWD/target/screenshots"
# The independent implementations the interop tests run with node (tests/interop): the dcql
# library and wallets on the OpenWallet Foundation Labs OpenID4VC and SD-JWT libraries.
# Installed again when the lock is newer than the install.
if [ ! tests/interop/node_modules/.package-lock.json -nt tests/interop/package-lock.json ]; then
  (cd tests/interop && npm ci --no-audit --no-fund)
fi

cargo clippy --locked --workspace --all-targets -- -D warnings
# The verification engine also compiles for the browser (wasm32).
./scripts/check-wasm.sh
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --locked --workspace --no-fail-fast
else
  cargo test --locked --workspace --no-fail-fast
fi
# Bounded fuzzing of every parser that reads outside input (cargo-fuzz, libFuzzer; fuzz/): 15 s per
# engine target and 8 s per parser target here; FUZZ_SECONDS=300 ./scripts/fuzz.sh for a longer run.
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" ./scripts/fuzz.sh
