#!/usr/bin/env bash
# Print the absolute path of Foundry's `anvil` (a local EVM dev chain, used by the medcred-anchor
# tests), installing the npm package @foundry-rs/anvil into a cache directory the first time.
# Idempotent and safe to run concurrently; progress goes to stderr, only the path to stdout.
#   MEDCRED_NPM_CACHE  cache directory (default: $HOME/.cache/medcred-npm)
set -euo pipefail

version=1.7.1
dir="${MEDCRED_NPM_CACHE:-$HOME/.cache/medcred-npm}/anvil-$version"

# The native binary ships in a per-platform package (e.g. @foundry-rs/anvil-linux-amd64/bin/anvil);
# prefer it over the node wrapper in node_modules/.bin.
find_anvil() {
  local bin
  for bin in "$dir"/node_modules/@foundry-rs/anvil-*/bin/anvil "$dir/node_modules/.bin/anvil"; do
    if [ -f "$bin" ] && [ -x "$bin" ]; then
      echo "$bin"
      return 0
    fi
  done
  return 1
}

if bin="$(find_anvil)"; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
exec 9>"$dir/.install.lock"
flock 9
# Another run may have installed it while this one waited for the lock.
if ! bin="$(find_anvil)"; then
  echo "installing @foundry-rs/anvil@$version into $dir" >&2
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@foundry-rs/anvil@$version" >&2
  bin="$(find_anvil)" || { echo "anvil binary not found under $dir/node_modules after npm install" >&2; exit 1; }
fi
"$bin" --version >/dev/null || { echo "$bin does not run" >&2; exit 1; }
echo "$bin"
