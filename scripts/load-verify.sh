#!/usr/bin/env bash
# Load test of verification over HTTP: a release build of the demo server on a random loopback
# port (fresh SQLite data), and wrk (Debian's package, installed if missing) posting one warm
# credential per format to /credentials/verify for LOAD_SECONDS (default 10) with LOAD_CONNECTIONS
# (default 16) connections on LOAD_THREADS (default 1) threads. Prints one line per format and the
# server's peak RSS. Bounded in time; stops the server at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
seconds="${LOAD_SECONDS:-10}" conns="${LOAD_CONNECTIONS:-16}" threads="${LOAD_THREADS:-1}"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
target="${MEDCRED_RELEASE_TARGET_DIR:-$HOME/.cache/medcred-release}"
CARGO_TARGET_DIR="$target" cargo build --locked --release -p medcred-web --bin medcred
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$target/release/medcred" --data-dir "$work/data" demo --listen "127.0.0.1:$port" >"$work/demo.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
token=$(awk '/admin token/ {print $3}' "$work/demo.log")
list=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$port/boards/nj-bon/credentials")
for format in eddsa-rdfc-2022 eddsa-jcs-2022 vc+jwt dc+sd-jwt; do
  id=$(python3 -c 'import json,sys; print([c["id"] for c in json.loads(sys.argv[1])["credentials"] if c["format"]==sys.argv[2] and c["kind"]=="license"][0])' "$list" "$format")
  vc=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$port/credentials/$id")
  printf '{"verifiableCredential": %s, "options": {"checks": ["proof", "validity", "status", "issuer_trust", "schema"]}}' "$vc" >"$work/body.json"
  # One request first: it must verify (and it warms the caches).
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' --data @"$work/body.json" "http://127.0.0.1:$port/credentials/verify"
  line=$(MEDCRED_BODY="$work/body.json" wrk -t"$threads" -c"$conns" -d"${seconds}s" -s scripts/load/verify.lua \
    "http://127.0.0.1:$port/credentials/verify" | grep '^result')
  echo "$format $line"
done
echo "peak_rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
