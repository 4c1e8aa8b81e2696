#!/usr/bin/env bash
# Build everything the installers need on this (Debian 12, amd64) machine, with one command:
#
#   installer/build.sh            frozen app, its self-test, the .deb, the Windows checks
#   installer/build.sh --chroot   ... and the clean-Debian-12 install test (root; ~1 min)
#
# Outputs: installer/dist/rlsdesk/ (the one-folder app), installer/dist/rlsdesk_X_amd64.deb,
# installer/build/windows-check/ (rendered .iss/.wxs and a wixl-built .msi), and
# installer/dist/build-summary.txt (sizes and timings). Intermediate files: installer/build/.
# The app is frozen from a fresh venv (installer/build/venv) holding only what the lock file
# installer/requirements-build.lock pins, with hashes, and the rlsdesk wheel: nothing from a
# developer's or CI's venv reaches the bundle. A stale lock stops the build.
# Needs: the project venv with ".[build,release]" (PYTHON=... to use another one; it builds
# the wheel and runs pip-licenses), and the Debian packages binutils dpkg-dev
# desktop-file-utils wixl msitools patchelf (and debootstrap xvfb for --chroot).
# See docs/INSTALL.md and docs/decisions/0004-packaging.md.
set -euo pipefail

INSTALLER="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$INSTALLER")"
TOOLS_PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
BUDGET_MB=150
CHROOT=0
for arg in "$@"; do
    case "$arg" in
        --chroot) CHROOT=1 ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

missing=()
for tool in objdump dpkg-deb desktop-file-validate wixl msiextract patchelf; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -x "$TOOLS_PYTHON" ]] || missing+=("$TOOLS_PYTHON")
if ((${#missing[@]})); then
    echo "build.sh: missing ${missing[*]}" >&2
    echo "  apt-get install binutils dpkg-dev desktop-file-utils wixl msitools patchelf" >&2
    echo "  python3 -m venv .venv && .venv/bin/pip install -e '.[build,release]'" >&2
    exit 2
fi
if ! "$TOOLS_PYTHON" "$INSTALLER/lock.py" check; then
    echo "build.sh: FAIL the lock file does not match pyproject.toml (see above)" >&2
    exit 1
fi

BUILD="$INSTALLER/build"
DIST="$INSTALLER/dist"
mkdir -p "$BUILD" "$DIST"
SUMMARY="$DIST/build-summary.txt"
: >"$SUMMARY"
started=$SECONDS
note() { echo "== $*" | tee -a "$SUMMARY"; }
elapsed() { echo "$((SECONDS - $1)) s"; }
# wall-clock milliseconds of a command (output discarded)
millis() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || return 1
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}

# The build venv: exactly the locked packages (hashes checked) and the rlsdesk wheel.
t=$SECONDS
VENV="$BUILD/venv"
rm -rf "$VENV" "$BUILD/wheel"
"$TOOLS_PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
    -r "$INSTALLER/requirements-build.lock"
"$TOOLS_PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w "$BUILD/wheel" "$ROOT"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$BUILD"/wheel/rlsdesk-*.whl
"$VENV/bin/python" -m pip check >/dev/null
PYTHON="$VENV/bin/python"
"$TOOLS_PYTHON" "$INSTALLER/notices.py" --python "$PYTHON" --out "$BUILD/licenses/THIRD-PARTY-NOTICES.txt"

read -r VERSION DEB_VERSION < <("$PYTHON" -c "import sys; sys.path.insert(0, '$INSTALLER')
from project import load_project; p = load_project(); print(p.version, p.debian_version)")
note "rlsdesk $VERSION"
note "build venv from the lock ($("$PYTHON" -m pip list --format=freeze 2>/dev/null | wc -l) packages) and notices in $(elapsed $t)"

t=$SECONDS
"$PYTHON" "$INSTALLER/render_icons.py"
note "icons rendered ($(elapsed $t))"

t=$SECONDS
rm -rf "$DIST/rlsdesk"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$INSTALLER/rlsdesk.spec"
"$PYTHON" "$INSTALLER/linux/clean_runpath.py" "$DIST/rlsdesk" --leak "$ROOT" --leak "$VENV"
size_mb=$(($(du -sb "$DIST/rlsdesk" | cut -f1) / 1000000))
note "frozen app built in $(elapsed $t): $DIST/rlsdesk, ${size_mb} MB installed"
if ((size_mb >= BUDGET_MB)); then
    echo "build.sh: FAIL the frozen app is ${size_mb} MB, over the ${BUDGET_MB} MB budget" >&2
    exit 1
fi

t=$SECONDS
export QT_QPA_PLATFORM=offscreen
if ! "$DIST/rlsdesk/rlsdesk" --self-test --self-test-report "$BUILD/self-test.txt"; then
    echo "build.sh: FAIL the frozen app's self-test" >&2
    exit 1
fi
note "frozen self-test passed ($(elapsed $t)); report in $BUILD/self-test.txt"
frozen_version=$(millis "$DIST/rlsdesk/rlsdesk" --version)
source_version=$(millis "$PYTHON" -m rlsdesk.cli --version)
frozen_test=$(millis "$DIST/rlsdesk/rlsdesk" --self-test)
source_test=$(millis "$PYTHON" -m rlsdesk.selftest --self-test)
note "start-up (warm cache): --version frozen ${frozen_version} ms, from source ${source_version} ms"
note "whole self-test incl. main window: frozen ${frozen_test} ms, from source ${source_test} ms"
unset QT_QPA_PLATFORM

t=$SECONDS
desktop-file-validate "$INSTALLER/linux/rlsdesk.desktop"
"$PYTHON" "$INSTALLER/linux/build_deb.py"
deb="$DIST/rlsdesk_${DEB_VERSION}_amd64.deb"
note "Debian package built in $(elapsed $t): $deb ($(($(stat -c %s "$deb") / 1000000)) MB)"

t=$SECONDS
"$PYTHON" "$INSTALLER/windows/check_windows.py"
note "Windows installer sources checked in $(elapsed $t): $BUILD/windows-check/"

if ((CHROOT)); then
    t=$SECONDS
    if [[ $EUID -eq 0 ]]; then
        PYTHON="$PYTHON" "$INSTALLER/linux/test_in_chroot.sh" "$deb"
    else
        sudo PYTHON="$PYTHON" "$INSTALLER/linux/test_in_chroot.sh" "$deb"
    fi
    note "clean Debian 12 chroot install test passed ($(elapsed $t))"
fi

note "build.sh done in $(elapsed $started)"
