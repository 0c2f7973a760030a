#!/usr/bin/env bash
# Times `parkpress build` (release) on the example site and on generated sites of about 1,000,
# 2,000 and 10,000 pages (scripts/gen_site.py), each into a new output folder and over the previous
# output. When `hugo` is installed, builds the same generated
# pages with Hugo in the same run (scripts/gen_hugo.py makes the equivalent Hugo site) and prints
# the ratios. Also prints the size of each site's search indexes (scripts/search_sizes.py).
# usage: scripts/bench.sh [RUNS]   (needs python3, bc and GNU time; prints median wall time,
# pages per second and peak memory of RUNS builds, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/parkpress
hugo=$(command -v hugo || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME OUTPUT_DIR COMMAND…: runs COMMAND $runs times, prints the median wall time, pages
# per second, the median CPU time (user + system: steadier than wall time on a busy machine) and
# the peak memory (max RSS) of the runs, and leaves them in $median and $cpu (s) and $peak (KB).
measure() {
  local name=$1 out=$2 times=() cpus=() kb user sys
  shift 2
  peak=0
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    if ! /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null 2>"$work/err"; then
      echo "$name: \`$*\` failed:" >&2
      cat "$work/err" >&2
      exit 1
    fi
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
    read -r kb user sys < <(tail -1 "$work/rss")
    cpus+=("$(echo "$user + $sys" | bc)")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  # Pages, not the short-link redirects under s/ that only parkpress makes.
  local pages tool=${1##*/}
  [ "$tool" = bash ] && tool=parkpress
  pages=$(find "$out" -name '*.html' -not -path "$out/s/*" | wc -l)
  printf '%-29s %-9s %6d pages  median %6.3f s  %7.0f pages/s  cpu %6.2f s  peak %5d MB\n' \
    "$name" "$tool" "$pages" "$median" "$(echo "$pages / $median" | bc -l)" "$cpu" $((peak / 1024))
}

# site NAME PARKS TENANTS NEWS: a generated site built by parkpress and, when installed, Hugo.
site() {
  local name=$1 root="$work/$1"
  python3 scripts/gen_site.py "$root" "$2" "$3" "$4"
  # Over the previous output (only changed files are written: the everyday case, and what the
  # ratios below compare), then into a new folder each run (every file and folder created).
  measure "$name" "$root/output" "$bin" build --root "$root"
  local ours=$median ours_cpu=$cpu ours_peak=$peak
  measure "$name, new output" "$root/output" bash -c \
    '"$0" build --root "$1" --output "$(mktemp -d -u -p "$2")"' "$bin" "$root" "$work"
  python3 scripts/search_sizes.py "$root/output"
  if [ -n "$hugo" ]; then
    python3 scripts/gen_hugo.py "$root" "$work/$name-hugo"
    measure "$name" "$work/$name-hugo/public" "$hugo" --source "$work/$name-hugo" --quiet
    printf '%-29s Hugo / parkpress: wall time %.2f, cpu time %.2f, peak memory %.2f (above 1: parkpress is faster / smaller)\n' \
      "$name" "$(echo "$median / $ours" | bc -l)" "$(echo "$cpu / $ours_cpu" | bc -l)" "$(echo "$peak / $ours_peak" | bc -l)"
  fi
}

measure "example" "output" "$bin" build --root .
python3 scripts/search_sizes.py output
site "generated-1000" 20 24 20
site "generated-2000" 40 24 40
site "generated-10000" 100 48 100
[ -n "$hugo" ] || echo "hugo is not installed: no comparison (apt-get install hugo)"
