#!/usr/bin/env bash
# Fuzz every parser that reads outside input (fuzz/, a cargo-fuzz crate outside the workspace):
# the verifier's engine targets run for FUZZ_SECONDS each (default 60), the parser targets for
# FUZZ_PARSER_SECONDS each (default half of FUZZ_SECONDS, rounded up), so the test command's
# FUZZ_SECONDS=15 spends 4 x 15 s + 9 x 8 s. The engine targets are seeded with the committed
# adversarial corpus (verifier/tests/corpus/{cases,controls}); every target with fuzz/seeds/<target>.
# Exits non-zero if any target crashes; crashing inputs are kept under artifacts/<target>.
#
#   FUZZ_SECONDS=300 scripts/fuzz.sh                 # longer runs
#   FUZZ_TARGETS="note checkpoint" scripts/fuzz.sh   # some targets only
#
# Only a stable toolchain is needed: cargo-fuzz's -Zsanitizer and -Cpasses flags are enabled with
# RUSTC_BOOTSTRAP=1. Builds, the growing corpus and artifacts persist in
# ${CARGO_TARGET_DIR:-$HOME/.cache/medcred-target}/fuzz (its own target directory: the fuzz
# flags would otherwise invalidate the workspace's build).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
. scripts/env.sh

# The verification engine: whole credentials and presentations, through every check.
ENGINE_TARGETS="detect verify_credential verify_presentation signed"
# One parser each: transparency log formats, DIDs, DCQL, OpenID4VP/VCI, bulk CSV.
PARSER_TARGETS="note checkpoint witness_request tile_path did dcql oid4vp_request oid4vci_offer csv_rows"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_PARSER_SECONDS="${FUZZ_PARSER_SECONDS:-$(((FUZZ_SECONDS + 1) / 2))}"
FUZZ_TARGETS="${FUZZ_TARGETS:-$ENGINE_TARGETS $PARSER_TARGETS}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-address}"
work="$CARGO_TARGET_DIR/fuzz"
export CARGO_TARGET_DIR="$work"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cargo fuzz build --sanitizer "$FUZZ_SANITIZER" # every target, from ./fuzz

failed=()
for target in $FUZZ_TARGETS; do
  corpus="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  seconds="$FUZZ_PARSER_SECONDS"
  dict_arg=()
  case " $ENGINE_TARGETS " in
    *" $target "*)
      seeds+=("$root/verifier/tests/corpus/cases" "$root/verifier/tests/corpus/controls")
      seconds="$FUZZ_SECONDS"
      dict_arg=("-dict=$root/fuzz/dicts/medcred.dict")
      ;;
  esac
  case "$target" in
    note | checkpoint | witness_request) dict_arg=("-dict=$root/fuzz/dicts/tlog.dict") ;;
  esac
  if [ -d "$root/fuzz/seeds/$target" ]; then
    seeds+=("$root/fuzz/seeds/$target")
  fi
  echo "== $target: ${seconds}s"
  # The first directory collects the inputs that add coverage; the seeds are only read.
  if ! cargo fuzz run --sanitizer "$FUZZ_SANITIZER" "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -print_final_stats=1 \
    "${dict_arg[@]}" -artifact_prefix="$artifacts/"; then
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashed: ${failed[*]}; inputs in $work/artifacts/<target>/" >&2
  exit 1
fi
echo "no crashes in: $FUZZ_TARGETS"
