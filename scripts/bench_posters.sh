#!/usr/bin/env bash
# Times the WeChat posters of the example site (4 audiences x 5 targets = 20 posters) with
# `parkpress share` (release): cold (empty poster cache: every poster laid out, painted, quantized
# and encoded) and warm (nothing changed: every poster from the cache), each RUNS times; prints the
# median wall and CPU seconds, and the size of the largest poster.
# usage: scripts/bench_posters.sh [RUNS]   (needs CJK fonts and GNU time; default 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/parkpress
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r content "$work/"
export SOURCE_DATE_EPOCH=1780272000

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure NAME CLEAR: runs `share` $runs times (removing the poster cache first when CLEAR=1).
measure() {
  local name=$1 clear=$2 walls=() cpus=()
  "$bin" share --root "$work" >/dev/null 2>&1 # fonts and image cache warm, as after a build
  for _ in $(seq "$runs"); do
    [ "$clear" = 1 ] && rm -rf "$work/.parkpress-cache/posters"
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$work/cpu" "$bin" share --root "$work" >"$work/out" 2>/dev/null
    t1=$(date +%s.%N)
    walls+=("$(echo "$t1 - $t0" | bc)")
    cpus+=("$(awk '{print $1 + $2}' "$work/cpu")")
  done
  printf '%-5s %s  wall %6.2f s  cpu %6.2f s\n' "$name" "$(grep Posters "$work/out")" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)"
}

measure cold 1
measure warm 0
largest=$(find "$work/share-kit/posters" -name '*.png' -printf '%s\n' | sort -n | tail -1)
echo "posters: $(find "$work/share-kit/posters" -name '*.png' | wc -l), largest $((largest / 1024)) KB"
