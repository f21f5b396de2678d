#!/usr/bin/env bash
# The Debian/Ubuntu packages `make run` and `make test` need outside Python, installed
# before the Python packages so that a run never starts half-equipped.
#   scripts/system-packages.sh run    Python's venv (a fresh Debian has no python3 at all) and
#                                     Pango, HarfBuzz and a font: WeasyPrint's weekly report PDF
#   scripts/system-packages.sh test   the above, plus what the tests drive: Chromium (browser
#                                     tests), pdftotext (reads the PDF back), a compose validator
#                                     and Caddy (the proxy test runs Debian's caddy)
# Nothing missing: silent. Missing and root: apt-get installs them. Missing and not root: stop
# at once with the one command to run. DROMEN_SYSTEM_PACKAGES=skip skips the check (a machine
# without apt whose packages were installed another way).
set -euo pipefail

RUN_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
TEST_PACKAGES=(chromium poppler-utils docker-compose caddy)

purpose="${1:-}"
case "$purpose" in
    run) wanted=("${RUN_PACKAGES[@]}") ;;
    test) wanted=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
    *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

if [ "${DROMEN_SYSTEM_PACKAGES:-}" = skip ]; then
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    {
        echo "make $purpose cannot check the system packages: this is not a Debian or Ubuntu machine."
        echo "Install with your package manager: Python 3.12+ with venv, Pango with HarfBuzz (libpango, libpangoft2,"
        echo "libharfbuzz-subset) and a font such as DejaVu, for the weekly report's PDF."
        if [ "$purpose" = test ]; then
            echo "For the tests also: Chromium at /usr/bin/chromium, pdftotext (poppler-utils),"
            echo "docker compose or docker-compose (only to validate docker-compose.yml) and Caddy."
        fi
        echo "Then run: DROMEN_SYSTEM_PACKAGES=skip make $purpose"
    } >&2
    exit 1
fi

missing=()
for package in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
    [ "$status" = installed ] || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    {
        echo "make $purpose needs system packages that are not installed: ${missing[*]}"
        echo "Install them with this command, then run make $purpose again:"
        echo ""
        echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}"
        echo ""
        echo "(If apt says it cannot find a package, run 'sudo apt-get update' first.)"
    } >&2
    exit 1
fi

echo "Installing ${#missing[@]} system packages with apt-get (${missing[*]}), about a minute…"
export DEBIAN_FRONTEND=noninteractive
apt_log="$(mktemp)"
# --no-install-recommends: docker-compose would otherwise bring a whole container engine.
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    echo "apt-get could not install: ${missing[*]} (its last lines are above)." >&2
    rm -f "$apt_log"
    exit 1
fi
rm -f "$apt_log"
echo "System packages installed."
