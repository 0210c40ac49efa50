#!/usr/bin/env bash
# Coverage-guided fuzzing of the whole pipeline (lexer → parser → resolver → lint → DDL, Swift and
# docs emitters) with libFuzzer and AddressSanitizer/LeakSanitizer.
#
#   scripts/fuzz.sh SECONDS [extra libFuzzer flags…]
#
# Builds Fuzz/ (a separate package: see Fuzz/README.md), seeds a working corpus (Fuzz/.corpus, not in
# git) with Tests/SchemaSyntaxTests/Corpus/*.victor, schema.victor and every saved crasher, and fuzzes
# for SECONDS. Exits 1 on a crash, a sanitizer report, a leak, an input that runs longer than
# FUZZ_TIMEOUT seconds (default 10) or one that needs more than 2 GB; the input is saved as
# Fuzz/crashers/<kind>-<sha1>.victor, which `swift test` (FuzzCrasherTests) then replays.
set -euo pipefail
cd "$(dirname "$0")/.."

#
# Environment: FUZZ_TIMEOUT (seconds per input, default 10); FUZZ_ASAN=0 builds without
# AddressSanitizer (into Fuzz/.build-fuzzonly: several times the executions per second, same Swift
# traps, no leak or memory-error reports; for long runs); FUZZ_MAX_LEN (bytes per input, default
# 2048); FUZZ_LOG=FILE keeps libFuzzer's whole output there. Extra arguments go to libFuzzer, e.g.
# `-fork=2` (two fuzzing processes; the summary then shows the totals of both).
seconds=${1:?usage: scripts/fuzz.sh SECONDS [libFuzzer flags…]}
shift
timeout_s=${FUZZ_TIMEOUT:-10}
max_len=${FUZZ_MAX_LEN:-2048}
if [[ "${FUZZ_ASAN:-1}" == 0 ]]; then
    sanitizers=fuzzer
    scratch=(--scratch-path Fuzz/.build-fuzzonly)
else
    sanitizers=fuzzer,address
    scratch=()
fi

echo "== building the fuzzer (Fuzz/, -sanitize=$sanitizers)"
log=$(mktemp)
# ld.gold prints a warning per ASan symbol it cannot export; keep them out of the way.
if ! swift build --package-path Fuzz -c release "${scratch[@]}" -Xswiftc -sanitize=$sanitizers -Xswiftc -parse-as-library \
    --product SchemaFuzz > "$log" 2>&1; then
    grep -v "Cannot export local symbol" "$log" >&2
    rm -f "$log"
    exit 1
fi
grep -v "Cannot export local symbol" "$log" | tail -1
rm -f "$log"
bin=$(swift build --package-path Fuzz -c release "${scratch[@]}" --show-bin-path)/SchemaFuzz

corpus=Fuzz/.corpus
mkdir -p "$corpus" Fuzz/crashers
cp -n Tests/SchemaSyntaxTests/Corpus/*.victor schema.victor "$corpus/"
if compgen -G "Fuzz/crashers/*.victor" > /dev/null; then cp -n Fuzz/crashers/*.victor "$corpus/"; fi

artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
echo "== fuzzing for ${seconds}s (corpus: $corpus)"
status=0
# The outer timeout is a guard against a hang libFuzzer's own -timeout does not catch.
timeout --kill-after=30 $((seconds + timeout_s + 120)) "$bin" \
    -max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb=2048 -max_len="$max_len" \
    -dict=Fuzz/victor.dict -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" > "$artifacts/log" 2>&1 || status=$?
if [[ -n "${FUZZ_LOG:-}" ]]; then cp "$artifacts/log" "$FUZZ_LOG"; fi
# The summary: the first and last status lines (in -fork mode: the last `#N: cov: …` line, totals
# of every job), executions, peak memory.
grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^stat::peak_rss_mb" "$artifacts/log" || true
grep -E "^#[0-9]+: cov: " "$artifacts/log" | tail -1 || true

if ((status == 0)); then
    echo "ok: no crash, leak or hang"
    exit 0
fi
grep -vE "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)" "$artifacts/log" | tail -60 >&2
saved=0
for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/slow-unit-*; do
    [[ -e "$f" ]] || continue
    base=$(basename "$f")
    kind=${base%%-*}
    dest="Fuzz/crashers/$kind-$(sha1sum "$f" | cut -c1-16).victor"
    cp "$f" "$dest"
    echo "error: fuzzing found a failure ($kind); input saved as $dest (replay: $bin $dest)" >&2
    saved=1
done
((saved)) || echo "error: the fuzzer exited with status $status and left no input (see the log above)" >&2
exit 1
