#!/bin/sh
# Instructions of the timed region only (callgrind counts are repeatable on a loaded machine):
#   Benchmarks/callgrind.sh [ROWS] [CONTENDERS]     (defaults: 10000, "generated raw")
# Build first: swift build -c release --package-path Benchmarks
set -e
ROWS=${1:-10000}
CONTENDERS=${2:-generated raw}
BIN=$(dirname "$0")/.build/release/schemagen-bench
OUT=${TMPDIR:-/tmp}/schemagen-callgrind
mkdir -p "$OUT"
printf '%-12s %-10s %16s\n' workload contender instructions
for w in insert upsert fetchAll lookup learnerLoop; do
  for c in $CONTENDERS; do
    f="$OUT/$w.$c.out"
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*timedRegion*' \
      --callgrind-out-file="$f" "$BIN" --only "$w" --contenders "$c" --rounds 1 --rows "$ROWS" >/dev/null 2>&1
    printf '%-12s %-10s %16s\n' "$w" "$c" "$(grep '^summary:' "$f" | awk '{print $2}')"
  done
done
