#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when missing and we are root.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium. Install it with:" >&2
echo "    sudo apt-get install chromium" >&2
echo "or set CHROMIUM to the path of a Chromium or Chrome binary, then run make test again." >&2
exit 1
