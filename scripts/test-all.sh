#!/usr/bin/env bash
# Runs every test of the project: the root package's tests, the checks on the repo's own
# schema (lint, Generated/ freshness) and the example consumer package built through the plugin.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift test (root package)"
swift test

echo "== schemagen lint schema.victor"
swift run schemagen lint schema.victor

echo "== Generated/ is fresh"
swift run schemagen generate schema.victor --output Generated --check

echo "== Examples/VictorLearner (the build plugin, as a user applies it)"
swift test --package-path Examples/VictorLearner --scratch-path Examples/VictorLearner/.build
