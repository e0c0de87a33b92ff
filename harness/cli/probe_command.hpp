// `zkcontend probe [--shootdown-test]`: which contention counters this machine can measure (the
// availability matrix that meta.json records), with kernel, perf_event_paranoid and INVLPGB; with
// --shootdown-test also checks the tlb_flush tracepoint against /proc/interrupts. A missing counter is not
// an error: exit 0. `probe --noise` instead measures how noisy the machine is for an A/B
// (harness/cli/probe_noise).
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/probe_noise.hpp"

namespace zkc::cli {

struct ProbeOptions {
  bool shootdown_test = false;
  unsigned shootdown_ms = 1000;
  bool json = false;
  bool noise = false;
  ProbeNoiseOptions noise_options;
};

void add_probe_options(CLI::App& cmd, ProbeOptions& opts);
int run_probe(const ProbeOptions& opts);

}  // namespace zkc::cli
