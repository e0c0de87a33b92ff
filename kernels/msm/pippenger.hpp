// msm: multi-scalar multiplication sum_i [s_i] P_i by a multi-threaded Pippenger bucket method in
// the style of sppark's CPU MSM (the real prover's), so the benchmark models its costs.
//
// The plan (msm_plan.hpp) cuts the work into a grid of point ranges x window rows. Tiles are handed
// out dynamically over the pool; each worker owns one array of 2^window XYZZ buckets, reused across
// its tiles. A tile adds each point into the bucket of its UNSIGNED window digit (digit 0 skipped)
// by mixed XYZZ addition, then folds its buckets by the running-sum method (sum_d d * B_d) into one
// partial, clearing them for the next tile. The calling thread sums each row's partials and joins
// the rows by doubling `window` times between them (Horner). Scalar bits at or above scalar_bits
// are ignored.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/curve/affine.hpp"
#include "kernels/curve/jacobian.hpp"
#include "kernels/curve/xyzz.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace zkc {

namespace msm_detail {

// Bits [bit0, bit0 + width) of a little-endian scalar; width <= 32, bit0 + width <= 256.
inline std::uint32_t window_digit(const Scalar256& s, unsigned bit0, unsigned width) {
  const unsigned limb = bit0 / 64;
  const unsigned shift = bit0 % 64;
  std::uint64_t v = s[limb] >> shift;
  if (shift + width > 64 && limb + 1 < s.size()) v |= s[limb + 1] << (64 - shift);
  return static_cast<std::uint32_t>(v & ((std::uint64_t{1} << width) - 1));
}

template <class T>
inline void prefetch_lines(const T* p) {
  const char* c = reinterpret_cast<const char*>(p);
  for (std::size_t off = 0; off < sizeof(T); off += 64) __builtin_prefetch(c + off, 1, 3);
}

// One tile: bucket the points [begin, end) by their digit at bit0, then return sum_d d * B_d.
// `buckets` holds at least 2^width identities on entry and on exit.
template <class P>
XyzzPoint<P> run_tile(std::span<const AffinePoint<P>> points, std::span<const Scalar256> scalars,
                      std::size_t begin, std::size_t end, unsigned bit0, unsigned width,
                      XyzzPoint<P>* buckets) {
  // Digits are computed kAhead points early so the bucket lines can be prefetched: with 2^13+
  // buckets of 384 bytes the array outgrows L2 and each add would otherwise wait on a miss.
  constexpr std::size_t kAhead = 4;
  std::uint32_t ring[kAhead] = {};
  const std::size_t prime = std::min(end - begin, kAhead);
  for (std::size_t k = 0; k < prime; ++k) {
    ring[k] = window_digit(scalars[begin + k], bit0, width);
    prefetch_lines(&buckets[ring[k]]);
  }
  for (std::size_t i = begin; i < end; ++i) {
    const std::size_t slot = (i - begin) % kAhead;
    const std::uint32_t d = ring[slot];
    if (i + kAhead < end) {
      ring[slot] = window_digit(scalars[i + kAhead], bit0, width);
      prefetch_lines(&buckets[ring[slot]]);
    }
    if (d != 0) buckets[d].add_mixed_inplace(points[i]);
  }
  // Running sum: acc = B_top + ... + B_d, and sum accumulates acc once per d.
  XyzzPoint<P> acc;
  XyzzPoint<P> sum;
  for (std::size_t d = (std::size_t{1} << width) - 1; d >= 1; --d) {
    if (d >= 3) prefetch_lines(&buckets[d - 2]);
    if (!buckets[d].is_identity()) {
      acc.add_inplace(buckets[d]);
      buckets[d].set_identity();
    }
    sum.add_inplace(acc);
  }
  return sum;
}

}  // namespace msm_detail

template <class P>
JacobianPoint<P> msm(std::span<const AffinePoint<P>> points, std::span<const Scalar256> scalars, ThreadPool& pool,
                     MsmPlan* plan_out = nullptr, unsigned scalar_bits = 255, MsmTiming* timing = nullptr,
                     JobObserver* observer = nullptr) {
  using Bucket = XyzzPoint<P>;
  if (points.size() != scalars.size()) {
    throw std::invalid_argument("msm: " + std::to_string(points.size()) + " points but " +
                                std::to_string(scalars.size()) + " scalars");
  }
  MsmPlan plan = plan_msm(points.size(), pool.size(), sizeof(Bucket), scalar_bits);
  if (plan.window > 30) {
    throw std::invalid_argument("msm: " + std::to_string(points.size()) + " points need a " +
                                std::to_string(plan.window) + "-bit window; at most 30 is supported");
  }
  if (plan.tiles == 0) {
    if (plan_out != nullptr) *plan_out = plan;
    return JacobianPoint<P>::identity();
  }
  const std::size_t n = points.size();
  const std::size_t range = n / plan.splits;
  // Task t covers row (rows - 1 - t / splits), counted from the top, and split t % splits.
  std::vector<Bucket> partials(plan.tiles);
  std::vector<std::vector<Bucket>> worker_buckets(pool.size());
  std::mutex timing_mutex;
  bool started = false;
  pool.for_each_task(
      plan.tiles,
      [&](std::size_t task, unsigned worker) {
        if (timing != nullptr) {
          const std::lock_guard lock(timing_mutex);
          if (!started) timing->first_tile_start = std::chrono::steady_clock::now();
          started = true;
        }
        auto& buckets = worker_buckets[worker];
        if (buckets.empty()) buckets.resize(std::size_t{1} << plan.window);  // identities
        const unsigned row = plan.rows - 1 - static_cast<unsigned>(task / plan.splits);
        const std::size_t split = task % plan.splits;
        const std::size_t begin = split * range;
        const std::size_t end = split + 1 == plan.splits ? n : begin + range;
        const unsigned bit0 = row * plan.window;
        const unsigned width = std::min(plan.window, scalar_bits - bit0);
        partials[task] = msm_detail::run_tile<P>(points, scalars, begin, end, bit0, width, buckets.data());
        if (timing != nullptr) {
          const auto now = std::chrono::steady_clock::now();
          const std::lock_guard lock(timing_mutex);
          timing->last_tile_end = std::max(timing->last_tile_end, now);
        }
      },
      plan.workers, observer);

  Bucket total;
  for (unsigned t = 0; t < plan.tiles; ++t) {
    if (t != 0 && t % plan.splits == 0) {
      for (unsigned k = 0; k < plan.window; ++k) total.dbl_inplace();
    }
    total.add_inplace(partials[t]);
  }

  unsigned used = 0;
  for (const auto& b : worker_buckets) used += b.empty() ? 0 : 1;
  plan.workers = used;
  plan.bucket_bytes_total = plan.bucket_bytes_per_worker * used;
  if (plan_out != nullptr) *plan_out = plan;
  return total.to_jacobian();
}

}  // namespace zkc
