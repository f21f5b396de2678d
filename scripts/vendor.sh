#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry.
#
# The versions below are the single source of truth; bump one, run this script,
# look at the diff and commit it. Nothing here runs at request time: the portal
# serves the copied files from static/vendor/ and never loads from a CDN.
set -euo pipefail

HTMX=2.0.11                     # htmx.org; 2.x is the line django-htmx documents
UTRECHT_CSS=9.0.4               # @utrecht/component-library-css
UTRECHT_TOKENS=5.0.1            # @utrecht/design-tokens
AXE=4.14.1                      # axe-core, for the accessibility checks in tests only

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch PACKAGE VERSION: unpack the registry tarball into $work/NAME
    local name="${1//\//-}"
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
    mkdir -p "$work/$name"
    tar xzf "$work"/*"${name#@}"-"$2".tgz -C "$work/$name" --strip-components=1
    echo "$work/$name"
}

vendor="$root/static/vendor"
rm -rf "$vendor" && mkdir -p "$vendor/htmx" "$vendor/utrecht"
cp "$(fetch htmx.org "$HTMX")/dist/htmx.min.js" "$vendor/htmx/htmx.min.js"
cp "$(fetch @utrecht/component-library-css "$UTRECHT_CSS")/dist/index.css" "$vendor/utrecht/component-library.css"
cp "$(fetch @utrecht/design-tokens "$UTRECHT_TOKENS")/dist/theme.css" "$vendor/utrecht/design-tokens.css"

mkdir -p "$root/tests/browser/vendor"
cp "$(fetch axe-core "$AXE")/axe.min.js" "$root/tests/browser/vendor/axe.min.js"

cat > "$vendor/VERSIONS" <<VERSIONS
# Written by scripts/vendor.sh; do not edit by hand.
htmx.org $HTMX
@utrecht/component-library-css $UTRECHT_CSS
@utrecht/design-tokens $UTRECHT_TOKENS
axe-core $AXE (tests/browser/vendor, not served)
VERSIONS
echo "Vendored:"; grep -v '^#' "$vendor/VERSIONS"
