#!/bin/sh
# Test tools from Debian's packages: Chromium for the page tests (never a browser download) and
# poppler-utils' pdftotext to read the PDFs we print. Install what is missing when we are
# allowed to; otherwise say what to do. In CI a missing browser fails the page tests.
set -e
missing=""
have_chromium=""
for candidate in "${OTMETKA_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    have_chromium=yes
  fi
done
[ -n "$have_chromium" ] || missing="chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's$missing for the tests..."
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi
echo "Not installed:$missing. Page tests or PDF text checks will be skipped." >&2
