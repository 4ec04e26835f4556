#!/usr/bin/env bash
# Debian's chromium for the headless browser test of `aces report` (tests/test_report_browser.py).
# Idempotent: installs only when /usr/bin/chromium is missing; needs root (as CI and the dev machines run).
# Call it from .ci/run before pytest. fonts-dejavu-core gives Arabic glyphs to any page (Noto Naskh is nicer, optional).
# The test never installs anything itself and fails if chromium is absent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
test -x /usr/bin/chromium
