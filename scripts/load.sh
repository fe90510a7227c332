#!/usr/bin/env bash
# Load test of a release build on loopback (issue 6), bounded in time, on SQLite and PostgreSQL:
#
#  1. steady state: verification at a fixed rate (oha, open loop: LOAD_VERIFY_RATE/s, default 200)
#     for LOAD_SECONDS (default 60), with issuance at LOAD_ISSUE_RATE/s (default 10, oha) and
#     status changes from LOAD_STATUS_CONNECTIONS closed-loop clients (default 1, wrk: suspend /
#     reinstate through the ledger) mixed in. Reports throughput and p50/p99/p99.9 per kind, the
#     answers by status code (from the server's own /metrics), and the server's peak RSS.
#  2. back-pressure: the same server restarted with --max-in-flight LOAD_MAX_IN_FLIGHT (default 16)
#     is hit by LOAD_FLOOD_CONNECTIONS (default 256) connections for LOAD_FLOOD_SECONDS (default
#     10): the excess must be shed with 503 + Retry-After, nothing else may fail; then a steady
#     LOAD_RECOVER_RATE/s (default 50) for LOAD_FLOOD_SECONDS must see no error at all.
#
# Tools: oha (built from crates.io with `cargo install --locked`, into ~/.cache/medcred-tools) and
# Debian's wrk. Results go to target/load/<backend>-*.json|txt and a summary on stdout.
# LOAD_BACKENDS="sqlite postgres" picks the databases.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
seconds="${LOAD_SECONDS:-60}" rate="${LOAD_VERIFY_RATE:-200}" issue_rate="${LOAD_ISSUE_RATE:-10}"
status_conns="${LOAD_STATUS_CONNECTIONS:-1}" backends="${LOAD_BACKENDS:-sqlite postgres}"
max_in_flight="${LOAD_MAX_IN_FLIGHT:-16}" flood_conns="${LOAD_FLOOD_CONNECTIONS:-256}"
flood_seconds="${LOAD_FLOOD_SECONDS:-10}" recover_rate="${LOAD_RECOVER_RATE:-50}"

tools="$HOME/.cache/medcred-tools"
[ -x "$tools/bin/oha" ] || cargo install --locked oha --root "$tools"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
oha="$tools/bin/oha"
release="${MEDCRED_RELEASE_TARGET_DIR:-$HOME/.cache/medcred-release}"
# MEDCRED_LOAD_BIN: a medcred binary to use instead of building the release one (smoke runs).
bin="${MEDCRED_LOAD_BIN:-$release/release/medcred}"
[ -n "${MEDCRED_LOAD_BIN:-}" ] || CARGO_TARGET_DIR="$release" cargo build --locked --release -p medcred-web --bin medcred
out="target/load"
mkdir -p "$out"
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server DATA_DIR PORT EXTRA...: run the demo (a seeded board and hospital) and wait for it.
start_server() {
  local data=$1 port=$2
  shift 2
  "$bin" --data-dir "$data" demo --listen "127.0.0.1:$port" --rate-limit verify=off,issue=off,status=off,oid4vc=off "$@" \
    >"$work/demo.log" 2>"$work/demo.err" &
  pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.1; done
  cat "$work/demo.err" >&2
  return 1
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }

# status_counts URL ROUTE: "code=count ..." for ROUTE from the server's metrics.
status_counts() {
  curl -sf "$1/metrics" | python3 -c '
import re, sys
route = sys.argv[1]
counts = {}
for line in sys.stdin:
    m = re.match(r"medcred_http_requests_total\{method=\"POST\",route=\"([^\"]*)\",status=\"(\d+)\"\} (\d+)", line)
    if m and m.group(1) == route:
        counts[m.group(2)] = counts.get(m.group(2), 0) + int(m.group(3))
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none")' "$2"
}

# oha_summary FILE: one line from oha's JSON output.
oha_summary() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s, p = d["summary"], d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
errors = d.get("errorDistribution", {})
# Requests still in flight when the time is up are cut by oha itself: not server errors.
cut = sum(v for k, v in errors.items() if "deadline" in k)
other = {k: v for k, v in errors.items() if "deadline" not in k}
ms = lambda v: "%.2f" % (v * 1000) if v is not None else "-"
print("rps=%.1f p50_ms=%s p99_ms=%s p999_ms=%s codes=%s client_errors=%s cut_at_end=%d" % (
    s["requestsPerSec"], ms(p.get("p50")), ms(p.get("p99")), ms(p.get("p99.9")),
    ",".join(f"{k}:{v}" for k, v in sorted(codes.items())), other or 0, cut))' "$1"
}

for backend in $backends; do
  data="$work/data-$backend"
  db_args=()
  if [ "$backend" = postgres ]; then
    name="medcred_load_$$"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
    db_args=(--database-url "postgres://postgres@127.0.0.1:5432/$name")
  fi
  port=$(free_port)
  url="http://127.0.0.1:$port"
  MEDCRED_PUBLIC_URL="http://localhost:$port" start_server "$data" "$port" "${db_args[@]}"
  token=$(awk '/admin token:/ {print $3}' "$work/demo.log")
  list=$(curl -sf -H "authorization: Bearer $token" "$url/boards/nj-bon/credentials")
  id=$(python3 -c 'import json,sys; print([c["id"] for c in json.loads(sys.argv[1])["credentials"] if c["format"]=="eddsa-jcs-2022" and c["kind"]=="license"][0])' "$list")
  vc=$(curl -sf -H "authorization: Bearer $token" "$url/credentials/$id")
  printf '{"verifiableCredential": %s}' "$vc" >"$work/verify.json"
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' --data @"$work/verify.json" "$url/credentials/verify"
  cat >"$work/issue.json" <<'EOF'
{"credential": {"type": ["VerifiableCredential", "MedicalLicenseCredential"], "validUntil": "2030-01-01T00:00:00Z",
 "credentialSubject": {"practitionerName": "Load Test", "licenseType": "RN", "licenseNumber": "RN-LOAD",
 "jurisdiction": "US-NJ", "originalIssueDate": "2020-01-01"}}, "options": {"format": "eddsa-jcs-2022"}}
EOF
  # 200 credentials for the status changes to cycle through (bulk CSV).
  {
    echo "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until"
    for i in $(seq 1 200); do echo "Load Nurse $i,RN,RN-L$i,US-NJ,2020-01-01,2030-01-01T00:00:00Z"; done
  } >"$work/bulk.csv"
  curl -sf -o /dev/null -X POST -H "authorization: Bearer $token" -H 'content-type: text/csv' \
    --data-binary @"$work/bulk.csv" "$url/boards/nj-bon/credentials/bulk?format=vc%2Bjwt"
  curl -sf -H "authorization: Bearer $token" "$url/boards/nj-bon/credentials?q=Load%20Nurse" |
    python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)["credentials"]]' >"$work/ids.txt"

  echo "== $backend: ${seconds}s — verify at ${rate}/s, issue at ${issue_rate}/s, status changes from $status_conns client(s)"
  "$oha" --no-tui --output-format json -z "${seconds}s" -q "$rate" --latency-correction -c 64 -m POST -H 'content-type: application/json' \
    -D "$work/verify.json" "$url/credentials/verify" >"$out/$backend-verify.json" &
  v=$!
  "$oha" --no-tui --output-format json -z "${seconds}s" -q "$issue_rate" --latency-correction -c 8 -m POST -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -D "$work/issue.json" "$url/credentials/issue" >"$out/$backend-issue.json" &
  i=$!
  MEDCRED_IDS="$work/ids.txt" MEDCRED_TOKEN="$token" MEDCRED_BOARD=nj-bon \
    wrk -t1 -c"$status_conns" -d"${seconds}s" -s scripts/load/mixed-status.lua "$url" >"$out/$backend-status.txt" &
  s=$!
  wait $v $i $s
  echo "verify  $(oha_summary "$out/$backend-verify.json")"
  echo "issue   $(oha_summary "$out/$backend-issue.json")"
  echo "status  $(grep '^result' "$out/$backend-status.txt" | cut -d' ' -f2-)"
  echo "server answers: verify $(status_counts "$url" /credentials/verify); issue $(status_counts "$url" /credentials/issue); status $(status_counts "$url" '/boards/{slug}/credentials/{id}/status')"
  echo "peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  stop_server

  echo "== $backend: back-pressure — --max-in-flight $max_in_flight, $flood_conns connections for ${flood_seconds}s, then ${recover_rate}/s"
  MEDCRED_PUBLIC_URL="http://localhost:$port" start_server "$data" "$port" "${db_args[@]}" --max-in-flight "$max_in_flight"
  "$oha" --no-tui --output-format json -z "${flood_seconds}s" -c "$flood_conns" -m POST -H 'content-type: application/json' \
    -D "$work/verify.json" "$url/credentials/verify" >"$out/$backend-flood.json"
  echo "flood   $(oha_summary "$out/$backend-flood.json")"
  "$oha" --no-tui --output-format json -z "${flood_seconds}s" -q "$recover_rate" --latency-correction -c 16 -m POST -H 'content-type: application/json' \
    -D "$work/verify.json" "$url/credentials/verify" >"$out/$backend-recover.json"
  echo "recover $(oha_summary "$out/$backend-recover.json")"
  echo "server answers: verify $(status_counts "$url" /credentials/verify); refused $(status_counts "$url" '(refused)')"
  echo "peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  stop_server
  if [ "$backend" = postgres ]; then psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $name"; fi
done
