#!/usr/bin/env bash
# Installs the Debian packages coopscope builds and tests with.  Idempotent:
# packages already present are not fetched again.  Run as root (Debian 12).
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config git
  libsimdjson-dev libisal-dev isal libzstd-dev zstd libzip-dev
  libcli11-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libroaring-dev libcpp-httplib-dev
  libssl-dev libexpat1-dev
  iso-codes
  wamerican wbritish wfrench wngerman wspanish witalian wportuguese wdutch
  python3
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "coopscope: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
