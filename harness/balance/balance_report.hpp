// What a run says about its balance: the dimensionless numbers the fit keeps (target, and achieved
// from the run's own stage medians), the GPU stages modelled vs measured, and each mechanism's
// trigger with the seed's value, this run's, and whether it is kept (and why not). One list of
// numbers and one of triggers: the run header, meta.json, summary rows and the ab warning read them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

// A kept number is off when achieved / target differs from 1 by more than this.
inline constexpr double kBalanceTolerance = 0.25;

struct BalanceNumber {
  std::string key;    // summary row "balance_<key>"
  std::string title;  // "rho = pw x gpu_total / (devices x synthesis)"
  double target = 0;
  double planned = 0;   // what the fit predicts (NaN without a fit)
  double achieved = 0;  // from the run (NaN before it, or when a stage is missing)
  // Decides which stage bounds the pipeline (rho, prep, b_g2, witness share, b_g2 hidden): an ab
  // warns when one of these is off. The split of gpu_total inside the simulated device is shown only.
  bool decisive = true;
  bool off() const;     // achieved is known and outside the tolerance
};

// A run's stage medians: from its metrics (timeline events) and its spans (witness_gen and
// register are stages, not timeline events).
StageMedians stage_medians(const analysis::RunMetrics& metrics, const std::vector<StageSpan>& spans);

// The numbers for a plan; achieved values NaN when `measured` is null.
std::vector<BalanceNumber> balance_numbers(const RunPlan& plan, const StageMedians* measured = nullptr);

struct Trigger {
  std::string name;
  double seed = 0;
  double achieved = 0;  // NaN when unknown
  bool kept = false;
  std::string why;  // how it is computed here, and when not kept, why
};
std::vector<Trigger> balance_triggers(const RunPlan& plan);

// The numbers of the fit's verifying pilot (5 isolation runs, c=1 j=1): what the ab warning judges. Empty
// without a fit or a pilot, or when its pilots ran the other synthesis.path (an ab arm given the
// baseline's fit): their medians are not this path's.
std::vector<BalanceNumber> pilot_numbers(const RunPlan& plan);
// The decisive numbers that are off, one line each naming the number, its value and its target.
std::string off_numbers(const std::vector<BalanceNumber>& numbers);

// "balance seed (fit: cache ...)": number / target / planned / pilot / achieved as a text table.
std::string format_balance(const RunPlan& plan, const std::vector<BalanceNumber>& numbers,
                           const std::vector<Trigger>& triggers);
nlohmann::json balance_json(const RunPlan& plan, const std::vector<BalanceNumber>& numbers,
                            const std::vector<Trigger>& triggers, const StageMedians* measured);

}  // namespace zkc::harness
