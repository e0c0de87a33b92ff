// The dispatch plan (engine.dispatch, engine.queue_order, engine.pacer, budget.*): the real prover's
// memory budget and its synthesis worker count, scaled. What is kept: a partition's reservation and
// its a/b/c part are the real 14 and 13 GiB x workload.scale (so reservation / partition footprint is
// the real one); the budget is this machine's real memory (its RAM is what a run can use), so
// budget / reservation is what this machine could hold of these partitions; the worker cap is the real
// 18 per 64 cores, so synthesis workers per core are the real ones.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/engine/run_plan.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::harness {
namespace {

using config::ConfigError;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
// The real prover's max_parallel_synthesis default, "for DDR5 systems with 64 cores" (d7785a84).
constexpr double kRealMaxParallel = 18, kRealCores = 64;

DispatchMode dispatch_mode(const std::string& v) {
  if (v == "budget") return DispatchMode::kBudget;
  if (v == "budget_race") return DispatchMode::kBudgetRace;
  return DispatchMode::kSemaphore;
}

PacerMode pacer_mode(const std::string& v) {
  if (v == "depth") return PacerMode::kDepth;
  if (v == "pi") return PacerMode::kPi;
  return PacerMode::kOff;
}

// The partitions' budget: budget.partitions reservations, budget.total_gib, or auto from the RAM.
std::uint64_t budget_bytes(const config::Config& cfg, const MachineFacts& m, const RunPlan& p) {
  const auto parts = static_cast<std::uint64_t>(cfg.get_int("budget.partitions"));
  if (parts > 0) return parts * p.dispatch.reserve_bytes;
  const double total_gib = cfg.get_double("budget.total_gib");
  if (total_gib > 0) return static_cast<std::uint64_t>(total_gib * kGiB);
  const auto b = workloads::shape_bytes(p.shape);
  const double resident = static_cast<double>(b.csr_shared + b.srs_pinned);
  const double ram = static_cast<double>(m.mem_total_bytes > 0 ? m.mem_total_bytes : m.mem_available_bytes);
  const double left = ram - cfg.get_double("budget.safety_margin_gib") * kGiB - resident;
  if (left < static_cast<double>(p.dispatch.reserve_bytes)) {
    throw ConfigError(fmt::format(
        "budget.total_gib = 0 (auto): {:.1f} GiB of RAM - budget.safety_margin_gib ({}) - {:.2f} GiB resident "
        "leaves less than one partition's reservation ({:.3f} GiB); set budget.total_gib or budget.partitions",
        ram / kGiB, cfg.get_double("budget.safety_margin_gib"), resident / kGiB,
        static_cast<double>(p.dispatch.reserve_bytes) / kGiB));
  }
  return static_cast<std::uint64_t>(left);
}

}  // namespace

void plan_dispatch(const config::Config& cfg, const MachineFacts& m, RunPlan& p) {
  DispatchPlan& d = p.dispatch;
  d.mode = dispatch_mode(cfg.get_string("engine.dispatch"));
  d.order = cfg.get_string("engine.queue_order") == "priority" ? QueueOrder::kPriority : QueueOrder::kFifo;
  d.pacer = pacer_mode(cfg.get_string("engine.pacer"));
  d.gpu_queue_target = static_cast<unsigned>(cfg.get_int("engine.gpu_queue_target"));
  d.pacer_time_scale = cfg.get_double("engine.pacer_time_scale");
  if (d.pacer != PacerMode::kOff && d.mode != DispatchMode::kBudget) {
    throw ConfigError(fmt::format("engine.pacer = \"{}\" paces the one budget dispatcher: it needs engine.dispatch = "
                                  "\"budget\" (it is \"{}\")",
                                  cfg.get_string("engine.pacer"), cfg.get_string("engine.dispatch")));
  }
  if (!d.budgeted()) return;
  const double partition_gib = cfg.get_double("budget.partition_gib"), abc_gib = cfg.get_double("budget.abc_gib");
  if (abc_gib > partition_gib) {
    throw ConfigError(
        fmt::format("budget.abc_gib ({}) must be at most budget.partition_gib ({})", abc_gib, partition_gib));
  }
  d.reserve_bytes = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(partition_gib * kGiB * p.scale));
  d.abc_bytes = static_cast<std::uint64_t>(abc_gib * kGiB * p.scale);
  d.budget_bytes = budget_bytes(cfg, m, p);
  if (d.budget_bytes < d.reserve_bytes) {
    throw ConfigError(fmt::format("budget.total_gib ({:.3f} GiB) is less than one partition's reservation "
                                  "(budget.partition_gib x workload.scale = {:.3f} GiB): no partition could start",
                                  static_cast<double>(d.budget_bytes) / kGiB,
                                  static_cast<double>(d.reserve_bytes) / kGiB));
  }
  auto cap = static_cast<unsigned>(cfg.get_int("engine.max_parallel_synthesis"));
  std::string why = "engine.max_parallel_synthesis";
  if (cap == 0) {
    cap = std::max(2u, static_cast<unsigned>(std::lround(kRealMaxParallel * m.online_cpus / kRealCores)));
    why = fmt::format("the real 18 per 64 cores x {} CPUs, at least 2", m.online_cpus);
  }
  const std::uint64_t fit = d.budget_bytes / d.reserve_bytes;
  p.partition_workers = static_cast<unsigned>(std::max<std::uint64_t>(2, std::min<std::uint64_t>(fit, cap)));
  p.gpu_queue_capacity = p.proofs * p.partitions + 1;  // the budget is the backpressure, as in the real prover
  p.resolved.push_back({"synthesis.partition_workers", std::int64_t{p.partition_workers},
                        fmt::format("engine.dispatch = budget: max(2, min({} reservations in the budget, {} ({})))",
                                    fit, cap, why)});
}

double pacer_time_scale(const RunPlan& p) {
  if (p.dispatch.pacer_time_scale > 0) return p.dispatch.pacer_time_scale;
  const double seed = p.balance_targets.gpu_total_ms;
  if (p.fit && seed > 0) {
    const double measured = p.fit->verified.gpu_total > 0 ? p.fit->verified.gpu_total : p.fit->sizes.gpu_total_ms;
    if (measured > 0) return measured / seed;
  }
  const double sim = p.register_ms + p.ntt_msm_h_ms + p.batch_add_ms + p.tail_msm_ms;
  const double real = p.balance_targets.ntt_msm_h_ms + p.balance_targets.batch_add_ms + p.balance_targets.tail_msm_ms;
  return sim > 0 && real > 0 ? sim / real : 1.0;
}

}  // namespace zkc::harness
