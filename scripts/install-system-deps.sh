#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (a CJK font for generating PDF fixtures, a headless
# browser for the web UI tests).
# Idempotent: installs only what is missing, and only when we are root with apt-get; otherwise it says so and
# leaves the font-needing tests to skip (or to fail under CI=true).
set -euo pipefail

# fonts-wqy-microhei: the smallest CJK font package in Debian (1.6 MB download, one TTC file).
PACKAGES=(fonts-wqy-microhei)
# chromium + chromium-driver: the headless browser and its WebDriver for the web UI's browser tests
# (tests/e2e/web); Selenium drives /usr/bin/chromedriver, so nothing is downloaded at test time.
PACKAGES+=(chromium chromium-driver)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: all present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${missing[*]}, not root or no apt-get: skipping" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-system-deps: installed ${missing[*]}"
