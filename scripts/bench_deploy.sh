#!/usr/bin/env bash
# Times `parkpress deploy` (release) to a local s3s-fs server and to a file:// folder: the first
# deploy (every file uploaded) and the second (nothing changed), for the example site and for a
# generated site of about 2,000 pages (scripts/gen_site.py). Prints seconds and objects per second.
# usage: scripts/bench_deploy.sh   (needs s3s-fs: .ci/run installs it into /var/tmp/parkpress-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/parkpress
s3s=${PARKPRESS_TOOLS:-/var/tmp/parkpress-tools}/bin/s3s-fs
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/s3/bench"
"$s3s" --host 127.0.0.1 --port "$port" --access-key bench --secret-key bench-secret "$work/s3" \
  >"$work/s3.log" 2>&1 &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
sleep 1
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret

# run NAME ROOT TARGET…: first and second deploy of ROOT's output, with objects per second.
run() {
  local name=$1 root=$2
  shift 2
  for pass in first second; do
    local line uploaded unchanged seconds
    line=$("$bin" deploy --root "$root" --force --format json "$@" 2>/dev/null | tail -1)
    uploaded=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["uploaded"])' "$line")
    unchanged=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["unchanged"])' "$line")
    seconds=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$line")
    printf '%-22s %-6s %-7s %5d uploaded %5d unchanged %7.2f s %8.0f objects/s\n' "$name" "${2%%:*}" \
      "$pass" "$uploaded" "$unchanged" "$seconds" "$(python3 -c "print(($uploaded + $unchanged) / max($seconds, 1e-9))")"
  done
}

example="$work/example"
mkdir -p "$example" && cp -r content "$example/"
"$bin" build --root "$example" >/dev/null 2>&1
python3 scripts/gen_site.py "$work/gen" 40 24 40 >/dev/null   # about 2,000 pages, as scripts/bench.sh
"$bin" build --root "$work/gen" >/dev/null 2>&1
for site in example gen; do
  root="$work/$site"
  echo "$site: $(find "$root/output" -type f | wc -l) files, $(find "$root/output" -name '*.html' | wc -l) pages"
  run "$site" "$root" --to "s3://bench/$site" --endpoint "http://127.0.0.1:$port" --path-style
  run "$site" "$root" --to "file://$work/www-$site"
done
