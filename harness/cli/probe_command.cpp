#include "harness/cli/probe_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "harness/cli/app.hpp"
#include "harness/counters/availability.hpp"
#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/shootdown_test.hpp"

namespace zkc::cli {
namespace {

namespace hc = harness::counters;

std::string or_unknown(const std::optional<int>& v) { return v ? std::to_string(*v) : "unknown"; }
std::string count_text(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "-"; }

void print_matrix(const hc::AvailabilityReport& report) {
  fmt::print("kernel               {}\n", report.kernel_release.empty() ? "unknown" : report.kernel_release);
  fmt::print("perf_event_paranoid  {}\n", or_unknown(report.perf_event_paranoid));
  fmt::print("INVLPGB              {}\n", report.invlpgb ? (*report.invlpgb ? "yes" : "no") : "unknown");
  if (!report.notes.empty()) fmt::print("notes                {}\n", report.notes);
  fmt::print("\n");
  std::size_t name_w = std::string_view("counter").size();
  std::size_t status_w = std::string_view("status").size();
  for (const auto& s : report.counters) {
    name_w = std::max(name_w, s.name.size());
    status_w = std::max(status_w, hc::to_string(s.availability).size());
  }
  fmt::print("{:<{}}  tier  {:<{}}  detail / hint\n", "counter", name_w, "status", status_w);
  fmt::print("{}\n", std::string(name_w + status_w + 24, '-'));
  for (const auto& s : report.counters) {
    std::string text = s.detail;
    if (!s.hint.empty()) text += text.empty() ? s.hint : " — " + s.hint;
    fmt::print("{:<{}}  {:>4}  {:<{}}  {}\n", s.name, name_w, s.tier, hc::to_string(s.availability), status_w, text);
  }
}

void print_shootdown(const hc::ShootdownReport& r) {
  fmt::print("\nshootdown test: {} mmap/touch/munmap rounds in {:.2f} s on CPU {}, sibling spinning on CPU {}\n",
             r.iterations, r.seconds, r.munmapper_cpu,
             r.spinner_cpu < 0 ? std::string("(none)") : std::to_string(r.spinner_cpu));
  fmt::print("{:<30}  {:>6}  {:>12}  {:>12}\n", "tlb_flush reason", "reason", "munmapper", "spinner");
  for (const auto& c : r.reasons) {
    fmt::print("{:<30}  {:>6}  {:>12}  {:>12}\n", c.name, c.reason, count_text(c.munmapper), count_text(c.spinner));
  }
  if (!r.tracepoint_why.empty()) fmt::print("tracepoint: {}\n", r.tracepoint_why);
  fmt::print("/proc/interrupts TLB delta: {} (all CPUs), {} (all but the munmapper's CPU), {} (spinner's CPU){}\n",
             count_text(r.interrupts_tlb_delta), count_text(r.interrupts_tlb_delta_other_cpus),
             count_text(r.interrupts_tlb_delta_spinner_cpu),
             r.interrupts_why.empty() ? "" : " — " + r.interrupts_why);
  fmt::print("compared: {}\n", r.compared);
  fmt::print("agree within 5%: {}{}\n", r.agree_within_5pct ? "yes" : "no",
             r.relative_difference ? fmt::format(" ({:.1f}% apart)", 100.0 * *r.relative_difference) : "");
  fmt::print("verdict: {}\n", r.verdict);
}

}  // namespace

void add_probe_options(CLI::App& cmd, ProbeOptions& opts) {
  CLI::Option* noise = cmd.add_flag(
      "--noise", opts.noise,
      "Instead: quick baseline runs (--runs, default 8), each with what else used the machine (steal, other "
      "processes, load, throttling), the CV of s/proof and the smallest change an A/B can decide in --budget s");
  add_probe_noise_options(cmd, opts.noise_options, noise);
  CLI::Option* shootdown = cmd.add_flag("--shootdown-test", opts.shootdown_test,
               "Also munmap in a loop with a sibling thread spinning on another CPU and compare the tlb_flush "
               "tracepoint with /proc/interrupts");
  cmd.add_option("--shootdown-ms", opts.shootdown_ms, "Duration of the shootdown test")
      ->check(CLI::Range(10U, 600000U))
      ->capture_default_str();
  CLI::Option* json = cmd.add_flag("--json", opts.json, "Print the availability matrix as the JSON that meta.json records");
  noise->excludes(shootdown)->excludes(json);
}

int run_probe(const ProbeOptions& opts) {
  if (opts.noise) return run_probe_noise(opts.noise_options);
  const ProfileOptions& p = opts.noise_options.profile;
  if (!p.files.empty() || !p.overrides.empty() || p.count > 0 || p.concurrency > 0) {
    fmt::print(stderr, "zkcontend probe: --config, --set, -c and -j apply to --noise only\n");
    return kExitUsage;
  }
  const auto catalog = hc::default_catalog();
  const hc::AvailabilityReport report = hc::availability_report(catalog, hc::real_perf_syscalls());
  if (opts.json) {
    fmt::print("{}\n", hc::availability_report_json(report).dump(2));
  } else {
    print_matrix(report);
  }
  if (opts.shootdown_test) {
    hc::ShootdownOptions so;
    so.duration = std::chrono::milliseconds(opts.shootdown_ms);
    print_shootdown(hc::run_shootdown_test(so));
  }
  return kExitOk;
}

}  // namespace zkc::cli
