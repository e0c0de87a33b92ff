# scripts/test --sanitize: the engine, counters, results and CLI tests built with the asan preset
# (AddressSanitizer + UndefinedBehaviorSanitizer) and then the tsan preset (ThreadSanitizer), one
# after the other, into build-asan/ and build-tsan/. Not part of the default suite: each build is a
# full one. Sourced by scripts/test after bootstrap.sh. On a shared machine run it under the build lock.

# The test executables it runs (tests/<name>.cpp); the CLI tests run that preset's own zkcontend.
ZKC_SANITIZE_TESTS=(pipeline_test counters_tier0_test counters_perf_test results_test cli_test run_command_test
                    ab_sweep_test)

# Any report fails the run: UBSan and ASan stop at the first, TSan exits 66 when it reported anything.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}

# $@: extra arguments for every test executable (e.g. --gtest_filter=Pipeline.*).
zkc_sanitize() {
  local jobs=${ZKC_JOBS:-$(nproc)} preset t failed=()
  for preset in asan tsan; do
    local dir="$ZKC_ROOT/build-$preset" log="$ZKC_ROOT/build-$preset/sanitize-build.log"
    mkdir -p "$dir"
    if [ ! -f "$dir/build.ninja" ]; then
      zkc_say "configuring build-$preset/"
      (cd "$ZKC_ROOT" && cmake --preset "$preset") >"$log" 2>&1 ||
        { zkc_say "configure of $preset failed (log: $log):"; tail -n 30 "$log" >&2; return 1; }
    fi
    zkc_say "building the $preset preset: zkcontend ${ZKC_SANITIZE_TESTS[*]} (-j$jobs)"
    (cd "$ZKC_ROOT" && cmake --build --preset "$preset" -j "$jobs" --target zkcontend "${ZKC_SANITIZE_TESTS[@]}") \
      >>"$log" 2>&1 || { zkc_say "build of $preset failed (log: $log):"; grep -E 'error|FAILED' "$log" | head -n 40 >&2; return 1; }
    for t in "${ZKC_SANITIZE_TESTS[@]}"; do
      zkc_say "$preset: $t"
      if ! (cd "$dir/tests" && "./$t" "$@"); then failed+=("$preset:$t"); fi
    done
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    zkc_say "sanitizer runs failed: ${failed[*]}"
    return 1
  fi
  zkc_say "sanitizer runs clean: asan+ubsan and tsan, ${#ZKC_SANITIZE_TESTS[@]} test programs each"
}
