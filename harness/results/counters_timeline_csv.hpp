// counters_timeline.csv: the Tier 0 sampler's rows (harness/counters/counter_sampler.hpp), one per
// interval, for plotting shootdown storms, fault bursts and RSS against the stage waterfall:
//   t_ms,tlb_shootdowns_total,tlb_shootdowns_delta,minor_faults,major_faults,vol_ctx_switches,
//   invol_ctx_switches,rss_mib,tlb_cpu<N>...
// Counts are cumulative (as read), except tlb_shootdowns_delta (since the previous row, so a storm shows
// as a spike). One tlb_cpu<N> column per CPU number seen in any row (N is the CPU number, not the index,
// so offline CPUs leave no misleading column).
#pragma once

#include <filesystem>
#include <span>

#include "harness/counters/counter_sampler.hpp"

namespace zkc::harness {

// The columns before the per-CPU ones.
inline constexpr const char* kCountersTimelineCsvFixedHeader =
    "t_ms,tlb_shootdowns_total,tlb_shootdowns_delta,minor_faults,major_faults,vol_ctx_switches,invol_ctx_switches,"
    "rss_mib";

// t_ms and rss_mib (MiB = 2^20 bytes) with 3 decimals. A measurement that was unavailable is an empty
// cell rather than a misleading 0: the TLB columns of a row without tlb_available (no TLB row, as on
// arm64), rss_mib of a row without mem_available, a tlb_cpu<N> absent from that row. tlb_shootdowns_delta
// is 0 on the first row with TLB figures and never negative (a CPU going offline takes its counts with it).
// std::system_error naming the path on an I/O failure.
void write_counters_timeline_csv(const std::filesystem::path& path, std::span<const counters::SamplerRow> rows);

}  // namespace zkc::harness
