// MsmPlan: how a Pippenger MSM splits its work, modelled on sppark's CPU Pippenger.
//
// Window rule (pippenger_window), with L = floor(log2 n):
//   n > 2^12 (L > 12)  -> L - 3
//   n > 2^4  (L > 4)   -> L - 2
//   n >= 2             -> 2
//   n <= 1             -> 1
// The scalar is cut into rows = ceil(scalar_bits / window) windows. With one thread (or fewer than
// 32 points) that is the plan: one point range ("split") per row. With more threads the grid is
// fitted to the pool as sppark's breakdown() does:
//   * threads < rows (scalar_bits > window * threads): 1 split. The window grows by one when that
//     lowers the number of rows each thread runs, or shrinks by bit_length(threads / 4) when
//     window + bit_length(threads / 4) > 18 (keeps a thread's buckets cache-sized on wide pools).
//   * otherwise the points are cut into `splits` ranges, the smallest count that gives every thread
//     a tile, and the window shrinks to window - bit_length(3 * splits / 2) (>= 1) so smaller ranges
//     keep a sensible points-per-bucket ratio.
//   Then the window is rebalanced to ceil(scalar_bits / rows) so all rows have similar widths.
// tiles = splits * rows, handed out dynamically; each worker owns 2^window XYZZ buckets.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace zkc {

using Scalar256 = std::array<std::uint64_t, 4>;  // canonical little-endian scalar

struct MsmPlan {
  std::size_t points = 0;
  unsigned scalar_bits = 0;
  unsigned window = 0;   // digit width in bits (the top row may be narrower)
  unsigned rows = 0;     // ceil(scalar_bits / window)
  unsigned splits = 0;   // point ranges per row
  unsigned tiles = 0;    // rows * splits
  unsigned workers = 0;  // threads that run tiles (<= threads, <= tiles)
  std::size_t bucket_bytes_per_worker = 0;  // 2^window * bucket point size
  std::size_t bucket_bytes_total = 0;       // workers * bucket_bytes_per_worker
};

// When an MSM's tiles ran on the pool (the service time, without the wait in the pool's queue).
struct MsmTiming {
  std::chrono::steady_clock::time_point first_tile_start{}, last_tile_end{};
};

// The window for n points, per the rule above.
unsigned pippenger_window(std::size_t n);

// Plans an MSM of n points on `threads` threads with buckets of bucket_point_bytes each.
// Throws std::invalid_argument for threads == 0, bucket_point_bytes == 0 or scalar_bits not in
// [1, 256]. n == 0 plans no tiles and no workers.
MsmPlan plan_msm(std::size_t n, unsigned threads, std::size_t bucket_point_bytes, unsigned scalar_bits = 255);

}  // namespace zkc
