#!/usr/bin/env bash
# Times rebuilds across runs with the build cache (.parkpress-cache), each build a new process:
# a cold build (no cache, new output folder), a rebuild with nothing changed, and a rebuild after
# one edited tenant, on the generated 2,020-page site (../shared/bench/gen.py --parks 20
# --tenants 100) with the plain theme and with the default theme. Prints the median wall time and
# CPU time of RUNS builds each, the ratios to the cold build, and the load of the machine; then
# checks that the output of the cached rebuilds is byte-identical to a cold build's.
# usage: scripts/bench_rebuild.sh [RUNS]   (default 5; needs python3, bc and GNU time; works in
# /dev/shm when it exists). BENCH_PARKPRESS=path/to/parkpress times that binary instead of
# building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
gen=${GEN:-../shared/bench/gen.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen.py
if [ -n "${BENCH_PARKPRESS:-}" ]; then
  bin=$(realpath "$BENCH_PARKPRESS")
else
  cargo build --release --quiet
  bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/parkpress")
fi
base=/tmp
[ -d /dev/shm ] && base=/dev/shm
work=$(mktemp -d -p "$base")
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}

# measure NAME PREPARE: runs `PREPARE; parkpress build` $runs times (PREPARE untimed), prints the
# median wall and CPU (user + system) time, and leaves them in $median and $cpu.
measure() {
  local name=$1 prepare=$2 times=() cpus=() user sys
  for i in $(seq "$runs"); do
    run=$i eval "$prepare"
    local t0 t1
    t0=$(date +%s.%N)
    if ! /usr/bin/time -f '%U %S' -o "$work/cpu" "$bin" build --root "$root" >"$work/out" 2>"$work/err"; then
      echo "$name: build failed:" >&2
      cat "$work/err" >&2
      exit 1
    fi
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
    read -r user sys < <(tail -1 "$work/cpu")
    cpus+=("$(echo "$user + $sys" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s median %6.3f s  cpu %6.3f s  (%s)\n' "$name" "$median" "$cpu" "$(tail -1 "$work/out" | cut -c1-90)"
}

# site NAME [--plain]: the generated site, cold, unchanged and with one tenant edited.
site() {
  local name=$1
  shift
  python3 "$gen" "$work/$name" --parks 20 --tenants 100 --only parkpress "$@" >/dev/null
  root="$work/$name/parkpress"
  tenant=$(find "$root/content/parks" -path '*/tenants/*.md' | sort | sed -n 1p)
  echo "$name: $(find "$root/content" -name '*.md' | wc -l) Markdown files; load: $(uptime | sed 's/.*load/load/')"
  measure "$name cold (no cache, new output)" 'rm -rf "$root/.parkpress-cache" "$root/output"'
  local cold=$median cold_cpu=$cpu
  measure "$name cold over previous output" 'rm -rf "$root/.parkpress-cache"'
  measure "$name unchanged" ':'
  local same=$median same_cpu=$cpu
  measure "$name one tenant edited" 'printf "\n\n编辑 %s %s。\n" "$run" "$RANDOM" >>"$tenant"'
  local edited=$median edited_cpu=$cpu
  printf '%-34s unchanged/cold: wall %.3f cpu %.3f; one tenant edited/cold: wall %.3f cpu %.3f\n' \
    "$name ratios" "$(echo "$same / $cold" | bc -l)" "$(echo "$same_cpu / $cold_cpu" | bc -l)" \
    "$(echo "$edited / $cold" | bc -l)" "$(echo "$edited_cpu / $cold_cpu" | bc -l)"
  # The cached output must be the cold build's, byte for byte.
  mv "$root/.parkpress-cache" "$work/kept-cache"
  "$bin" build --root "$root" --output "$work/cold-output" >/dev/null 2>&1
  mv "$work/kept-cache" "$root/.parkpress-cache"
  if diff -r --exclude=.parkpress-output "$root/output" "$work/cold-output" >/dev/null; then
    echo "$name: cached output is byte-identical to a cold build's"
  else
    echo "$name: cached output DIFFERS from a cold build's" >&2
    exit 1
  fi
  rm -rf "$work/cold-output"
  echo "load after: $(uptime | sed 's/.*load/load/')"
}

site plain --plain
site default
