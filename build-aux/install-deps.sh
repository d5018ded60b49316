#!/usr/bin/env bash
# Installs every Debian package Wavecraft's build, tests and CI need. Idempotent: packages
# already present are skipped, so a second run does not touch the network.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin
  libsoup-3.0-dev libjson-glib-dev
  desktop-file-utils appstream dbus-daemon dbus
  chromium nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Debian's nodejs/npm are only needed where no node is on PATH already.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
