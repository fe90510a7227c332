#!/usr/bin/env bash
# Fuzz medcred-verifier's format detection and parsers (verifier/fuzz, a cargo-fuzz crate outside
# the workspace): each target runs for FUZZ_SECONDS (default 60), seeded with the committed
# adversarial corpus (verifier/tests/corpus/{cases,controls}) and verifier/fuzz/seeds/<target>.
# Exits non-zero if any target crashes; crashing inputs are kept under artifacts/<target>.
#
#   FUZZ_SECONDS=300 scripts/fuzz.sh                 # longer runs
#   FUZZ_TARGETS="detect signed" scripts/fuzz.sh     # some targets only
#
# Only a stable toolchain is needed: cargo-fuzz's -Zsanitizer and -Cpasses flags are enabled with
# RUSTC_BOOTSTRAP=1. Builds, the growing corpus and artifacts persist in
# ${CARGO_TARGET_DIR:-$HOME/.cache/medcred-target}/fuzz (its own target directory: the fuzz
# flags would otherwise invalidate the workspace's build).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
. scripts/env.sh

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_TARGETS="${FUZZ_TARGETS:-detect verify_credential verify_presentation signed}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-address}"
work="$CARGO_TARGET_DIR/fuzz"
export CARGO_TARGET_DIR="$work"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cd verifier
cargo fuzz build --sanitizer "$FUZZ_SANITIZER" # every target

failed=()
for target in $FUZZ_TARGETS; do
  corpus="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seeds=("$root/verifier/tests/corpus/cases" "$root/verifier/tests/corpus/controls")
  if [ -d "$root/verifier/fuzz/seeds/$target" ]; then
    seeds+=("$root/verifier/fuzz/seeds/$target")
  fi
  echo "== $target: ${FUZZ_SECONDS}s"
  # The first directory collects the inputs that add coverage; the seeds are only read.
  if ! cargo fuzz run --sanitizer "$FUZZ_SANITIZER" "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=20 -print_final_stats=1 \
    -dict="$root/verifier/fuzz/medcred.dict" -artifact_prefix="$artifacts/"; then
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashed: ${failed[*]}; inputs in $work/artifacts/<target>/" >&2
  exit 1
fi
echo "no crashes in: $FUZZ_TARGETS"
