#!/bin/sh
# The build cost of generated Swift (issue 15, item 3): writes a synthetic schema of TABLES tables
# (each: 9 columns of mixed types, a UNIQUE key, an index, a foreign key to the previous table of
# its domain), generates its Swift with the schemagen binary in LAYOUT, and times a debug build of
# the generated module alone (SwiftPM, all cores) in a scratch package beside a prebuilt runtime.
#
#   Benchmarks/compile-cost.sh [TABLES] [LAYOUT] [SCHEMAGEN]
#     TABLES     default 200
#     LAYOUT     pertable (what `schemagen generate` writes), shards:N (the build plugin: N = 8),
#                or single (the same code concatenated into one file, the layout before the split)
#     SCHEMAGEN  the binary (default .build/debug/schemagen; build it first)
#   Env: EDIT='perl -0pi -e "s/…/…/g"' edits the generated files first (experiments);
#        PROFILE=1 adds -debug-time-function-bodies and -warn-long-expression-type-checking=100
#        and prints the slowest bodies; WORK=dir (default ${TMPDIR:-/tmp}/schemagen-compile-cost).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
TABLES=${1:-200}
LAYOUT=${2:-pertable}
SCHEMAGEN=${3:-$root/.build/debug/schemagen}
WORK=${WORK:-${TMPDIR:-/tmp}/schemagen-compile-cost}
mkdir -p "$WORK/pkg/Sources/Gen" "$WORK/gen"
python3 - "$TABLES" > "$WORK/synth.victor" <<'PY'
import sys
n = int(sys.argv[1])
out = ["// Synthetic schema (Benchmarks/compile-cost.sh): %d tables.\nschema synth version 1\n" % n]
t = 0
d = 0
while t < n:
    out.append('\n/// Domain %d.\ndomain d%d "Domain %d" {\n' % (d, d, d))
    k = 0
    while k < 100 and t < n:
        name = "d%d_item%d" % (d, k)
        out.append("""
    /// Synthetic table %d.
    table %s {
        id: integer primary key
        name: text
        code: text
        score: real = 0.5
        visit_count: integer = 0
        active: bool = true
        payload: json?
        created_at: timestamp = datetime('now')
        parent_id: integer? %s

        unique (name, code)
        index idx_%s_created (created_at)
    }
""" % (t, name, ("references d%d_item%d(id)" % (d, k - 1)) if k > 0 else "", name))
        k += 1
        t += 1
    out.append("}\n")
    d += 1
sys.stdout.write("".join(out))
PY
rm -rf "$WORK/gen"/* "$WORK/pkg/Sources/Gen"/*
case "$LAYOUT" in
  shards:*) "$SCHEMAGEN" generate "$WORK/synth.victor" --output "$WORK/gen" --swift-only --shards "${LAYOUT#shards:}" 2>/dev/null ;;
  *)        "$SCHEMAGEN" generate "$WORK/synth.victor" --output "$WORK/gen" --swift-only 2>/dev/null ;;
esac
if [ "$LAYOUT" = single ]; then
  # The per-table files without their headers, in the order `emit` writes them (DDL, tables, queries).
  out="$WORK/pkg/Sources/Gen/synth.swift"
  first=1
  for f in $(cd "$WORK/gen/Swift/synth" && ls SynthDDL.swift; python3 -c "
import re,sys
src=open('$WORK/synth.victor').read()
for name in re.findall(r'table (\w+) \{', src):
    print(''.join(p[:1].upper()+p[1:] for p in name.split('_'))+'.swift')
"); do
    if [ $first = 1 ]; then cat "$WORK/gen/Swift/synth/$f" > "$out"; first=0
    else tail -n +6 "$WORK/gen/Swift/synth/$f" >> "$out"; fi
  done
else
  cp "$WORK/gen/Swift/synth/"*.swift "$WORK/pkg/Sources/Gen/"
fi
# Experiments: EDIT='perl -0pi -e …' is applied to the generated files before building.
if [ -n "${EDIT:-}" ]; then (cd "$WORK/pkg/Sources/Gen" && eval "$EDIT" *.swift); fi
files=$(ls "$WORK/pkg/Sources/Gen" | wc -l)
lines=$(cat "$WORK/pkg/Sources/Gen"/*.swift | wc -l)
ln -sfn "$root/Sources/SchemagenRuntime" "$WORK/pkg/Sources/SchemagenRuntime"
ln -sfn "$root/Sources/CSQLite" "$WORK/pkg/Sources/CSQLite"
flags=""
if [ "${PROFILE:-0}" = 1 ]; then
  flags='.unsafeFlags(["-Xfrontend", "-debug-time-function-bodies", "-Xfrontend", "-warn-long-expression-type-checking=100"])'
fi
cat > "$WORK/pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.0
import PackageDescription
let package = Package(name: "CompileCost", targets: [
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),
    .target(name: "SchemagenRuntime", dependencies: ["CSQLite"]),
    .target(name: "Gen", dependencies: ["SchemagenRuntime"], swiftSettings: [$flags]),
])
SWIFT
cd "$WORK/pkg"
swift build --target SchemagenRuntime >/dev/null 2>&1 || swift build --target SchemagenRuntime
rm -rf .build/debug/Gen.build .build/debug/Modules/Gen.* .build/debug/Gen.swiftmodule .build/debug/description.json
# Wall time and the CPU time (user + system, every compiler process) of the build: on a loaded
# shared machine the CPU time is the repeatable figure; wall ~ CPU / cores on an idle one.
/usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" swift build --target Gen > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
secs=$(awk '{print $1}' "$WORK/time.txt")
cpu=$(awk '{print $2 + $3}' "$WORK/time.txt")
# An unchanged rebuild (nothing to do) for reference.
start=$(date +%s.%N); swift build --target Gen >/dev/null 2>&1; end=$(date +%s.%N)
noop=$(echo "$end - $start" | bc)
printf 'tables=%s layout=%s files=%s lines=%s lines/table=%s debug-build wall=%.1fs cpu=%.1fs no-op-rebuild=%.1fs load=%s\n' \
  "$TABLES" "$LAYOUT" "$files" "$lines" "$((lines / TABLES))" "$secs" "$cpu" "$noop" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${PROFILE:-0}" = 1 ]; then
  grep -E '^[0-9.]+ms' "$WORK/build.log" | sort -rn | awk '{print}' > "$WORK/bodies.txt" || true
  echo "slowest bodies ($WORK/bodies.txt):"; head -15 "$WORK/bodies.txt"
  grep -c 'warning: expression took' "$WORK/build.log" | sed 's/^/long expressions: /' || true
fi
