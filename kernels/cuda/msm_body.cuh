// Per-index bodies of the G1 MSM kernels (msm_kernels.cu) and its host-side finish, for host and
// device. sum_i [s_i] P_i by buckets, one window of c bits at a time:
//
//   1. digits:  key_i = bits [w c, w c + c) of s_i, idx_i = i                  (thread per point)
//   2. sort the (key, idx) pairs by key (CUB radix sort, stable)
//   3. segments: thread t walks sorted entries [t S, t S + S) and adds each run of equal keys
//      into an XYZZ sum. A run wholly inside the segment is its bucket; a run cut by a segment
//      edge leaves a partial: `head` for the segment's first run, `tail` for its last one.
//   4. resolve: thread per bucket; finds its run by binary search, and when the run spans
//      segments sums the partials (the first segment's head or tail, then later segments' heads).
//      Long runs (many equal digits) so cost S-fold fewer serial additions than one-thread-per-
//      bucket, and every thread's work is bounded by S.
//   5. ranges: thread per (window, range of L buckets): T = sum (d - lo + 1) B_d by a running sum
//      and S = sum B_d over the range.
//   6. windows: thread per window: W = sum_r T_r + L * sum_r r S_r  (= sum_d d B_d)
//   7. host: Horner over the windows, doubling c times between them.
// Digit 0 adds nothing, so its bucket stays empty; identity points are skipped by the mixed add.
#pragma once

#include "kernels/cuda/fr_dev.cuh"
#include "kernels/cuda/g1_dev.cuh"

namespace zkc::cuda::dev {

constexpr unsigned kMsmScalarBits = 255;  // canonical Fr < r < 2^255
constexpr u64 kMsmSegment = 32;          // sorted entries per accumulation thread
constexpr unsigned kMsmMaxWindowBits = 16;
constexpr u64 kMsmTargetRanges = 256;    // reduction threads per window

struct MsmConfig {
  u64 points;
  unsigned window_bits;  // c (the top window may be narrower)
  unsigned windows;      // ceil(kMsmScalarBits / c)
  u64 buckets;           // 2^c per window; bucket 0 stays empty
  u64 segment;           // S
  u64 segments;          // ceil(points / S)
  u64 range_buckets;     // L, a power of two
  u64 ranges;            // ceil((2^c - 1) / L) per window
  unsigned range_log;    // log2 L
};

// c = floor(log2 n) - 3 within [2, 16] (1 for a single point): about 8 points per bucket, and at
// most 2^16 buckets so a window's bucket array stays small (12 MiB).
ZKC_HD unsigned msm_window_bits(u64 n) {
  if (n <= 1) return 1;
  unsigned lg = 0;
  while ((n >> (lg + 1)) != 0) ++lg;
  const unsigned c = lg > 5 ? lg - 3 : 2;
  return c < kMsmMaxWindowBits ? c : kMsmMaxWindowBits;
}

ZKC_HD MsmConfig msm_config(u64 n) {
  MsmConfig cfg{};
  cfg.points = n;
  cfg.window_bits = msm_window_bits(n);
  cfg.windows = (kMsmScalarBits + cfg.window_bits - 1) / cfg.window_bits;
  cfg.buckets = u64{1} << cfg.window_bits;
  cfg.segment = kMsmSegment;
  cfg.segments = (n + kMsmSegment - 1) / kMsmSegment;
  cfg.range_log = 0;
  while ((cfg.buckets >> cfg.range_log) > kMsmTargetRanges) ++cfg.range_log;
  cfg.range_buckets = u64{1} << cfg.range_log;
  cfg.ranges = (cfg.buckets - 1 + cfg.range_buckets - 1) / cfg.range_buckets;
  return cfg;
}

// Width of window w: c, or what is left of the scalar for the top window.
ZKC_HD unsigned msm_window_width(const MsmConfig& cfg, unsigned w) {
  const unsigned bit0 = w * cfg.window_bits;
  const unsigned left = kMsmScalarBits - bit0;
  return left < cfg.window_bits ? left : cfg.window_bits;
}

// Bits [bit0, bit0 + width) of a little-endian scalar; width <= 32, bit0 + width <= 256.
ZKC_HD u32 msm_window_digit(const ScalarDev& s, unsigned bit0, unsigned width) {
  const unsigned limb = bit0 / 64;
  const unsigned shift = bit0 % 64;
  u64 v = s.w[limb] >> shift;
  if (shift + width > 64 && limb + 1 < 4) v |= s.w[limb + 1] << (64 - shift);
  return static_cast<u32>(v & ((u64{1} << width) - 1));
}

// 1. Thread i: its digit and index, the pair the sort orders.
ZKC_HD void msm_digit_body(u64 i, const ScalarDev* scalars, unsigned bit0, unsigned width, u32* keys, u32* idx) {
  keys[i] = msm_window_digit(scalars[i], bit0, width);
  idx[i] = static_cast<u32>(i);
}

// First position in sorted keys[0, n) whose key is >= value.
ZKC_HD u64 msm_lower_bound(const u32* keys, u64 n, u64 value) {
  u64 lo = 0, hi = n;
  while (lo < hi) {
    const u64 mid = lo + (hi - lo) / 2;
    if (keys[mid] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// 3. Segment t of one window's sorted pairs. Writes head[t] and tail[t] (identity when unused) and
// buckets[key] for every nonzero-key run that starts and ends inside the segment.
ZKC_HD void msm_segment_body(u64 t, const MsmConfig& cfg, const u32* keys, const u32* idx, const G1AffineDev* points,
                             G1XyzzDev* buckets, G1XyzzDev* head, G1XyzzDev* tail) {
  const u64 n = cfg.points;
  const u64 begin = t * cfg.segment;
  const u64 end = min_u64(n, begin + cfg.segment);
  head[t] = xyzz_identity();
  tail[t] = xyzz_identity();
  u64 p = begin;
  while (p < end) {
    const u32 key = keys[p];
    G1XyzzDev acc = xyzz_identity();
    u64 q = p;
    for (; q < end && keys[q] == key; ++q) {
      if (key != 0) xyzz_add_mixed_inplace(acc, points[idx[q]]);
    }
    if (key != 0) {
      const bool starts_here = p > begin || begin == 0 || keys[begin - 1] != key;
      const bool ends_here = q < end || end == n || keys[end] != key;
      if (starts_here && ends_here) {
        buckets[key] = acc;
      } else if (p == begin) {
        head[t] = acc;
      } else {
        tail[t] = acc;
      }
    }
    p = q;
  }
}

// 4. Bucket b of one window (thread per bucket, 0 <= b < 2^c): empty buckets and bucket 0 become
// the identity; a run spanning segments first..last is the first's partial plus the heads after it.
ZKC_HD void msm_resolve_body(u64 b, const MsmConfig& cfg, const u32* keys, const G1XyzzDev* head,
                             const G1XyzzDev* tail, G1XyzzDev* buckets) {
  if (b == 0) {
    buckets[0] = xyzz_identity();
    return;
  }
  const u64 start = msm_lower_bound(keys, cfg.points, b);
  const u64 stop = msm_lower_bound(keys, cfg.points, b + 1);
  if (start == stop) {
    buckets[b] = xyzz_identity();
    return;
  }
  const u64 first = start / cfg.segment;
  const u64 last = (stop - 1) / cfg.segment;
  if (first == last) return;  // written whole by msm_segment_body
  G1XyzzDev acc = start == first * cfg.segment ? head[first] : tail[first];
  for (u64 t = first + 1; t <= last; ++t) xyzz_add_inplace(acc, head[t]);
  buckets[b] = acc;
}

// 5. Range r of window w (buckets of all windows back to back, cfg.buckets each): over
// d in [lo, hi), lo = 1 + r L, total = sum (d - lo + 1) B_d and sum = sum B_d.
ZKC_HD void msm_range_body(u64 w, u64 r, const MsmConfig& cfg, const G1XyzzDev* buckets, G1XyzzDev* range_totals,
                           G1XyzzDev* range_sums) {
  const G1XyzzDev* b = buckets + w * cfg.buckets;
  const u64 lo = 1 + r * cfg.range_buckets;
  const u64 hi = min_u64(cfg.buckets, lo + cfg.range_buckets);
  G1XyzzDev acc = xyzz_identity();
  G1XyzzDev total = xyzz_identity();
  for (u64 d = hi; d-- > lo;) {
    xyzz_add_inplace(acc, b[d]);
    xyzz_add_inplace(total, acc);
  }
  range_totals[w * cfg.ranges + r] = total;
  range_sums[w * cfg.ranges + r] = acc;
}

// 6. Window w: sum_d d B_d = sum_r T_r + L * sum_r r S_r, the second sum by a running sum over r.
ZKC_HD void msm_window_body(u64 w, const MsmConfig& cfg, const G1XyzzDev* range_totals, const G1XyzzDev* range_sums,
                            G1XyzzDev* window_sums) {
  const G1XyzzDev* t = range_totals + w * cfg.ranges;
  const G1XyzzDev* s = range_sums + w * cfg.ranges;
  G1XyzzDev total = xyzz_identity();
  for (u64 r = 0; r < cfg.ranges; ++r) xyzz_add_inplace(total, t[r]);
  G1XyzzDev acc = xyzz_identity();
  G1XyzzDev weighted = xyzz_identity();
  for (u64 r = cfg.ranges; r-- > 1;) {
    xyzz_add_inplace(acc, s[r]);
    xyzz_add_inplace(weighted, acc);
  }
  for (unsigned k = 0; k < cfg.range_log; ++k) xyzz_dbl_inplace(weighted);
  xyzz_add_inplace(total, weighted);
  window_sums[w] = total;
}

// 7. sum_w 2^(w c) W_w by Horner from the top window (host side: a few hundred operations).
ZKC_HD G1XyzzDev msm_combine_windows(const MsmConfig& cfg, const G1XyzzDev* window_sums) {
  G1XyzzDev acc = xyzz_identity();
  for (unsigned w = cfg.windows; w-- > 0;) {
    for (unsigned k = 0; k < cfg.window_bits; ++k) xyzz_dbl_inplace(acc);
    xyzz_add_inplace(acc, window_sums[w]);
  }
  return acc;
}

}  // namespace zkc::cuda::dev
