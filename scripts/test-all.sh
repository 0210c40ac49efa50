#!/usr/bin/env bash
# Runs every test of the project: the root package's tests, the checks on the repo's own
# schema (lint, Generated/ freshness) and the example consumer package built through the plugin.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift test (root package)"
swift test

echo "== swift test --sanitize=thread (the runtime: Database, DatabasePool, observation)"
# Own scratch path: a sanitized build must not replace the normal one. Measured on a loaded 2-core
# machine: 5 min 15 s from cold (it builds every test target), 30 s after a runtime change; the
# tests themselves take about 5 s.
swift test --sanitize=thread --scratch-path .build-tsan --filter SchemagenRuntimeTests

echo "== schemagen lint schema.victor"
swift run schemagen lint schema.victor

echo "== every .victor is formatted (the parser corpus, broken on purpose, and the frozen histories excepted)"
find . -name '*.victor' -not -path './.build*' -not -path '*/.build*' -not -path './Tests/SchemaSyntaxTests/Corpus/*' -not -path '*.history/*' -print0 \
    | xargs -0 swift run schemagen format --check

echo "== schemagen migrations verify: the launch chains from every frozen version lose nothing"
swift run schemagen migrations verify schema.victor
swift run schemagen migrations verify Examples/VictorLearner/Sources/VictorLearner/learner.victor

echo "== Generated/ is fresh"
swift run schemagen generate schema.victor --output Generated --check

echo "== the generated Swift the codegen test targets compile is fresh"
swift run schemagen generate Tests/QueryCodegenTests/Queries.victor --output Tests/QueryCodegenTests/Generated --swift-only --check
swift run schemagen generate Tests/LanguageCodegenTests/Language.victor --output Tests/LanguageCodegenTests/Generated --swift-only --check

echo "== docs/schema/ is fresh"
swift run schemagen docs schema.victor --output docs/schema --check

echo "== the editor grammar (editors/victor.tmLanguage.json) on schema.victor"
python3 editors/test/test_grammar.py

echo "== fuzzing the pipeline for 60 s (Fuzz/)"
scripts/fuzz.sh 60

echo "== Examples/VictorLearner (the build plugin, as a user applies it)"
swift test --package-path Examples/VictorLearner --scratch-path Examples/VictorLearner/.build -Xswiftc -warnings-as-errors

echo "== a broken .victor fails the plugin build, located in the .victor file, and leaves no Swift behind"
broken=Examples/.build-broken-example
rm -rf "$broken"
mkdir -p "$broken"
cp -R Examples/VictorLearner/Package.swift Examples/VictorLearner/Sources Examples/VictorLearner/Tests "$broken/"
sed -i 's/^        q_value: real? = 0.5$/        q_value: reel? = 0.5/' "$broken/Sources/VictorLearner/learner.victor"
if swift build --package-path "$broken" --scratch-path "$broken/.build" > "$broken/build.log" 2>&1; then
    echo "error: the build with a broken schema succeeded" >&2
    exit 1
fi
if ! grep -q "learner.victor:16:18: error: unknown type 'reel'; did you mean 'real'?" "$broken/build.log"; then
    echo "error: the build did not report the located diagnostic; its log:" >&2
    cat "$broken/build.log" >&2
    exit 1
fi
if find "$broken/.build" -name learner.swift -path '*schemagen*' | grep -q .; then
    echo "error: generated Swift was left behind after a failed generation" >&2
    exit 1
fi
echo "ok: $(grep -o "learner.victor:16:18: error: [^\[]*" "$broken/build.log" | head -1)"

echo "== a query SQLite rejects fails the plugin build, located inside the SQL in the .victor file"
rm -rf "$broken"
mkdir -p "$broken"
cp -R Examples/VictorLearner/Package.swift Examples/VictorLearner/Sources Examples/VictorLearner/Tests "$broken/"
sed -i 's/SELECT q_value FROM rl_q_value WHERE/SELECT q_valeu FROM rl_q_value WHERE/' "$broken/Sources/VictorLearner/learner.victor"
if swift build --package-path "$broken" --scratch-path "$broken/.build" > "$broken/build.log" 2>&1; then
    echo "error: the build with a broken query succeeded" >&2
    exit 1
fi
if ! grep -q "learner.victor:28:20: error: no such column 'q_valeu'; did you mean 'q_value'?" "$broken/build.log"; then
    echo "error: the build did not report the located query diagnostic; its log:" >&2
    cat "$broken/build.log" >&2
    exit 1
fi
echo "ok: $(grep -o "learner.victor:28:20: error: [^\[]*" "$broken/build.log" | head -1)"
