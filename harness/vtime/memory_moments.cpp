#include "harness/vtime/memory_moments.hpp"

#include <charconv>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "model/events.hpp"
#include "model/stages.hpp"

namespace zkc::harness::vtime {
namespace {

using model::Event;

// "proof-0007" -> 7; nullopt for any other job id.
std::optional<int> harness_proof(std::string_view job) {
  constexpr std::string_view kPrefix = "proof-";
  if (job.substr(0, kPrefix.size()) != kPrefix || job.size() == kPrefix.size()) return std::nullopt;
  int n = 0;
  const char* first = job.data() + kPrefix.size();
  const char* last = job.data() + job.size();
  const auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last || n < 0) return std::nullopt;
  return n;
}

// Proof numbers for every job of the timeline: the harness's own where every job id is one, else
// the order of first appearance (so two numbering schemes never collide).
std::map<std::string, int, std::less<>> number_jobs(std::span<const model::TimelineEvent> events) {
  std::map<std::string, int, std::less<>> ids;
  bool all_harness = true;
  std::vector<std::string> order;
  for (const auto& e : events) {
    const std::string_view job = e.job_id;
    if (ids.find(job) != ids.end()) continue;
    ids.emplace(std::string(job), 0);
    order.emplace_back(job);
    if (!harness_proof(job)) all_harness = false;
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    ids[order[i]] = all_harness ? *harness_proof(order[i]) : static_cast<int>(i);
  }
  return ids;
}

using Field = std::optional<double> PartitionMoments::*;

// The field of PartitionMoments an event sets (the first occurrence wins), or nullptr.
Field field_of(const model::TimelineEvent& e) {
  struct Marker {
    Event event;
    Field field;
  };
  static constexpr Marker kMarkers[] = {
      {Event::kSynthStart, &PartitionMoments::synth_start},     {Event::kSynthEnd, &PartitionMoments::synth_end},
      {Event::kGpuStart, &PartitionMoments::gpu_start},         {Event::kPrepStart, &PartitionMoments::prep_start},
      {Event::kLockReleased, &PartitionMoments::lock_released}, {Event::kGpuEnd, &PartitionMoments::gpu_end},
      {Event::kBG2Start, &PartitionMoments::bg2_start},         {Event::kBG2End, &PartitionMoments::bg2_end},
  };
  for (const auto& m : kMarkers) {
    if (model::is(e, m.event)) return m.field;
  }
  if (model::is(e, Event::kDeallocEnd)) {
    const auto side = model::detail_value(e.detail, "side");
    if (side == "cpp") return &PartitionMoments::dealloc_cpp_end;
    if (side == "rust") return &PartitionMoments::dealloc_rust_end;
  }
  return nullptr;
}

std::optional<PoolOp> pool_op(const model::TimelineEvent& e, int proof) {
  const std::string_view d = e.detail;
  const auto bytes = model::detail_number(d, "bytes");
  if (model::is(e, Event::kPinnedShrink)) {
    const auto buffers = model::detail_number(d, "buffers");
    if (!bytes || !buffers) return std::nullopt;
    return PoolOp{e.offset_ms, PoolOp::Kind::kShrink, -1, -1, static_cast<std::uint64_t>(*bytes), std::nullopt,
                  static_cast<unsigned>(*buffers)};
  }
  const bool checkout = model::is(e, Event::kPinnedCheckout);
  if (!checkout && !model::is(e, Event::kPinnedCheckin)) return std::nullopt;
  const auto partition = model::detail_number(d, "partition");
  if (!bytes || !partition) return std::nullopt;
  PoolOp op{e.offset_ms, checkout ? PoolOp::Kind::kCheckout : PoolOp::Kind::kCheckin, proof,
            static_cast<int>(*partition), static_cast<std::uint64_t>(*bytes), std::nullopt, 0};
  if (checkout) {
    if (const auto reuse = model::detail_number(d, "reuse")) op.reuse = *reuse != 0;
  }
  return op;
}

// The share of SYNTH_START..SYNTH_END before a/b/c are allocated (witness generation).
double witness_share(const RunPlan& plan) {
  const BalanceTargets& t = plan.balance_targets;
  return direct_synthesis(plan) ? t.witness_share / t.direct_over_pce : t.witness_share;
}

void fill_from_spans(std::span<const StageSpan> spans, std::map<std::pair<int, int>, std::size_t>& index,
                     std::vector<PartitionMoments>& parts) {
  const std::string_view witness = model::name(model::Stage::kWitnessGen);
  const std::string_view spmv = model::name(model::Stage::kSpmv);
  const std::string_view direct = model::name(model::Stage::kDirectEval);
  for (const auto& s : spans) {
    const auto it = index.find({s.proof, s.partition});
    if (it == index.end()) continue;
    PartitionMoments& m = parts[it->second];
    if (s.stage == witness) m.witness_end = s.end_ms;
    if (s.stage == spmv || s.stage == direct) m.products_end = s.end_ms;
  }
}

}  // namespace

RunMoments read_moments(const RunPlan& plan, std::span<const model::TimelineEvent> events,
                        std::span<const StageSpan> spans) {
  const auto jobs = number_jobs(events);
  RunMoments out;
  std::map<std::pair<int, int>, std::size_t> index;  // (proof, partition) -> out.partitions
  for (const auto& e : events) {
    const int proof = jobs.find(std::string_view(e.job_id))->second;
    if (auto op = pool_op(e, proof)) {
      out.pool.push_back(*op);
      continue;
    }
    const auto field = field_of(e);
    if (field == nullptr) continue;
    const auto partition = model::detail_number(e.detail, "partition");
    if (!partition) continue;
    const std::pair key{proof, static_cast<int>(*partition)};
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.partitions.size()).first;
      PartitionMoments fresh;
      fresh.proof = key.first;
      fresh.partition = key.second;
      out.partitions.push_back(fresh);
    }
    auto& slot = out.partitions[it->second].*field;
    if (!slot) slot = e.offset_ms;
  }
  fill_from_spans(spans, index, out.partitions);
  const double share = witness_share(plan);
  for (auto& m : out.partitions) {
    if (!m.synth_start) continue;
    if (m.synth_end) {
      if (!m.witness_end) m.witness_end = *m.synth_start + share * (*m.synth_end - *m.synth_start);
      if (!m.products_end) m.products_end = m.synth_end;
    } else if (!m.witness_end) {
      m.witness_end = m.synth_start;  // synthesis never ended: count a/b/c from its start
    }
  }
  return out;
}

}  // namespace zkc::harness::vtime
