#!/usr/bin/env bash
# Debian packages the tests use beside Python's: Chromium for the web edition's browser tests
# (Playwright drives it; no browser is downloaded) and poppler's tools (pdfinfo reads a PDF's
# tagged text the way assistive technology does). Idempotent; installs only what is missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdfinfo >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "the tests need Debian packages: ${need[*]} (install them as root)" >&2; exit 3
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
