// The machine the contention model runs on (contention_model.hpp MachineParams): each parameter from
// its model.machine.* key, or, where the key is 0, measured on this machine by a short probe (the
// topology through hwloc, a streaming copy, an munmap loop beside a spinning thread; about 1 s in all,
// cached per machine). Every Parameter's source says which: "assumed: <key> = <value> (<origin>)"
// or "measured: <how>", so the report can say what it predicted from.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "harness/config/config_loader.hpp"
#include "harness/vtime/contention_model.hpp"

namespace zkc::harness::vtime {

// The L3 miss penalty is not probed (a stage's slowdown when its working set is evicted is not a raw
// latency ratio): model.machine.l3_miss_penalty = 0 takes the seed's, prep_msm's 1.7 s -> 2.7 s
// (+59%) under L3 eviction by concurrent synthesis (../shared/seeds/001_*.txt).
inline constexpr double kSeedL3MissPenalty = 0.6;

// The probe's findings for every parameter (sources "measured: ..." or, where this machine cannot
// show one, "assumed: ..." with the reason).
using MachineProbe = std::function<MachineParams()>;

// Runs the probes now (< 1 s; maps up to 1 GiB for the streaming copy on a large machine).
MachineParams probe_this_machine();

// probe_this_machine, or its result cached in `cache_dir` (fit_cache_dir() when empty) as
// machine-<key>.json, the key hashing the CPU model, CPU count, memory and kernel release. A cache
// that cannot be read or written is measured again / left unwritten, never fatal.
MachineParams probed_machine(const std::filesystem::path& cache_dir = {}, bool use_cache = true);

// The parameters for a configuration: each key > 0 is taken as given; the keys at 0 come from
// `probe` (called at most once, only when some key needs it; default: probed_machine()). Throws
// config::ConfigError naming the key for values that contradict each other (more L3 domains than
// cores) or a probe that could not give one (the message says which key to set).
MachineParams machine_params(const config::Config& cfg, const MachineProbe& probe = {});

}  // namespace zkc::harness::vtime
