#!/usr/bin/env bash
# Build and start the all-in-one medcred server on SQLite with a seeded demo board, a demo
# hospital and sample credentials. Prints the URL, the DIDs and fresh API tokens. Data: ./data/demo.
# Extra arguments go to `medcred demo` (e.g. --listen 127.0.0.1:9000, --self-signed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# The web app's browser half (wasm), then the server.
MEDCRED_SITE_ROOT="$(./scripts/build-app.sh)"
export MEDCRED_SITE_ROOT
cargo build --locked -p medcred-web --bin medcred
exec "$CARGO_TARGET_DIR/debug/medcred" --data-dir "${MEDCRED_DATA_DIR:-data/demo}" demo "$@"
