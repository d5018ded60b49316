#!/usr/bin/env bash
# Builds wavecraft and runs `wavecraft start` on the bundled example plugin with the
# built-in browser UI. Extra arguments go to `wavecraft start` (e.g. --port 9100 --open).
set -euo pipefail
cd "$(dirname "$0")/.."
./build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build --wrap-mode=nodownload
meson compile -C _build
exec ./_build/src/wavecraft start examples/tremolo "$@"
