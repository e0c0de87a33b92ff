#include "kernels/msm/msm_plan.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace zkc {

namespace {

unsigned bit_length(std::size_t v) { return static_cast<unsigned>(std::bit_width(v)); }

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

// window - k, never below 1.
unsigned shrink(unsigned window, unsigned k) { return window > k ? window - k : 1; }

}  // namespace

unsigned pippenger_window(std::size_t n) {
  const unsigned log2n = n == 0 ? 0 : bit_length(n) - 1;
  if (log2n > 12) return log2n - 3;
  if (log2n > 4) return log2n - 2;
  return log2n > 0 ? 2 : 1;
}

MsmPlan plan_msm(std::size_t n, unsigned threads, std::size_t bucket_point_bytes, unsigned scalar_bits) {
  if (threads == 0) throw std::invalid_argument("plan_msm: threads must be >= 1");
  if (bucket_point_bytes == 0) throw std::invalid_argument("plan_msm: bucket_point_bytes must be > 0");
  if (scalar_bits == 0 || scalar_bits > 256) {
    throw std::invalid_argument("plan_msm: scalar_bits must be in [1, 256], got " + std::to_string(scalar_bits));
  }
  MsmPlan plan;
  plan.points = n;
  plan.scalar_bits = scalar_bits;
  unsigned window = pippenger_window(n);
  unsigned splits = 1;

  if (threads >= 2 && n >= 32) {
    if (scalar_bits > window * threads) {
      const unsigned k = bit_length(threads / 4);
      if (window + k > 18) {
        window = shrink(window, k);
      } else {
        const unsigned rounds = ceil_div(scalar_bits / window, threads);
        if (ceil_div(scalar_bits / (window + 1), threads) < rounds) window += 1;
      }
    } else {
      // Smallest split count whose grid gives every thread a tile (sppark then steps back one
      // split, accepting idle threads; we keep every thread busy).
      const unsigned base = window;
      splits = 2;
      window = shrink(base, bit_length(3 * splits / 2));
      while (ceil_div(scalar_bits, window) * splits < threads && splits < n) {
        ++splits;
        window = shrink(base, bit_length(3 * splits / 2));
      }
    }
    // Balance the row widths.
    const unsigned rows = ceil_div(scalar_bits, window);
    window = ceil_div(scalar_bits, rows);
  }

  plan.window = window;
  plan.rows = ceil_div(scalar_bits, window);
  plan.splits = splits;
  plan.tiles = n == 0 ? 0 : plan.rows * plan.splits;
  plan.workers = std::min(threads, plan.tiles);
  plan.bucket_bytes_per_worker = (std::size_t{1} << window) * bucket_point_bytes;
  plan.bucket_bytes_total = plan.bucket_bytes_per_worker * plan.workers;
  return plan;
}

}  // namespace zkc
