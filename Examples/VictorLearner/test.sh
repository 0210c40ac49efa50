#!/bin/sh
# Builds and tests the example consumer package (run from anywhere).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec swift test --package-path "$here" --scratch-path "$here/.build" "$@"
