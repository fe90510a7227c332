#!/usr/bin/env bash
# The verification engine must compile for the browser (issue 7: "the engine compiles for
# wasm32-unknown-unknown"): `cargo check` of medcred-verifier for wasm32, in its own target
# directory (its feature set differs from the workspace's, so sharing would rebuild both).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown >&2
CARGO_TARGET_DIR="$CARGO_TARGET_DIR/wasm-check" cargo check --locked -p medcred-verifier --target wasm32-unknown-unknown
