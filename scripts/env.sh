# Shared environment for the scripts: a persistent target directory (so CI and reruns do not
# rebuild the world) and no proxy for loopback.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medcred-target}"
export NO_PROXY="${NO_PROXY:-localhost,127.0.0.1}"
export no_proxy="$NO_PROXY"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
