# Shared by ./zkcontend and scripts/test: install missing Debian packages, configure, build.
# Sourced, not run. Status lines go to stderr prefixed [zkcontend]; the build log to build/bootstrap.log.

ZKC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ZKC_BUILD_DIR="$ZKC_ROOT/build"

# The Debian packages building zkcontend needs: all that ./zkcontend installs.
ZKC_BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libfmt-dev libhwloc-dev libnuma-dev libpfm4-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
)
# What the tests and benchmarks add (scripts/test installs them too; CMake skips tests and benchmarks
# without them, and zkc_build reconfigures once they are there).
ZKC_TEST_PACKAGES=(
  libgtest-dev libgmock-dev     # tests: GoogleTest
  libgmp-dev                    # tests: the independent big-integer reference of the field tests
  libbenchmark-dev              # bench/: Google Benchmark
  chromium-headless-shell       # tests: report.html rendered in a real browser (tests/report_browser_test.cpp)
)
# What this entry point installs: the build's packages; zkc_want_tests adds the tests'.
ZKC_PACKAGES=("${ZKC_BUILD_PACKAGES[@]}")
ZKC_WANT_TESTS=0

zkc_say() { printf '[zkcontend] %s\n' "$*" >&2; }

# scripts/test: install the tests' packages as well, and build with tests and benchmarks.
zkc_want_tests() {
  ZKC_WANT_TESTS=1
  ZKC_PACKAGES=("${ZKC_BUILD_PACKAGES[@]}" "${ZKC_TEST_PACKAGES[@]}")
}

zkc_missing_packages() {
  local p
  for p in "${ZKC_PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || printf '%s\n' "$p"
  done
}

zkc_install_packages() {
  command -v dpkg-query >/dev/null || { zkc_say "dpkg-query not found: this launcher needs a Debian-based system"; exit 1; }
  local missing
  mapfile -t missing < <(zkc_missing_packages)
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      zkc_say "missing Debian packages: ${missing[*]}"
      zkc_say "installing them needs root; run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
  zkc_say "installing missing Debian packages: ${missing[*]}"
  local log="$ZKC_ROOT/.apt.log"
  # A fresh machine has no package lists yet: update first when they are empty, and retry once after
  # an update if the install fails on stale lists.
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    "${sudo[@]}" apt-get update -q >"$log" 2>&1 || { zkc_say "apt-get update failed:"; tail -n 20 "$log" >&2; exit 1; }
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    "${sudo[@]}" apt-get update -q >>"$log" 2>&1
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
      { zkc_say "apt-get install failed (log: $log):"; tail -n 20 "$log" >&2; exit 1; }
  fi
  rm -f "$log"
}

# The packages whose tests or benchmarks the last configure of build/ skipped, space-separated ("" when
# none, or before the first configure).
zkc_optional_missing() {
  local m
  m=$(sed -n 's/^ZKC_OPTIONAL_MISSING:INTERNAL=//p' "$ZKC_BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
  printf '%s' "${m//;/ }"
}

# Configures once (release preset, build/), then builds incrementally. On a terminal ninja shows its
# progress line; otherwise the output goes to build/bootstrap.log and is shown only on failure.
zkc_build() {
  local log="$ZKC_BUILD_DIR/bootstrap.log"
  mkdir -p "$ZKC_BUILD_DIR"
  local why=""
  if [ ! -f "$ZKC_BUILD_DIR/build.ninja" ]; then
    why="configuring build/ (first run; the whole build takes a few minutes on 2 cores)"
  elif [ "$ZKC_WANT_TESTS" = 1 ]; then
    # The last configure skipped tests or benchmarks for want of packages installed since: search again.
    local missing
    missing=$(zkc_optional_missing)
    if [ -n "$missing" ]; then
      why="reconfiguring build/: the last configure skipped tests or benchmarks for want of $missing"
    fi
  fi
  if [ -n "$why" ]; then
    zkc_say "$why"
    if ! (cd "$ZKC_ROOT" && cmake --preset release) >"$log" 2>&1; then
      zkc_say "configure failed (log: $log):"; tail -n 30 "$log" >&2; exit 1
    fi
  fi
  if [ -t 2 ]; then
    (cd "$ZKC_ROOT" && cmake --build --preset release "$@") >&2 || { zkc_say "build failed"; exit 1; }
  elif ! (cd "$ZKC_ROOT" && cmake --build --preset release "$@") >"$log" 2>&1; then
    zkc_say "build failed (log: $log):"; grep -E 'error|FAILED' "$log" | head -n 40 >&2; tail -n 20 "$log" >&2; exit 1
  fi
}

# Tier-1 counters (tlb_flush per reason) read tracepoints from tracefs, which a fresh machine often has
# not mounted. As root, mount it (once; it stays until reboot) and say so; otherwise the run header says
# how. $1: the mount point (default /sys/kernel/tracing; tests pass their own).
zkc_mount_tracefs() {
  local dir=${1:-/sys/kernel/tracing}
  [ -d "$dir" ] || return 0                                  # a kernel without tracefs
  [ -d "$dir/events" ] && return 0                           # mounted already
  grep -qs '^[^ ]* [^ ]* tracefs ' /proc/self/mounts && return 0  # mounted elsewhere: the binary finds it
  [ "$(id -u)" -eq 0 ] || return 0
  if mount -t tracefs nodev "$dir" 2>/dev/null; then
    zkc_say "mounted tracefs at $dir (for the tier-1 counters: TLB flushes per reason)"
  else
    zkc_say "could not mount tracefs at $dir; the tier-1 tracepoint counters stay unavailable"
  fi
}

zkc_bootstrap() {
  zkc_install_packages
  zkc_build "$@"
}
