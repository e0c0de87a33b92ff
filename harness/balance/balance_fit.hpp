// Obtaining a balance fit for a plan: from the fit cache when this machine, this build and the
// fit's inputs (shape, pool sizes, targets) match a stored one, else measured (fit_unit_costs),
// solved (solve_balance) and stored. An A/B or a sweep point obtains one fit before its first run
// and applies the same sizes to every arm, so arms differ only in what they toggle.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/engine/balance_solver.hpp"
#include "harness/engine/run_plan.hpp"

namespace zkc::harness {

// The fit's identity: this machine (CPU model, CPUs), this build (the binary's size and mtime) and
// every plan value the unit costs or the solution depend on. Hex.
std::string fit_key(const RunPlan& plan);

// $ZKC_FIT_CACHE, else $XDG_CACHE_HOME/zkcontend, else $HOME/.cache/zkcontend ("" when none is set).
std::filesystem::path fit_cache_dir();

nlohmann::json fit_json(const BalanceFit& fit);
// Throws std::invalid_argument naming the missing or mistyped field.
BalanceFit fit_from_json(const nlohmann::json& j);

// The cached fit for the plan when `use_cache` and one is stored, else a new one (stored when the
// cache folder can be written; a failure to store is reported through `step`, never fatal).
BalanceFit obtain_fit(const RunPlan& plan, bool use_cache, const std::function<void(const std::string&)>& step = {});

}  // namespace zkc::harness
