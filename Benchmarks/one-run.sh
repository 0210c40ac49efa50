#!/bin/bash
# Every measurement BENCHMARKS.md quotes, one after the other, into OUT (default /tmp/schemagen-one-run):
#   Benchmarks/one-run.sh [OLD_SCHEMAGEN]
# OLD_SCHEMAGEN: a release `schemagen` binary of an earlier commit (e.g. built in a `git worktree`), run
# through the generator-scale and lint timings right after the current one, for before/after figures.
# Needs valgrind (callgrind) and /usr/bin/time; takes about 10 minutes on the 2-vCPU machine of BENCHMARKS.md.
set -u
cd "$(dirname "$0")/.."
OLD=${1:-}
OUT=${OUT:-${TMPDIR:-/tmp}/schemagen-one-run}
mkdir -p "$OUT"
swift build -c release --package-path Benchmarks --scratch-path Benchmarks/.build > "$OUT/build.txt" 2>&1 || { cat "$OUT/build.txt"; exit 1; }
swift build --product schemagen > "$OUT/build-debug.txt" 2>&1 || { cat "$OUT/build-debug.txt"; exit 1; }
BENCH=Benchmarks/.build/release/schemagen-bench
TOOL=Benchmarks/.build/release/schemagen-tool
date -u > "$OUT/start"; uptime >> "$OUT/start"
echo "== database workloads + generator"; ( time swift run -c release --package-path Benchmarks --scratch-path Benchmarks/.build schemagen-bench ) > "$OUT/bench.txt" 2>&1
echo "== callgrind"; Benchmarks/callgrind.sh 10000 "generated raw grdb" > "$OUT/callgrind.txt" 2>&1
echo "== pool"; $BENCH --only pool --rounds 5 > "$OUT/pool.txt" 2>&1
$BENCH --only pool --rounds 5 --pool-spin 0 > "$OUT/pool-spin0.txt" 2>&1
python3 Benchmarks/generator-scale.py --write 10000 > "$OUT/s10k.victor"
echo "== generator at scale"; python3 Benchmarks/generator-scale.py --sizes 1000,10000 --repeats 3 --bin "$TOOL" > "$OUT/scale.txt" 2>&1
for i in 1 2 3; do SCHEMAGEN_TIMINGS=1 "$TOOL" lint "$OUT/s10k.victor" 2>&1 | grep timing; done > "$OUT/timings-lint.txt"
if [ -n "$OLD" ]; then
    python3 Benchmarks/generator-scale.py --sizes 1000,10000 --repeats 3 --bin "$OLD" > "$OUT/scale-old.txt" 2>&1
    for i in 1 2 3; do SCHEMAGEN_TIMINGS=1 "$OLD" lint "$OUT/s10k.victor" 2>&1 | grep timing; done > "$OUT/timings-lint-old.txt"
fi
echo "== build cost"; for i in 1 2 3; do Benchmarks/compile-cost.sh 200 pertable > "$OUT/compile-pertable-$i.txt" 2>&1; done
Benchmarks/compile-cost.sh 200 shards:8 > "$OUT/compile-shards.txt" 2>&1
date -u > "$OUT/end"; uptime >> "$OUT/end"
echo "results in $OUT"
