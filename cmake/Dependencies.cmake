# Every dependency comes from a Debian package (scripts/lib/bootstrap.sh installs them).
# A missing one stops configuration with the package that provides it.
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

if(ZKC_BUILD_TESTS)
  find_package(GTest CONFIG QUIET)
  zkc_require(GTest_FOUND "GoogleTest" "libgtest-dev libgmock-dev")
  # GMP is the independent big-integer reference for the field tests only.
  pkg_check_modules(GMP QUIET IMPORTED_TARGET gmpxx)
  zkc_require(GMP_FOUND "GMP (gmpxx)" libgmp-dev)
endif()
if(ZKC_BUILD_BENCH)
  find_package(benchmark CONFIG QUIET)
  zkc_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()
