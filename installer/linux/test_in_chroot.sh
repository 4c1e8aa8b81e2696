#!/usr/bin/env bash
# Install the .deb into a bare Debian 12 (minbase) chroot and prove it works there.
#
#   sudo installer/linux/test_in_chroot.sh [installer/dist/rlsdesk_X_amd64.deb]
#
# 1. debootstrap bookworm --variant=minbase once; the result is cached as
#    installer/build/chroot/bookworm-minbase.tar and every run starts from a fresh copy
#    (delete the tar to refresh it);
# 2. `apt-get install ./rlsdesk_*.deb` inside: apt pulls exactly what Depends names;
# 3. every ELF file under /opt/rlsdesk must resolve all its libraries (ldd, no "not found");
# 4. `rlsdesk --version`, then `rlsdesk --self-test` (offscreen, no display);
# 5. the real window on X11: an Xvfb server runs on the host and its socket is bound into
#    the chroot (so no X packages are added to it), `timeout 12 rlsdesk` must still be
#    running when the timeout ends it, and a screenshot must show a window;
# 6. an upgrade under running sessions: two installed rlsdesk processes start
#    (`--self-test-upgrade-probe`), one like the app (sheet code not yet loaded), one that
#    preloaded its code; the package is upgraded (UPGRADE_DEB, e.g. a build whose archive
#    offsets moved, or this .deb repacked with a higher version); then both export a PDF.
#    The first must export or say that rlsdesk was upgraded (never fail silently), the
#    preloaded one must export.
# Needs root, debootstrap, Xvfb, a Debian mirror (deb.debian.org) and, for the screenshot
# taken from the host with the project venv's PySide6, the host's xcb libraries
# (apt-get install xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0).
# Takes ~1.5 minutes the first time (debootstrap) and under a minute with the cached
# chroot. Prints one "ok"/"FAIL" line per step; exit status 0 only if all passed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
INSTALLER="$(dirname "$HERE")"
WORK="$INSTALLER/build/chroot"
CACHE="$WORK/bookworm-minbase.tar"
ROOT="$WORK/root"
MIRROR="${RLSDESK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PYTHON="${PYTHON:-$INSTALLER/../.venv/bin/python}"
DEB="${1:-$(ls -t "$INSTALLER"/dist/rlsdesk_*_amd64.deb 2>/dev/null | head -n 1)}"
DISPLAY_NUMBER=97

[[ $EUID -eq 0 ]] || { echo "test_in_chroot: run as root (debootstrap, mount, chroot)" >&2; exit 2; }
[[ -f "$DEB" ]] || { echo "test_in_chroot: no .deb found (build it with installer/build.sh)" >&2; exit 2; }
for tool in debootstrap Xvfb; do
    command -v "$tool" >/dev/null || { echo "test_in_chroot: $tool is not installed" >&2; exit 2; }
done

started=$SECONDS
failures=0
step() { echo "ok $1 ($((SECONDS - started)) s since start)"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

XVFB_PID=""
cleanup() {
    [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null || true
    for mount in tmp/.X11-unix dev/pts dev sys proc; do
        mountpoint -q "$ROOT/$mount" 2>/dev/null && umount -l "$ROOT/$mount"
    done
    return 0
}
trap cleanup EXIT

mkdir -p "$WORK"
if [[ ! -f "$CACHE" ]]; then
    rm -rf "$WORK/minbase"
    debootstrap --variant=minbase bookworm "$WORK/minbase" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || { echo "FAIL debootstrap (see $WORK/debootstrap.log)"; exit 1; }
    tar -C "$WORK/minbase" -cf "$CACHE" . && rm -rf "$WORK/minbase"
    step "debootstrap bookworm minbase (cached in $CACHE)"
else
    step "reusing cached chroot $CACHE"
fi

cleanup
rm -rf "$ROOT" && mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$CACHE"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
in_root() { chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

cp "$DEB" "$ROOT/tmp/"
deb_name="$(basename "$DEB")"
if in_root sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/$deb_name" \
    >"$WORK/apt-install.log" 2>&1; then
    step "apt-get install ./$deb_name ($(grep -c '^Setting up' "$WORK/apt-install.log") packages set up)"
else
    fail "apt-get install ./$deb_name (see $WORK/apt-install.log)"; exit 1
fi

missing="$(in_root sh -c 'cd /opt/rlsdesk/_internal && find /opt/rlsdesk -type f \( -name "*.so*" -o -name rlsdesk \) \
    | while read -r f; do LD_LIBRARY_PATH=/opt/rlsdesk/_internal ldd "$f" 2>/dev/null | sed -n "s|^\s*\(\S*\) => not found| $f: \1|p"; done' | sort -u)"
if [[ -z "$missing" ]]; then step "every bundled ELF resolves its libraries (ldd)"; else fail "unresolved libraries:"; echo "$missing"; fi

version="$(in_root rlsdesk --version 2>&1)" && step "rlsdesk --version: $version" || fail "rlsdesk --version: $version"

if in_root sh -c 'HOME=/root rlsdesk --self-test --self-test-report /tmp/self-test.txt' >"$WORK/self-test.log" 2>&1; then
    step "rlsdesk --self-test (offscreen)"
else
    fail "rlsdesk --self-test (offscreen)"
fi
sed 's/^/    /' "$WORK/self-test.log"
if grep -q '^self-test passed' "$ROOT/tmp/self-test.txt" 2>/dev/null; then
    step "--self-test-report wrote $(wc -l <"$ROOT/tmp/self-test.txt") lines"
else
    fail "--self-test-report: no passing report in /tmp/self-test.txt"
fi

# The real window on X11: Xvfb on the host, its socket bound into the chroot.
mkdir -p "$ROOT/tmp/.X11-unix"
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x900x24 -nolisten tcp -ac >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [[ -S /tmp/.X11-unix/X$DISPLAY_NUMBER ]] && break; sleep 0.1; done
mount --bind /tmp/.X11-unix "$ROOT/tmp/.X11-unix"
shot() { DISPLAY=":$DISPLAY_NUMBER" QT_QPA_PLATFORM=xcb "$PYTHON" "$HERE/screenshot.py" "$@"; }
shot "$WORK/before.png" >/dev/null 2>&1 || true
set +e
in_root sh -c "DISPLAY=:$DISPLAY_NUMBER HOME=/root timeout 12 rlsdesk" >"$WORK/window.log" 2>&1 &
window_job=$!
sleep 9
shot "$WORK/window.png" "$WORK/before.png" >"$WORK/screenshot.log" 2>&1
shot_status=$?
wait "$window_job"
status=$?
set -e
if [[ $status -eq 124 ]]; then
    step "rlsdesk on X11 (Xvfb) was still running after 12 s"
else
    fail "rlsdesk on X11 exited with status $status before the timeout (see $WORK/window.log)"
fi
if [[ $shot_status -eq 0 ]]; then
    step "screenshot shows the window: $(cat "$WORK/screenshot.log") -> $WORK/window.png"
else
    fail "screenshot: $(cat "$WORK/screenshot.log")"
fi
if grep -q . "$WORK/window.log"; then echo "    window output:"; sed 's/^/    /' "$WORK/window.log"; fi

# 6. Upgrade under a running session.
upgrade_deb="${UPGRADE_DEB:-}"
if [[ -z "$upgrade_deb" ]]; then
    repack="$WORK/repack"
    rm -rf "$repack"
    dpkg-deb -R "$DEB" "$repack"
    old_version="$(sed -n 's/^Version: //p' "$repack/DEBIAN/control")"
    sed -i "s/^Version: .*/Version: ${old_version}+upgradetest1/" "$repack/DEBIAN/control"
    upgrade_deb="$WORK/rlsdesk_${old_version}+upgradetest1_amd64.deb"
    dpkg-deb --root-owner-group -Zgzip -z1 --build "$repack" "$upgrade_deb" >/dev/null  # fast: a test package
fi
cp "$upgrade_deb" "$ROOT/tmp/upgrade.deb"
# Two sessions outlive the upgrade: one as the app starts (code loaded lazily: must detect the
# upgrade or keep working), one that preloaded its code (rlsdesk.installation.preload_code:
# must keep working).
set +e
probe_jobs=()
for kind in plain preload; do
    rm -rf "$ROOT/tmp/probe-$kind" && mkdir -p "$ROOT/tmp/probe-$kind"
    extra=""; [[ $kind == preload ]] && extra="--self-test-preload"
    in_root sh -c "HOME=/root QT_QPA_PLATFORM=offscreen rlsdesk --self-test-upgrade-probe /tmp/probe-$kind $extra" \
        >"$WORK/upgrade-probe-$kind.log" 2>&1 &
    probe_jobs+=($!)
done
for kind in plain preload; do
    for _ in $(seq 300); do [[ -f "$ROOT/tmp/probe-$kind/ready" ]] && break; sleep 0.2; done
done
in_root sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/upgrade.deb" \
    >"$WORK/apt-upgrade.log" 2>&1
upgrade_status=$?
touch "$ROOT/tmp/probe-plain/go" "$ROOT/tmp/probe-preload/go"
wait "${probe_jobs[0]}"; plain_status=$?
wait "${probe_jobs[1]}"; preload_status=$?
set -e
if [[ $upgrade_status -eq 0 ]]; then
    step "upgraded to $(in_root dpkg-query -W -f='${Version}' rlsdesk) while two sessions ran"
else
    fail "upgrade (see $WORK/apt-upgrade.log)"
fi
summary() { grep -e '^detected' -e '^export' "$1" | tr '\n' ' '; }
sed 's/^/    plain: /' "$WORK/upgrade-probe-plain.log"
# Passing: the export worked, or the upgrade was detected first (the app then asks for a
# restart before it loads any code, so what the probe's own export attempt did next never
# happens in the app).
if { [[ $plain_status -eq 0 ]] && grep -q '^export: ok' "$WORK/upgrade-probe-plain.log"; } \
    || grep -q '^detected: yes' "$WORK/upgrade-probe-plain.log"; then
    step "a session loading code lazily, after the upgrade: $(summary "$WORK/upgrade-probe-plain.log")"
else
    fail "a session failed silently after the upgrade (status $plain_status)"
fi
sed 's/^/    preload: /' "$WORK/upgrade-probe-preload.log"
if [[ $preload_status -eq 0 ]] && grep -q '^export: ok' "$WORK/upgrade-probe-preload.log"; then
    step "a session with its code preloaded kept working: $(summary "$WORK/upgrade-probe-preload.log")"
else
    fail "a preloaded session could not export after the upgrade (status $preload_status)"
fi

# Figures for the release notes.
echo "    installed size: $(in_root du -sh /opt/rlsdesk | cut -f1)" \
    "($(in_root dpkg-query -W -f='${Installed-Size}' rlsdesk) KiB by dpkg)"
echo "    packages set up by apt for Depends: $(grep -c '^Setting up' "$WORK/apt-install.log")"
t0=$(date +%s%N); in_root rlsdesk --version >/dev/null 2>&1; t1=$(date +%s%N)
echo "    frozen start-up (rlsdesk --version, warm): $(((t1 - t0) / 1000000)) ms"

if [[ $failures -eq 0 ]]; then
    echo "chroot test passed in $((SECONDS - started)) s"
else
    echo "chroot test FAILED: $failures step(s) ($((SECONDS - started)) s)"
    exit 1
fi
