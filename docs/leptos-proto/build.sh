#!/usr/bin/env bash
# Build a Leptos 0.8 SSR + hydration app (axum 0.8) WITHOUT cargo-leptos.
# Idempotent: re-running only redoes what changed (cargo is incremental; the
# wasm-bindgen-cli install is skipped when the right version is already on PATH).
#
#   ./build.sh            # hydrate bundle -> site/pkg, then the ssr server binary
#   ./build.sh --test     # ... then install chromium (apt) + playwright-core (npm),
#                         #     start the server, run e2e/test.mjs, stop the server
# Env: PROFILE=release|debug (server profile, default debug),
#      WASM_PROFILE=release|wasm-release (hydrate bundle, default release), WASM_OPT=0 to skip wasm-opt,
#      PORT (default 3000), CARGO_TARGET_DIR (default ~/.cache/leptos-proto-target).
set -euo pipefail
cd "$(dirname "$0")"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/leptos-proto-target}"
JOBS="${JOBS:-1}"                      # be nice to other builds on this 2-core box
NICE="nice -n 19"
CRATE=leptos_proto                     # lib crate name (Cargo `name` with - -> _)
SITE_ROOT=site
PKG_DIR="$SITE_ROOT/pkg"
PROFILE="${PROFILE:-debug}"             # server profile
WASM_PROFILE="${WASM_PROFILE:-release}" # or wasm-release (opt-level z + LTO, see Cargo.toml)
PORT="${PORT:-3000}"
log() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}'; }

# 1. wasm target (no-op when already installed)
log "rustup target add wasm32-unknown-unknown"
rustup target add wasm32-unknown-unknown

# 2. wasm-bindgen-cli, exactly the version Cargo.lock resolved for the wasm-bindgen crate
[ -f Cargo.lock ] || cargo generate-lockfile
WB_VER=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
[ -n "$WB_VER" ] || { echo "wasm-bindgen not in Cargo.lock"; exit 1; }
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$WB_VER" ]; then
  log "cargo install wasm-bindgen-cli $WB_VER (have: ${have_wb:-none})"
  t=$(now)
  # --locked first (reproducible); its lockfile can pin a crate since yanked from
  # crates.io (0.2.130 pins webpki-roots 1.0.11), then fall back to a fresh resolve.
  $NICE cargo install wasm-bindgen-cli --version "$WB_VER" --locked -j "$JOBS" \
    || $NICE cargo install wasm-bindgen-cli --version "$WB_VER" -j "$JOBS"
  echo "wasm-bindgen-cli install: $(elapsed "$t")"
else
  log "wasm-bindgen-cli $WB_VER already installed"
fi

# 3. client (hydrate) bundle
log "cargo build --lib --target wasm32-unknown-unknown --profile $WASM_PROFILE --features hydrate"
t=$(now)
$NICE cargo build --lib --target wasm32-unknown-unknown --profile "$WASM_PROFILE" \
  --no-default-features --features hydrate -j "$JOBS"
echo "wasm build: $(elapsed "$t")"
RAW_WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$WASM_PROFILE/$CRATE.wasm"

log "wasm-bindgen --target web -> $PKG_DIR"
mkdir -p "$PKG_DIR"
t=$(now)
wasm-bindgen --target web --no-typescript --out-dir "$PKG_DIR" --out-name "$CRATE" "$RAW_WASM"
echo "wasm-bindgen: $(elapsed "$t")"
BG_WASM="$PKG_DIR/${CRATE}_bg.wasm"   # HydrationScripts asks for <output_name>_bg.wasm
BINDGEN_SIZE=$(stat -c %s "$BG_WASM")

if [ "${WASM_OPT:-1}" != 0 ]; then
  # Use binaryen from npm (132), NOT Debian bookworm's binaryen 108: 108's -Oz
  # re-points the `__wbindgen_externrefs` export at the funcref table, and the page
  # then dies in the browser with "WebAssembly.Table.set(): Argument 1 is invalid
  # for table" before hydrate() runs.
  WASM_OPT_BIN=tools/node_modules/.bin/wasm-opt
  if [ ! -x "$WASM_OPT_BIN" ]; then
    log "npm install binaryen@132.0.0 (wasm-opt)"
    mkdir -p tools && (cd tools && [ -f package.json ] || echo '{"name":"tools","private":true}' > package.json
                       npm install --no-audit --no-fund --save-exact binaryen@132.0.0)
  fi
  log "wasm-opt -Oz ($($WASM_OPT_BIN --version))"
  t=$(now)
  # No feature flags: wasm-opt reads the target_features section that rustc emits
  # (mutable-globals, nontrapping-fptoint, bulk-memory, sign-ext, reference-types,
  # multivalue) and keeps to it. Do NOT pass --all-features: it lets binaryen use
  # features the module did not ask for.
  $WASM_OPT_BIN -Oz "$BG_WASM" -o "$BG_WASM.opt"
  # guard against the binaryen-108 bug above: the export must name the externref table
  dis=$(tools/node_modules/.bin/wasm-dis "$BG_WASM.opt" | grep -E '^ \((table |export "__wbindgen_externrefs")')
  tbl=$(sed -n 's/.*export "__wbindgen_externrefs" (table \(\$[^)]*\)).*/\1/p' <<<"$dis")
  grep -qE "^ \(table \\$tbl .*(externref|anyref)\)" <<<"$dis" \
    || { echo "wasm-opt broke __wbindgen_externrefs:"; echo "$dis"; exit 1; }
  mv "$BG_WASM.opt" "$BG_WASM"
  echo "wasm-opt: $(elapsed "$t")"
fi
gzip -9 -k -f "$BG_WASM"              # ServeDir(.precompressed_gzip()) serves .gz when accepted
sz() { stat -c %s "$1"; }
echo "sizes (bytes): raw=$(sz "$RAW_WASM") after-wasm-bindgen=$BINDGEN_SIZE final=$(sz "$BG_WASM") final.gz=$(sz "$BG_WASM.gz") js=$(sz "$PKG_DIR/$CRATE.js")"

# 4. server (ssr) binary
log "cargo build --bin leptos-proto --features ssr ($PROFILE)"
t=$(now)
REL=(); [ "$PROFILE" = release ] && REL=(--release)
$NICE cargo build --bin leptos-proto "${REL[@]}" --no-default-features --features ssr -j "$JOBS"
echo "server build: $(elapsed "$t")"
SERVER="$CARGO_TARGET_DIR/$PROFILE/leptos-proto"
echo "run: LEPTOS_SITE_ROOT=$PWD/$SITE_ROOT LEPTOS_SITE_ADDR=127.0.0.1:$PORT $SERVER"

[ "${1:-}" = "--test" ] || exit 0

# 5. end-to-end test in headless Chromium (Debian package; no browser download)
log "browser test"
if ! command -v chromium >/dev/null; then
  apt-get update -q && apt-get install -y -q chromium
fi
[ -d e2e/node_modules/playwright-core ] || (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
LEPTOS_SITE_ROOT="$PWD/$SITE_ROOT" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" "$SERVER" > server.log 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/" | grep -q 'leptos_proto_bg.wasm' || { echo "SSR page lacks hydration script"; exit 1; }
BASE="http://127.0.0.1:$PORT" node e2e/test.mjs
