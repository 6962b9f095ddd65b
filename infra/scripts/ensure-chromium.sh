#!/bin/sh
# Page tests drive Debian's Chromium (never a browser download). Install it when missing and
# we are allowed to; otherwise say what to do. In CI a missing browser fails the page tests.
set -e
for candidate in "${OTMETKA_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the page tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is not installed: page tests will be skipped (install the 'chromium' package)." >&2
