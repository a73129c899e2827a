#!/usr/bin/env bash
# Install the Debian packages the pipeline needs, if any is missing.
#   libharfbuzz-subset0  WeasyPrint subsets CJK fonts with HarfBuzz (fontTools costs ~6 s a page)
#   fonts-noto-cjk       the open 小标宋/黑体/宋体 substitutes (Noto Serif/Sans CJK SC)
#   libpango-1.0-0 ...   WeasyPrint's text layout
#   poppler-utils        pdftotext/pdfsig for the tests
#   libreoffice-writer-nogui, libreoffice-calc-nogui  open the DOCX and XLSX files in the tests
# Usage: tools/system-packages.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
