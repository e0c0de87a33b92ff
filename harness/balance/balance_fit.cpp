#include "harness/balance/balance_fit.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "harness/balance/pilot_refine.hpp"
#include "harness/balance/unit_cost_fit.hpp"
#include "harness/system/text_file.hpp"
#include "harness/system/host_info.hpp"
#include "harness/system/text_hash.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kPilots = 3;  // pilots after the unit-cost solve (each stops early when close)

std::string build_identity() {
  struct stat st {};
  if (stat("/proc/self/exe", &st) != 0) return "unknown build";
  return fmt::format("{} bytes, mtime {}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

template <class T>
T field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) throw std::invalid_argument(fmt::format("fit: no field '{}'", name));
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(fmt::format("fit: field '{}' has the wrong type", name));
  }
}

}  // namespace

std::string fit_key(const RunPlan& p) {
  const HostInfo host = read_host_info();
  const BalanceTargets& t = p.balance_targets;
  const BalanceInputs in = balance_inputs(p);
  const std::string text = fmt::format(
      "host {} x{} | build {} | shape {} {} {} {} {} {} {} | pw {} threads {} gt {} devices {} chunk {} | "
      "witness {} {} seed {} | pce {} {} {} | targets {} {} {} {} {} {} {} {} {} | anchor {} | path {}",
      host.cpu_model, host.online_cpus, build_identity(), p.shape.constraints, p.shape.aux, p.shape.nnz_a,
      p.shape.nnz_b, p.shape.nnz_c, p.shape.srs_a, p.shape.srs_b_g2, p.partition_workers, p.synthesis_threads,
      p.gpu_threads, p.devices, p.chunk_rows, p.witness.one_fraction, p.witness.tail_fraction, p.seed,
      p.pce.local_fraction, p.pce.local_window, p.pce.nnz_spread, t.rho, t.prep_over_gpu, t.b_g2_over_gpu,
      t.witness_share, t.gpu_total_ms, t.ntt_msm_h_ms, t.batch_add_ms, t.tail_msm_ms, t.direct_over_pce,
      in.gpu_total_anchor_ms, direct_synthesis(p) ? "direct" : "pce");  // the pilots run the plan's path
  return fmt::format("{:016x}", fnv1a(text));
}

fs::path fit_cache_dir() {
  if (const char* d = std::getenv("ZKC_FIT_CACHE"); d != nullptr && *d != '\0') return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d != nullptr && *d != '\0') return fs::path(d) / "zkcontend";
  if (const char* d = std::getenv("HOME"); d != nullptr && *d != '\0') return fs::path(d) / ".cache" / "zkcontend";
  return {};
}

nlohmann::json fit_json(const BalanceFit& f) {
  const UnitCosts& c = f.costs;
  const StageSizes& s = f.sizes;
  nlohmann::json b_g2 = nlohmann::json::array();
  for (const auto& r : c.b_g2) b_g2.push_back({{"points", r.points}, {"ms", r.ms}});
  return {{"key", f.key},
          {"source", f.source},
          {"pilot_path", f.pilots_direct ? "direct" : "pce"},
          {"unit_costs",
           {{"witness_ns_per_var", c.witness_ns_per_var},
            {"witness_ns_per_mul", c.witness_ns_per_mul},
            {"synthesis_rest_ms", c.synthesis_rest_ms},
            {"direct_ns_per_term", c.direct_ns_per_term},
            {"direct_ns_per_mul", c.direct_ns_per_mul},
            {"prep_ms_per_pass", c.prep_ms_per_pass},
            {"upload_ms", c.upload_ms},
            {"memcpy_gib_per_s", c.memcpy_gib_per_s},
            {"batch_copy_ms", c.batch_copy_ms},
            {"tail_copy_ms", c.tail_copy_ms},
            {"b_g2", b_g2}}},
          {"sizes",
           {{"witness_muls_per_var", s.witness_muls_per_var},
            {"direct_muls_per_term", s.direct_muls_per_term},
            {"prep_passes", s.prep_passes},
            {"b_g2_points", s.b_g2_points},
            {"register_ms", s.register_ms},
            {"ntt_msm_h_ms", s.ntt_msm_h_ms},
            {"batch_add_ms", s.batch_add_ms},
            {"tail_msm_ms", s.tail_msm_ms},
            {"device_scale", s.device_scale}}},
          {"predicted",
           {{"synthesis_ms", s.synthesis_ms},
            {"witness_ms", s.witness_ms},
            {"direct_ms", s.direct_ms},
            {"gpu_total_ms", s.gpu_total_ms},
            {"prep_ms", s.prep_ms},
            {"b_g2_ms", s.b_g2_ms}}},
          {"limits", s.limits},
          {"verified",
           {{"synthesis_ms", f.verified.synthesis},
            {"witness_ms", f.verified.witness},
            {"prep_ms", f.verified.prep},
            {"b_g2_ms", f.verified.b_g2},
            {"gpu_total_ms", f.verified.gpu_total},
            {"ntt_msm_h_ms", f.verified.ntt_msm_h},
            {"batch_add_ms", f.verified.batch_add},
            {"tail_msm_ms", f.verified.tail_msm},
            {"register_ms", f.verified.register_abc},
            {"post_lock_share", f.verified.post_lock_share}}}};
}

BalanceFit fit_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("fit: not a JSON object");
  BalanceFit f;
  f.key = field<std::string>(j, "key");
  f.source = field<std::string>(j, "source");
  f.pilots_direct = field<std::string>(j, "pilot_path") == "direct";
  const auto uc = field<nlohmann::json>(j, "unit_costs");
  UnitCosts& c = f.costs;
  c.witness_ns_per_var = field<double>(uc, "witness_ns_per_var");
  c.witness_ns_per_mul = field<double>(uc, "witness_ns_per_mul");
  c.synthesis_rest_ms = field<double>(uc, "synthesis_rest_ms");
  c.direct_ns_per_term = field<double>(uc, "direct_ns_per_term");
  c.direct_ns_per_mul = field<double>(uc, "direct_ns_per_mul");
  c.prep_ms_per_pass = field<double>(uc, "prep_ms_per_pass");
  c.upload_ms = field<double>(uc, "upload_ms");
  c.memcpy_gib_per_s = field<double>(uc, "memcpy_gib_per_s");
  c.batch_copy_ms = field<double>(uc, "batch_copy_ms");
  c.tail_copy_ms = field<double>(uc, "tail_copy_ms");
  for (const auto& r : field<nlohmann::json>(uc, "b_g2")) c.b_g2.push_back({field<double>(r, "points"), field<double>(r, "ms")});
  const auto sz = field<nlohmann::json>(j, "sizes");
  StageSizes& s = f.sizes;
  s.witness_muls_per_var = field<unsigned>(sz, "witness_muls_per_var");
  s.direct_muls_per_term = field<unsigned>(sz, "direct_muls_per_term");
  s.prep_passes = field<double>(sz, "prep_passes");
  s.b_g2_points = field<std::uint64_t>(sz, "b_g2_points");
  s.register_ms = field<double>(sz, "register_ms");
  s.ntt_msm_h_ms = field<double>(sz, "ntt_msm_h_ms");
  s.batch_add_ms = field<double>(sz, "batch_add_ms");
  s.tail_msm_ms = field<double>(sz, "tail_msm_ms");
  s.device_scale = field<double>(sz, "device_scale");
  const auto pr = field<nlohmann::json>(j, "predicted");
  s.synthesis_ms = field<double>(pr, "synthesis_ms");
  s.witness_ms = field<double>(pr, "witness_ms");
  s.direct_ms = field<double>(pr, "direct_ms");
  s.gpu_total_ms = field<double>(pr, "gpu_total_ms");
  s.prep_ms = field<double>(pr, "prep_ms");
  s.b_g2_ms = field<double>(pr, "b_g2_ms");
  s.limits = field<std::vector<std::string>>(j, "limits");
  const auto v = field<nlohmann::json>(j, "verified");
  StageMedians& m = f.verified;
  for (const auto& [name, out] : {std::pair{"synthesis_ms", &m.synthesis}, std::pair{"witness_ms", &m.witness},
                                  std::pair{"prep_ms", &m.prep}, std::pair{"b_g2_ms", &m.b_g2},
                                  std::pair{"gpu_total_ms", &m.gpu_total}, std::pair{"ntt_msm_h_ms", &m.ntt_msm_h},
                                  std::pair{"batch_add_ms", &m.batch_add}, std::pair{"tail_msm_ms", &m.tail_msm},
                                  std::pair{"register_ms", &m.register_abc},
                                  std::pair{"post_lock_share", &m.post_lock_share}}) {
    *out = field<double>(v, name);
  }
  return f;
}

BalanceFit obtain_fit(const RunPlan& plan, bool use_cache, const std::function<void(const std::string&)>& step) {
  const auto say = [&](const std::string& s) {
    if (step) step(s);
  };
  const std::string key = fit_key(plan);
  const fs::path dir = fit_cache_dir();
  const fs::path file = dir.empty() ? fs::path() : dir / ("fit-" + key + ".json");
  if (use_cache && !file.empty() && fs::exists(file)) {
    try {
      BalanceFit f = fit_from_json(nlohmann::json::parse(read_text_file(file)));
      if (f.key == key) {
        f.source = "cache " + file.string();
        return f;
      }
    } catch (const std::exception& e) {
      say(fmt::format("fit cache {} unreadable ({}); measuring again", file.string(), e.what()));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  BalanceFit f;
  f.key = key;
  f.costs = fit_unit_costs(plan, step);
  f.sizes = solve_balance(f.costs, plan.balance_targets, balance_inputs(plan));
  f = refine_with_pilots(plan, f, kPilots, step);
  f.source = fmt::format("measured in {:.1f} s",
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!file.empty()) {
    try {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw std::system_error(ec, "cannot create " + dir.string());
      write_text_file(file, fit_json(f).dump(2) + "\n");  // temp + rename: a reader never sees half a file
    } catch (const std::exception& e) {
      say(fmt::format("fit not cached: {}", e.what()));
    }
  }
  return f;
}

}  // namespace zkc::harness
