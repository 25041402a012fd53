#!/usr/bin/env bash
# A clean, timed release build of one variant, in a profile of its own (so nothing is reused):
#   benches/release-build/build.sh NAME [cargo --config ...]
# e.g. benches/release-build/build.sh thin --config 'profile.m-thin.lto="thin"'
# Prints the wall time; the binary is left in $CARGO_TARGET_DIR/m-NAME/prospect and the
# per-crate times in $CARGO_TARGET_DIR/cargo-timings/ (see docs/performance.md).
set -euo pipefail
name=$1
shift
cd "$(dirname "$0")/../.."
start=$(date +%s.%N)
nice -n 10 cargo build --locked --bin prospect --profile "m-$name" \
    --config "profile.m-$name.inherits=\"release\"" "$@" --timings
end=$(date +%s.%N)
echo "$name: $(echo "$end - $start" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
