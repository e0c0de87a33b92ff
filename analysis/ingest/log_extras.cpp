#include "analysis/ingest/log_extras.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/ingest/log_formats.hpp"
#include "model/metric_catalog.hpp"

namespace zkc::analysis {
namespace {

// Sum and count per key, over the lines carrying it.
using Sums = std::map<std::string, std::pair<double, std::size_t>, std::less<>>;

template <typename Span>
bool listed(const Span& list, std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

Sums sums_of(const std::vector<LineValues>& lines) {
  Sums sums;
  for (const LineValues& l : lines)
    for (const auto& [key, value] : l.values) {
      if (listed(kLabelKeys, std::string_view(key))) continue;
      auto& [sum, n] = sums[std::string(key)];
      sum += value;
      ++n;
    }
  return sums;
}

double mean(const std::pair<double, std::size_t>& s) { return s.first / static_cast<double>(s.second); }

std::string unit_of_key(std::string_view key) {
  if (key.size() > 3 && key.ends_with("_ms")) return "ms";
  if (key.size() > 4 && key.ends_with("_mib")) return "MiB";
  return "";
}

// One row per key of `sums`: `leading` first, in its order, then the others by name.
template <typename Span, typename Row>
void rows_in_order(const Sums& sums, const Span& leading, Row row) {
  for (const std::string_view key : leading)
    if (const auto it = sums.find(key); it != sums.end()) row(it->first, it->second);
  for (const auto& [key, s] : sums)
    if (!listed(leading, std::string_view(key))) row(key, s);
}

void add_timing_rows(const std::vector<CuzkTiming>& timings, std::vector<MetricRow>& extra) {
  rows_in_order(sums_of(timings), kLeadingTimingKeys, [&](const std::string& key, const auto& s) {
    extra.push_back({"cuzk_" + key + "_mean", mean(s), unit_of_key(key)});
  });
  for (const WordKey& w : kWordKeys)
    for (const std::string_view word : w.words) {
      std::size_t n = 0;
      for (const CuzkTiming& t : timings)
        n += static_cast<std::size_t>(std::count_if(t.words.begin(), t.words.end(), [&](const auto& kv) {
          return kv.first == w.key && kv.second == word;
        }));
      if (n > 0) extra.push_back({fmt::format("cuzk_{}_{}_lines", w.key, word), static_cast<double>(n), "count"});
    }
  extra.push_back({"cuzk_timing_lines", static_cast<double>(timings.size()), "count"});
}

void add_ntt_h_rows(const std::vector<LineValues>& ntt_h, std::vector<MetricRow>& extra) {
  if (ntt_h.empty()) return;
  rows_in_order(sums_of(ntt_h), kNttHKeys, [&](const std::string& key, const auto& s) {
    extra.push_back({"cuzk_ntt_h_" + key + "_mean", mean(s), std::string(kNttHUnit)});
  });
  std::vector<double> alloc;
  for (const LineValues& l : ntt_h)
    if (const auto v = l.value("d_b_alloc")) alloc.push_back(*v);
  if (!alloc.empty()) extra.push_back({"cuzk_ntt_h_d_b_alloc_first", alloc.front(), std::string(kNttHUnit)});
  if (alloc.size() > 1) {
    double later = 0;
    for (std::size_t i = 1; i < alloc.size(); ++i) later += alloc[i];
    extra.push_back({"cuzk_ntt_h_d_b_alloc_later_mean", later / static_cast<double>(alloc.size() - 1),
                     std::string(kNttHUnit)});
  }
  extra.push_back({"cuzk_ntt_h_lines", static_cast<double>(ntt_h.size()), "count"});
}

void add_pacer_rows(const std::vector<LineValues>& pacer, std::vector<MetricRow>& extra) {
  if (pacer.empty()) return;
  extra.push_back({"cuzk_pacer_samples", static_cast<double>(pacer.size()), "count"});
  const Sums sums = sums_of(pacer);
  const auto add_mean = [&](std::string_view key, std::string_view unit) {
    if (const auto it = sums.find(key); it != sums.end())
      extra.push_back({"cuzk_pacer_" + it->first + "_mean", mean(it->second), std::string(unit)});
  };
  for (auto l = pacer.rbegin(); l != pacer.rend(); ++l)
    if (const auto v = l->value("interval_ms")) {
      extra.push_back({"cuzk_pacer_interval_ms_last", *v, "ms"});
      break;
    }
  add_mean("interval_ms", "ms");
  add_mean("ema_waiting", "partitions");
  add_mean("in_flight", "partitions");
  add_mean("gpu_eff_ms", "ms");
  std::size_t bootstrap = 0;
  double rebootstraps = 0;
  for (const LineValues& l : pacer) {
    bootstrap += l.value("bootstrap").value_or(0) != 0 ? 1 : 0;
    rebootstraps = std::max(rebootstraps, l.value("rebootstraps").value_or(0));
  }
  extra.push_back({"cuzk_pacer_bootstrap_samples", static_cast<double>(bootstrap), "count"});
  extra.push_back({"cuzk_pacer_rebootstraps", rebootstraps, "count"});
}

void add_pool_rows(const std::vector<PoolEvent>& pool, std::vector<MetricRow>& extra) {
  if (pool.empty()) return;
  const auto count = [&](PoolAction a) {
    return static_cast<double>(
        std::count_if(pool.begin(), pool.end(), [a](const PoolEvent& e) { return e.action == a; }));
  };
  const double allocations = count(PoolAction::allocate), reuses = count(PoolAction::reuse);
  // The two counts a run records too: one catalog entry each, whichever side measured them.
  extra.push_back(metric_row("pinned_allocations", allocations));
  extra.push_back(metric_row("pinned_reuses", reuses));
  extra.push_back({"cuzk_pinned_checkins", count(PoolAction::checkin), "count"});
  extra.push_back({"cuzk_pinned_evictions", count(PoolAction::evict), "count"});
  extra.push_back({"cuzk_pinned_alloc_failures", count(PoolAction::alloc_failed), "count"});
  if (allocations + reuses > 0)
    extra.push_back({"cuzk_pinned_reuse_share", reuses / (allocations + reuses), "fraction"});
  double total_gib = -1;
  for (const PoolEvent& e : pool)
    if (const auto v = e.fields.value("total_gib"); v && e.action == PoolAction::allocate)
      total_gib = std::max(total_gib, *v);
  if (total_gib >= 0) extra.push_back({"cuzk_pinned_total_gib_max", total_gib, "GiB"});
}

}  // namespace

void add_log_extras(const ProverLog& log, std::vector<MetricRow>& extra) {
  add_timing_rows(log.timings, extra);
  add_ntt_h_rows(log.ntt_h, extra);
  add_pacer_rows(log.pacer, extra);
  add_pool_rows(log.pinned_pool, extra);
}

}  // namespace zkc::analysis
