#!/usr/bin/env bash
# Build the web app's browser half (Leptos `hydrate`, wasm32) into $MEDCRED_SITE_ROOT/pkg
# (default $CARGO_TARGET_DIR/site/pkg) and print the site root. Idempotent; downloads no prebuilt
# binary: the wasm32 target comes from rustup, wasm-bindgen-cli is built from crates.io at exactly
# the version Cargo.lock pins for the wasm-bindgen crate. See docs/leptos-build.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
site="${MEDCRED_SITE_ROOT:-$CARGO_TARGET_DIR/site}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown >&2
fi
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$version" ] || { echo "wasm-bindgen is not in Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version from crates.io" >&2
  # Its own lock file can pin a crate since yanked from crates.io: then resolve afresh.
  cargo install wasm-bindgen-cli --version "$version" --locked >&2 ||
    cargo install wasm-bindgen-cli --version "$version" >&2
fi

# The wasm-release profile (Cargo.toml): size-optimised with whole-program LTO.
cargo build --locked -p medcred-app --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate >&2
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name medcred_app \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/medcred_app.wasm" >&2
gzip -9 -k -f "$site/pkg/medcred_app_bg.wasm"
echo "$site"
