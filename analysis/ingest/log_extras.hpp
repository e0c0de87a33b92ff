// What a prover log says beyond its TIMELINE events, as RunData extra rows (the metric catalog's
// "cuzk_" family: names made from the log's keys, each row carrying its unit). Every mean is over the
// lines that carry the key (a line without it is not a zero); a group of rows appears only when the
// log has lines of its kind, except cuzk_timing_lines (always, 0 without CUZK_TIMING lines).
//
//   CUZK_TIMING   cuzk_<key>_mean            each numeric key but the ids (kLabelKeys: gpu_tid, gpu,
//                                            err), kLeadingTimingKeys first, then by name; unit ms for
//                                            keys ending in _ms, MiB for _mib
//                 cuzk_<key>_<word>_lines    lines with a word-valued key (kWordKeys), per word seen
//                 cuzk_timing_lines          the CUZK_TIMING lines read
//   CUZK_NTT_H    cuzk_ntt_h_<key>_mean      kNttHKeys first, then others by name (ms)
//                 cuzk_ntt_h_d_b_alloc_first the first line's d_b_alloc: the pool's first allocation
//                 cuzk_ntt_h_d_b_alloc_later_mean  the mean of the later ones (near free once pooled);
//                                            only with two or more lines
//                 cuzk_ntt_h_lines
//   pacer         cuzk_pacer_samples         the pacer: status lines
//                 cuzk_pacer_interval_ms_last, cuzk_pacer_interval_ms_mean   the dispatch interval
//                 cuzk_pacer_ema_waiting_mean, cuzk_pacer_in_flight_mean, cuzk_pacer_gpu_eff_ms_mean
//                 cuzk_pacer_bootstrap_samples  samples taken in bootstrap (bootstrap=true)
//                 cuzk_pacer_rebootstraps    the largest rebootstraps (a running count)
//   pinned pool   pinned_allocations, pinned_reuses (the catalog's, as a run records them),
//                 cuzk_pinned_checkins,
//                 cuzk_pinned_evictions, cuzk_pinned_alloc_failures   lines of each message
//                 cuzk_pinned_reuse_share    reuses / (reuses + allocations)
//                 cuzk_pinned_total_gib_max  the largest total_gib an allocation reports
#pragma once

#include <vector>

#include "analysis/ingest/prover_log.hpp"

namespace zkc::analysis {

// Appends the rows above for `log` to `extra`.
void add_log_extras(const ProverLog& log, std::vector<MetricRow>& extra);

}  // namespace zkc::analysis
