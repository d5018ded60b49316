#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what it needs, builds,
# runs every suite and prints `N passed, N failed`.
#
#   build-aux/run-tests.sh              # normal build in _build
#   build-aux/run-tests.sh --sanitize   # -Db_sanitize=address,undefined in _build-asan
#   build-aux/run-tests.sh [--sanitize] -- <meson test args>   # e.g. -- --suite unit
set -euo pipefail
cd "$(dirname "$0")/.."

builddir=_build
setup_opts=()
if [ "${1:-}" = "--sanitize" ]; then
  builddir=_build-asan
  setup_opts=(-Db_sanitize=address,undefined -Db_lundef=false)
  shift
fi
[ "${1:-}" = "--" ] && shift

./build-aux/install-deps.sh

# Browser tests drive Debian's chromium with playwright-core (no browser download).
# (Again whenever the lock is newer than what node_modules holds.)
if [ -f tests/e2e/package-lock.json ] &&
   [ ! tests/e2e/node_modules/.package-lock.json -nt tests/e2e/package-lock.json ]; then
  echo "run-tests: installing tests/e2e npm packages"
  # `npm install` rather than `npm ci`: the lock pins every version, but the registry mirror
  # only serves rollup's linux-x64 optional package, and `npm ci` refuses a lock without the
  # other platforms' entries. `npm install` honours the lock and leaves it unchanged.
  (cd tests/e2e && npm install --no-audit --no-fund --loglevel=error)
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" --wrap-mode=nodownload "${setup_opts[@]+"${setup_opts[@]}"}"
fi
meson compile -C "$builddir"

set +e
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
rc=$?
set -e

python3 build-aux/test-summary.py "$builddir/meson-logs/testlog.json"
exit $rc
