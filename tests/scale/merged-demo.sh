#!/usr/bin/env bash
# The release CLI on a large database made of merged demo campaigns beside the same commands
# on the demo alone, in one run: what a secretariat clerk's batch work costs once a province
# has years of campaigns. Prints each command's median CPU time on both and the ratio, the
# first search after the copies were loaded, and the peak memory of `dump --canonical`.
#
#   tests/scale/merged-demo.sh [COPIES]     (default 200: 4,800 units, 4,800 visits;
#                                            MERGED_DIR=dir keeps the databases for another run)
#
# The goal (issue 15): report, campaign show and search of one 24-visit campaign within 3× of
# the demo's, the first search under 1 s, the dump under 100 MB. Exits 1 when one is missed.
set -euo pipefail
copies=${1:-200}
runs=5
here=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
cargo build --release -q -p kiemtra-cli --locked --manifest-path "$here/Cargo.toml"
kt="$target/release/kiemtra"
# MERGED_DIR keeps the databases between runs (made once, measured again).
if [ -n "${MERGED_DIR:-}" ]; then
  work=$MERGED_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

[ -e "$work/demo.db" ] || "$kt" --db "$work/demo.db" demo >/dev/null
# Each copy is the demo loaded again under another name (its own units, teams and visits).
[ -e "$work/big.db" ] || for i in $(seq 1 "$copies"); do
  "$kt" --db "$work/big.db" demo >/dev/null
  id=$("$kt" --db "$work/big.db" campaign list --json | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["name"].startswith("Kiểm tra") and "(bản" not in c["name"]:
        print(c["id"])')
  "$kt" --db "$work/big.db" campaign edit "$id" --name "Kiểm tra công tác Đoàn (bản $i)" >/dev/null
done
# The campaign measured on the big database: the last copy, as large as the demo's.
small=$("$kt" --db "$work/big.db" campaign list --json | python3 -c '
import json, sys
print([c["id"] for c in json.load(sys.stdin) if c["name"].endswith("(bản '"$copies"')")][0])')
demo=$("$kt" --db "$work/demo.db" campaign list --json | python3 -c '
import json, sys; print(json.load(sys.stdin)[0]["id"])')

# CPU seconds (user + system) of one run, to the microsecond (time(1) counts in 10 ms).
cpu() {
  python3 -c '
import resource, subprocess, sys
before = resource.getrusage(resource.RUSAGE_CHILDREN)
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f" % (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))' "$@" ||
    { echo "failed: $*" >&2; exit 1; }
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() { for _ in $(seq "$runs"); do cpu "$@"; done | median; }

# The first search after the copies were loaded: whatever indexing is left happens here.
first=$(cpu "$kt" --db "$work/big.db" search "doan phi")

status=0
printf '%-28s %10s %10s %8s %6s\n' "command" "demo s" "big s" "big/demo" "goal"
row() {
  local name=$1 goal=$2
  shift 2
  local d b
  d=$(measure "$kt" --db "$work/demo.db" "${@//@C/$demo}")
  b=$(measure "$kt" --db "$work/big.db" "${@//@C/$small}")
  local ratio
  ratio=$(awk -v d="$d" -v b="$b" 'BEGIN { printf "%.2f", b / (d > 0.001 ? d : 0.001) }')
  local met="-"
  if [ "$goal" = 3 ]; then
    if awk -v r="$ratio" 'BEGIN { exit !(r <= 3) }'; then met=met; else met=NOT; status=1; fi
  fi
  printf '%-28s %10s %10s %8s %6s\n' "$name" "$d" "$b" "$ratio" "$met"
}
row "report (html)" 3 report --campaign @C --format html --out "$work/r.html"
row "report (docx)" 3 report --campaign @C --format docx --out "$work/r.docx"
row "campaign show" 3 campaign show @C
row "search" 3 search "doan phi"
row "campaign list" - campaign list
row "check" - check
printf 'first search after loading %s copies: %s s (goal < 1 s)\n' "$copies" "$first"
awk -v f="$first" 'BEGIN { exit !(f < 1) }' || status=1
/usr/bin/time -f "%M" -o "$work/m" "$kt" --db "$work/big.db" dump --canonical >/dev/null
peak=$(awk '{ printf "%.0f", $1 / 1024 }' "$work/m")
size=$("$kt" --db "$work/big.db" dump --canonical | wc -c)
printf 'dump --canonical: %s MB written, peak memory %s MB (goal < 100 MB)\n' "$((size / 1000000))" "$peak"
[ "$peak" -lt 100 ] || status=1
exit $status
