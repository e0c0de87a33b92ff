# Every dependency comes from a Debian package (scripts/lib/bootstrap.sh installs them). A missing one
# that zkcontend needs stops configuration with the package that provides it.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

macro(zkc_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR "${what} not found: install the Debian package '${package}' (./zkcontend does it for you)")
  endif()
endmacro()

find_package(fmt CONFIG QUIET)
zkc_require(fmt_FOUND "fmt" libfmt-dev)
find_package(nlohmann_json CONFIG QUIET)
zkc_require(nlohmann_json_FOUND "nlohmann-json" nlohmann-json3-dev)
find_package(CLI11 CONFIG QUIET)
zkc_require(CLI11_FOUND "CLI11" libcli11-dev)
pkg_check_modules(TOMLPP QUIET IMPORTED_TARGET tomlplusplus)
zkc_require(TOMLPP_FOUND "toml++" libtomlplusplus-dev)
pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc)
zkc_require(HWLOC_FOUND "hwloc" libhwloc-dev)
pkg_check_modules(NUMA QUIET IMPORTED_TARGET numa)
zkc_require(NUMA_FOUND "libnuma" libnuma-dev)

# libpfm4 ships no pkg-config file in Debian.
find_path(PFM_INCLUDE_DIR perfmon/pfmlib_perf_event.h)
find_library(PFM_LIBRARY pfm)
if(PFM_INCLUDE_DIR AND PFM_LIBRARY)
  add_library(zkc::pfm UNKNOWN IMPORTED)
  set_target_properties(zkc::pfm PROPERTIES IMPORTED_LOCATION "${PFM_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${PFM_INCLUDE_DIR}")
else()
  zkc_require(FALSE "libpfm4" libpfm4-dev)
endif()

# Tests and benchmarks need more (GoogleTest, GMP, Google Benchmark), which `./zkcontend` does not
# install: without them configuration goes on with tests or benchmarks skipped and says which package
# would add them. ZKC_OPTIONAL_MISSING records the missing packages, so scripts/test (which installs
# them) knows to reconfigure; a reconfigure searches again for whatever was not found.
set(ZKC_TESTS_ENABLED OFF)
set(ZKC_BENCH_ENABLED OFF)
set(zkc_optional_missing "")
if(ZKC_BUILD_TESTS)
  set(zkc_tests_missing "")
  find_package(GTest CONFIG QUIET)
  if(NOT GTest_FOUND)
    list(APPEND zkc_tests_missing "GoogleTest (libgtest-dev libgmock-dev)")
    list(APPEND zkc_optional_missing libgtest-dev libgmock-dev)
  endif()
  # GMP is the independent big-integer reference for the field tests only.
  pkg_check_modules(GMP QUIET IMPORTED_TARGET gmpxx)
  if(NOT GMP_FOUND)
    list(APPEND zkc_tests_missing "GMP (libgmp-dev)")
    list(APPEND zkc_optional_missing libgmp-dev)
  endif()
  if(zkc_tests_missing)
    list(JOIN zkc_tests_missing ", " zkc_text)
    message(STATUS "zkcontend: tests skipped: ${zkc_text} not found (scripts/test installs them and reconfigures)")
  else()
    set(ZKC_TESTS_ENABLED ON)
  endif()
endif()
if(ZKC_BUILD_BENCH)
  find_package(benchmark CONFIG QUIET)
  if(benchmark_FOUND)
    set(ZKC_BENCH_ENABLED ON)
  else()
    list(APPEND zkc_optional_missing libbenchmark-dev)
    message(STATUS "zkcontend: benchmarks skipped: Google Benchmark (libbenchmark-dev) not found (scripts/test "
                   "installs it and reconfigures)")
  endif()
endif()
set(ZKC_OPTIONAL_MISSING "${zkc_optional_missing}" CACHE INTERNAL
    "Debian packages whose tests or benchmarks were skipped at the last configure")
