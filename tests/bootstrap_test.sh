#!/usr/bin/env bash
# Checks scripts/lib/bootstrap.sh: package detection, which packages each entry point installs
# (./zkcontend what building zkcontend needs, scripts/test the tests' too, then a reconfigure that finds
# them), the message a non-root user gets when a package is missing (names the package and the apt-get
# line, exit 1, nothing installed), and the tracefs mount.
set -u
root=$1
fail() { echo "FAIL: $*"; exit 1; }
source "$root/scripts/lib/bootstrap.sh"

# Every package the build and the tests needed is installed by now (this test runs after the build).
zkc_want_tests
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

# Which packages each entry point asks for. Every package CMake requires (zkc_require) is one the
# launcher installs; every package whose tests or benchmarks CMake skips (zkc_optional_missing) is one
# only scripts/test adds.
deps="$root/cmake/Dependencies.cmake"
required=$(sed -n 's/^ *zkc_require(.* \([a-z0-9.+-]*\))$/\1/p' "$deps" | sort -u)
optional=$(sed -n 's/^ *list(APPEND zkc_optional_missing \(.*\))$/\1/p' "$deps" | tr ' ' '\n' | sort -u)
[ "$(echo "$required" | wc -l)" -ge 7 ] || fail "no zkc_require packages read from $deps: $required"
[ "$(echo "$optional" | wc -l)" -ge 4 ] || fail "no optional packages read from $deps: $optional"
for p in $required; do
  printf '%s\n' "${ZKC_BUILD_PACKAGES[@]}" | grep -qx "$p" || fail "$p (required by CMake) is not in ZKC_BUILD_PACKAGES"
done
for p in $optional chromium-headless-shell; do
  printf '%s\n' "${ZKC_BUILD_PACKAGES[@]}" | grep -qx "$p" && fail "$p (tests only) is in the launcher's ZKC_BUILD_PACKAGES"
  printf '%s\n' "${ZKC_TEST_PACKAGES[@]}" | grep -qx "$p" || fail "$p (tests only) is not in ZKC_TEST_PACKAGES"
done

# The entry points themselves, on a copy of the tree with fake dpkg-query, apt-get, cmake, ctest, id
# (root) and mount on PATH: a machine with nothing installed yet, no root or apt needed for real.
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/tree/scripts/lib" "$fake/bin"
cp "$root/zkcontend" "$fake/tree/"
cp "$root/scripts/test" "$fake/tree/scripts/"
cp "$root/scripts/lib/bootstrap.sh" "$fake/tree/scripts/lib/"
touch "$fake/installed"
export ZKC_FAKE=$fake
cat >"$fake/bin/dpkg-query" <<'FAKE'
#!/bin/bash
grep -qx "${!#}" "$ZKC_FAKE/installed" && printf installed
FAKE
cat >"$fake/bin/apt-get" <<'FAKE'
#!/bin/bash
[ "$1" = install ] || exit 0
shift; pkgs=()
for a in "$@"; do case "$a" in -*) ;; *) pkgs+=("$a") ;; esac; done
echo "install ${pkgs[*]}" >>"$ZKC_FAKE/log"
printf '%s\n' "${pkgs[@]}" >>"$ZKC_FAKE/installed"
FAKE
# cmake: a configure records the optional packages still missing as CMake does; a build makes a fake
# zkcontend that says it ran.
cat >"$fake/bin/cmake" <<'FAKE'
#!/bin/bash
b="$ZKC_FAKE/tree/build"; mkdir -p "$b"
if [ "$1" = --build ]; then
  echo "build ${*:2}" >>"$ZKC_FAKE/log"
  printf '#!/bin/sh\necho "fake zkcontend $*"\n' >"$b/zkcontend"; chmod +x "$b/zkcontend"
  exit 0
fi
echo "configure" >>"$ZKC_FAKE/log"
missing=()
for p in libgtest-dev libgmock-dev libgmp-dev libbenchmark-dev; do
  grep -qx "$p" "$ZKC_FAKE/installed" || missing+=("$p")
done
[ -n "${ZKC_FAKE_NEVER_FOUND:-}" ] && missing+=("$ZKC_FAKE_NEVER_FOUND")
m="${missing[*]}"
printf 'ZKC_OPTIONAL_MISSING:INTERNAL=%s\n' "${m// /;}" >"$b/CMakeCache.txt"
touch "$b/build.ninja"
FAKE
printf '#!/bin/sh\necho ctest >>"$ZKC_FAKE/log"\n' >"$fake/bin/ctest"
printf '#!/bin/sh\necho 0\n' >"$fake/bin/id"
printf '#!/bin/sh\nexit 1\n' >"$fake/bin/mount"
chmod +x "$fake/bin/"*
fakerun() { : >"$fake/log"; PATH="$fake/bin:$PATH" "$@" 2>&1; }

out=$(fakerun "$fake/tree/zkcontend" --version) || fail "the launcher failed: $out"
case "$out" in *"fake zkcontend --version"*) ;; *) fail "the launcher did not run zkcontend: $out" ;; esac
[ "$(grep '^install' "$fake/log")" = "install ${ZKC_BUILD_PACKAGES[*]}" ] ||
  fail "./zkcontend should install exactly the build's packages: $(cat "$fake/log")"
grep -qx "build --preset release --target zkcontend" "$fake/log" || fail "the launcher built more than zkcontend: $(cat "$fake/log")"

out=$(fakerun "$fake/tree/scripts/test") || fail "scripts/test failed: $out"
[ "$(grep '^install' "$fake/log")" = "install ${ZKC_TEST_PACKAGES[*]}" ] ||
  fail "scripts/test should install the tests' packages, the build's being there: $(cat "$fake/log")"
case "$out" in *"reconfiguring build/"*libgtest-dev*) ;; *) fail "scripts/test did not say why it reconfigures: $out" ;; esac
[ "$(cat "$fake/log")" = "$(printf 'install %s\nconfigure\nbuild --preset release\nctest' "${ZKC_TEST_PACKAGES[*]}")" ] ||
  fail "scripts/test should install, reconfigure once, build everything and run ctest: $(cat "$fake/log")"

out=$(fakerun "$fake/tree/scripts/test") || fail "scripts/test failed the second time: $out"
[ "$(cat "$fake/log")" = "$(printf 'build --preset release\nctest')" ] ||
  fail "with everything there scripts/test should only build and test: $(cat "$fake/log")"

# A package installed but still not found by CMake: scripts/test fails rather than run no tests.
rm "$fake/tree/build/build.ninja"
export ZKC_FAKE_NEVER_FOUND=libgtest-dev
out=$(fakerun "$fake/tree/scripts/test") && fail "tests that cannot be built passed: $out"
unset ZKC_FAKE_NEVER_FOUND
case "$out" in *"the tests cannot be built: CMake still finds no libgtest-dev"*) ;; *) fail "unclear failure: $out" ;; esac
grep -q ctest "$fake/log" && fail "ctest ran without tests: $(cat "$fake/log")"

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
