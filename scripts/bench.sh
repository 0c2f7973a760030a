#!/usr/bin/env bash
# Times `parkpress build` (release) on generated sites and on the example site.
# usage: scripts/bench.sh [RUNS]   (needs python3; prints median wall time and peak memory)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/parkpress
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # name root
  local name=$1 root=$2 times=() peak=0
  for _ in $(seq "$runs"); do
    local t0 t1 kb
    t0=$(date +%s.%N)
    kb=$( { /usr/bin/time -f '%M' "$bin" build --root "$root" >/dev/null; } 2>&1 | tail -1 )
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  local median pages
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  pages=$(find "$root/output" -name '*.html' | wc -l)
  printf '%-22s %6d pages  median %.3f s  %7.0f pages/s  peak %d MB\n' "$name" "$pages" "$median" "$(echo "$pages / $median" | bc -l)" $((peak / 1024))
}

measure "example" "."
python3 scripts/gen_site.py "$work/s2000" 40 24 40 && measure "generated ~2,000" "$work/s2000"
python3 scripts/gen_site.py "$work/s10000" 100 48 100 && measure "generated ~10,000" "$work/s10000"
