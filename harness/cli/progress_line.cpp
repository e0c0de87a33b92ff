#include "harness/cli/progress_line.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace zkc::cli {

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) != 0) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::step(const std::string& text) {
  if (!enabled_) return;
  clear();
  fmt::print(stderr, "  {}\n", text);
}

void ProgressLine::update(const harness::PipelineProgress& p, unsigned proofs_total, unsigned partitions_total,
                          double elapsed_s) {
  if (!enabled_) return;
  const unsigned done = p.partitions_done.load();
  // ETA from the partition rate so far: proofs finish in bursts, partitions steadily.
  std::string eta = "ETA -";
  if (done > 0 && done < partitions_total) {
    eta = fmt::format("ETA {:.0f} s", elapsed_s / done * (partitions_total - done));
  }
  fmt::print(stderr, "\r\033[K[{:>3}/{} proofs] {} partitions in flight, {}/{} done   elapsed {:.1f} s   {}",
             p.proofs_done.load(), proofs_total, p.partitions_in_flight.load(), done, partitions_total, elapsed_s, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!enabled_ || !drawn_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace zkc::cli
