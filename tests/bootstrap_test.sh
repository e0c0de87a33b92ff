#!/usr/bin/env bash
# Checks scripts/lib/bootstrap.sh: package detection, the message a non-root user gets when a package
# is missing (names the package and the apt-get line, exit 1, nothing installed), and the tracefs mount.
set -u
root=$1
fail() { echo "FAIL: $*"; exit 1; }
source "$root/scripts/lib/bootstrap.sh"

# Every package the build needed is installed by now (this test runs after the build).
missing=$(zkc_missing_packages)
[ -z "$missing" ] || fail "zkc_missing_packages reports installed packages as missing: $missing"

# A package that does not exist is reported missing.
ZKC_PACKAGES+=(zkc-no-such-package)
[ "$(zkc_missing_packages)" = "zkc-no-such-package" ] || fail "a missing package is not detected"

# zkc_mount_tracefs on a fresh machine (tracefs not mounted): as root it mounts it and says so, and a
# second call is silent. Checked in a private mount namespace, so the machine's own mounts stay as
# they are.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && [ -d /sys/kernel/tracing ]; then
  out=$(unshare -m bash -c "
    umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/tracing 2>/dev/null
    grep -q ' tracefs ' /proc/self/mounts && { echo STILL-MOUNTED; exit 0; }
    source '$root/scripts/lib/bootstrap.sh'
    zkc_mount_tracefs
    [ -d /sys/kernel/tracing/events ] && echo EVENTS-THERE
    echo SECOND; zkc_mount_tracefs" 2>&1)
  case "$out" in
    *STILL-MOUNTED*|*"could not mount tracefs"*) echo "SKIP: cannot unmount or mount tracefs here: $out" ;;
    *) case "$out" in *"mounted tracefs at /sys/kernel/tracing"*EVENTS-THERE*) ;; *) fail "tracefs not mounted: $out" ;; esac
       case "${out##*SECOND}" in *[![:space:]]*) fail "second call was not silent: $out" ;; esac ;;
  esac
else
  echo "SKIP: the tracefs mount check needs root, unshare and /sys/kernel/tracing"
fi

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v su >/dev/null; then
  echo "SKIP: the non-root check needs root, su and the user 'nobody'"
  exit 0
fi
out=$(cd / && su nobody -s /bin/bash -c "source '$root/scripts/lib/bootstrap.sh'; ZKC_PACKAGES+=(zkc-no-such-package); zkc_install_packages; echo reached" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "non-root install should exit 1, got $rc: $out"
case "$out" in *reached*) fail "bootstrap continued after failing to install: $out" ;; esac
case "$out" in *"missing Debian packages: zkc-no-such-package"*) ;; *) fail "message does not name the package: $out" ;; esac
case "$out" in *"apt-get install -y zkc-no-such-package"*) ;; *) fail "message does not give the install line: $out" ;; esac
echo "ok"
