#include "harness/vtime/machine_params.hpp"

#include <exception>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/balance/balance_fit.hpp"
#include "harness/system/host_info.hpp"
#include "harness/system/text_file.hpp"
#include "harness/system/text_hash.hpp"

namespace zkc::harness::vtime {
namespace {

namespace fs = std::filesystem;

// Every parameter with its key and its unit's factor (the key's unit -> the parameter's).
struct KeyOf {
  const char* key;
  Parameter MachineParams::*field;
  double factor;
};
constexpr KeyOf kKeys[] = {
    {"model.machine.cores", &MachineParams::cores, 1.0},
    {"model.machine.mem_bw_gbps", &MachineParams::mem_bw_gbps, 1.0},
    {"model.machine.l3_mib", &MachineParams::l3_bytes, 1024.0 * 1024.0},
    {"model.machine.l3_domains", &MachineParams::l3_domains, 1.0},
    {"model.machine.l3_miss_penalty", &MachineParams::l3_miss_penalty, 1.0},
    {"model.machine.shootdown_us", &MachineParams::shootdown_us, 1.0},
    {"model.machine.bytes_per_shootdown", &MachineParams::bytes_per_shootdown, 1.0},
};

std::string cache_key() {
  const HostInfo h = read_host_info();
  return fmt::format("{:016x}", fnv1a(fmt::format("machine probe v2 | {} x{} | {} bytes | kernel {}", h.cpu_model,
                                                  h.online_cpus, h.total_memory_bytes, h.kernel_release)));
}

nlohmann::json to_json(const MachineParams& m, const std::string& key) {
  nlohmann::json j;
  j["key"] = key;
  for (const auto& k : kKeys) j[k.key] = {{"value", (m.*k.field).value}, {"source", (m.*k.field).source}};
  return j;
}

std::optional<MachineParams> from_json(const nlohmann::json& j, const std::string& key) {
  if (!j.contains("key") || j.at("key") != key) return std::nullopt;
  MachineParams m;
  for (const auto& k : kKeys) {
    const auto& p = j.at(k.key);
    m.*k.field = Parameter{p.at("value").get<double>(), p.at("source").get<std::string>()};
  }
  return m;
}

}  // namespace

MachineParams probed_machine(const fs::path& cache_dir, bool use_cache) {
  const fs::path dir = cache_dir.empty() ? fit_cache_dir() : cache_dir;
  const std::string key = cache_key();
  const fs::path file = dir.empty() ? fs::path() : dir / ("machine-" + key + ".json");
  if (use_cache && !file.empty() && fs::exists(file)) {
    try {
      if (auto m = from_json(nlohmann::json::parse(read_text_file(file)), key)) {
        for (const auto& k : kKeys) ((*m).*k.field).source += fmt::format(" [cached in {}]", file.string());
        return *m;
      }
    } catch (const std::exception&) {
      // unreadable or from another layout: measured again below, and rewritten
    }
  }
  MachineParams m = probe_this_machine();
  if (!file.empty()) {
    try {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (!ec) write_text_file(file, to_json(m, key).dump(2) + "\n");
    } catch (const std::exception&) {
      // not cached: the next call measures again
    }
  }
  return m;
}

MachineParams machine_params(const config::Config& cfg, const MachineProbe& probe) {
  MachineParams out;
  std::optional<MachineParams> probed;
  for (const auto& k : kKeys) {
    const config::Setting& s = cfg.at(k.key);
    const double v = cfg.get_double(k.key);
    if (v > 0) {
      out.*k.field = Parameter{v * k.factor, fmt::format("assumed: {} = {:g} ({})", k.key, v, s.origin)};
      continue;
    }
    if (!probed) probed = probe ? probe() : probed_machine();
    out.*k.field = (*probed).*k.field;
    if (!((out.*k.field).value > 0) && std::string(k.key) != "model.machine.l3_mib") {
      throw config::ConfigError(fmt::format("{} = 0 asks for this machine's value, but the probe found none ({}); "
                                            "set it: accepted: a number > 0",
                                            k.key, (out.*k.field).source));
    }
  }
  if (out.l3_domains.value > out.cores.value) {
    throw config::ConfigError(fmt::format(
        "model.machine.l3_domains = {:g} exceeds model.machine.cores = {:g} ({}; {}): every L3 domain holds at "
        "least one hardware thread; accepted: 1..{:g}",
        out.l3_domains.value, out.cores.value, out.l3_domains.source, out.cores.source, out.cores.value));
  }
  return out;
}

}  // namespace zkc::harness::vtime
