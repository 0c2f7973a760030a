#!/usr/bin/env bash
# Times `parkpress build` (release) against Zola and Hugo on the same pages, and the default theme
# against plain templates on the same content (issue 21).
#
# For each size, `../shared/bench/gen.py --plain` (or $BENCH_GEN) writes one synthetic site three
# ways: parkpress with plain templates like the peers', Zola, Hugo (one language, the same
# Markdown bodies); a second parkpress copy of the content keeps the default theme. Sizes:
# 20 parks x 100 tenants (2,020 pages) and 50 x 200 (10,050). Every run builds each tool once,
# in turn (the first tool rotates from run to run), each into a NEW output folder in /dev/shm, so
# neither a disk nor a previous output helps anyone; parkpress's `.parkpress-cache` is removed
# before each of its runs (outside the timing), so every parkpress build is a cold build, like the
# peers'. A peer that is not on the PATH is skipped, and the script says so.
#
# Prints per tool the median wall time, median user and system CPU time and median peak memory
# (max RSS, GNU time) of RUNS runs, then the ratios of issue 21 with their targets:
#   parkpress plain / fastest peer, wall time   (target at most 0.8)
#   parkpress plain / Zola, peak memory         (target at most 1.2)
#   parkpress default theme / plain, wall time  (target at most 1.5)
# and the load average before and after (the machine may be shared: rerun when it is high).
#
# usage: scripts/bench.sh [RUNS] [SIZES]   RUNS default 5; SIZES e.g. "20x100 50x200" (default)
# BENCH_PARKPRESS=path/to/parkpress times that binary instead of building the release one (to
# compare two builds on one machine).
# needs python3, GNU time (/usr/bin/time), bc; zola and hugo on the PATH for the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
sizes=${2:-20x100 50x200}
gen=${BENCH_GEN:-../shared/bench/gen.py}
[ -f "$gen" ] || { echo "no site generator at $gen (set BENCH_GEN)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }
if [ -n "${BENCH_PARKPRESS:-}" ]; then
  bin=$(realpath "$BENCH_PARKPRESS")
else
  cargo build --release --quiet
  bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/parkpress")
fi
work=$(mktemp -d)
shm=$(mktemp -d -p /dev/shm parkpress-bench.XXXXXX)
trap 'rm -rf "$work" "$shm"' EXIT

peers=()
for peer in zola hugo; do
  if command -v "$peer" >/dev/null; then
    peers+=("$peer")
  else
    echo "$peer is not on the PATH: skipped (no comparison with it)"
  fi
done
echo "parkpress: $("$bin" --version)"
command -v zola >/dev/null && echo "zola: $(zola --version)"
command -v hugo >/dev/null && echo "hugo: $(hugo version | cut -d' ' -f1-2)"
echo "runs: $runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run TOOL ROOT OUT: one build of the site at ROOT by TOOL into the new folder OUT; appends
# "wall user sys rss_kb" to $work/TOOL.times.
run() {
  local tool=$1 root=$2 out=$3 t0 t1 cmd
  case $tool in
    parkpress | parkpress-theme)
      rm -rf "$root/.parkpress-cache"
      cmd=("$bin" build --root "$root" --output "$out") ;;
    zola) cmd=(zola --root "$root" build --output-dir "$out") ;;
    hugo) cmd=(hugo --source "$root" --destination "$out" --quiet) ;;
  esac
  t0=$(date +%s.%N)
  if ! /usr/bin/time -f '%U %S %M' -o "$work/time" "${cmd[@]}" >/dev/null 2>"$work/err"; then
    echo "$tool: \`${cmd[*]}\` failed:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $(tail -1 "$work/time")" >>"$work/$tool.times"
}

# column TOOL N: the median of column N of TOOL's runs.
column() { awk -v n="$2" '{print $n}' "$work/$1.times" | median; }

# ratio NAME A B TARGET: prints A / B against the target (at most TARGET).
ratio() {
  local value verdict
  value=$(echo "$2 / $3" | bc -l)
  verdict=$(echo "$value <= $4" | bc -l | sed 's/1/met/;s/0/NOT met/')
  printf '%-44s %5.2f  (target <= %s: %s)\n' "$1" "$value" "$4" "$verdict"
}

for size in $sizes; do
  parks=${size%x*} tenants=${size#*x}
  site=$work/site-$size
  python3 "$gen" "$site/plain" --parks "$parks" --tenants "$tenants" --plain
  python3 "$gen" "$site/theme" --parks "$parks" --tenants "$tenants" --only parkpress
  declare -A roots=(
    [parkpress]=$site/plain/parkpress [parkpress-theme]=$site/theme/parkpress
    [zola]=$site/plain/zola [hugo]=$site/plain/hugo
  )
  declare -A pages=()
  tools=(parkpress parkpress-theme "${peers[@]}")
  rm -f "$work"/*.times
  for r in $(seq 0 $((runs - 1))); do
    for i in "${!tools[@]}"; do
      tool=${tools[$(((i + r) % ${#tools[@]}))]}
      out=$shm/$tool-$r
      run "$tool" "${roots[$tool]}" "$out"
      pages[$tool]=$(find "$out" -name '*.html' -not -path "$out/s/*" | wc -l)
      rm -rf "$out"
    done
  done
  echo
  echo "== $parks parks x $tenants tenants, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-16s %7s %9s %8s %8s %8s\n' tool pages wall user sys 'peak MB'
  declare -A wall=() rss=()
  for tool in "${tools[@]}"; do
    wall[$tool]=$(column "$tool" 1)
    rss[$tool]=$(column "$tool" 4)
    printf '%-16s %7d %8.3fs %7.2fs %7.2fs %8.1f\n' "$tool" "${pages[$tool]}" "${wall[$tool]}" \
      "$(column "$tool" 2)" "$(column "$tool" 3)" "$(echo "${rss[$tool]} / 1024" | bc -l)"
  done
  fastest=
  for peer in "${peers[@]}"; do
    if [ -z "$fastest" ] || [ "$(echo "${wall[$peer]} < ${wall[$fastest]}" | bc -l)" = 1 ]; then
      fastest=$peer
    fi
  done
  if [ -n "$fastest" ]; then
    ratio "wall, parkpress plain / fastest peer ($fastest)" "${wall[parkpress]}" "${wall[$fastest]}" 0.8
  fi
  if [ -n "${wall[zola]:-}" ]; then
    ratio "peak memory, parkpress plain / zola" "${rss[parkpress]}" "${rss[zola]}" 1.2
  fi
  ratio "wall, parkpress default theme / plain" "${wall[parkpress-theme]}" "${wall[parkpress]}" 1.5
  unset roots pages wall rss
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
