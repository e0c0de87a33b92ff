#include "harness/cli/calibration.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace zkc::cli {

std::string calibration_toml(const CalibrationInput& in) {
  if (!(in.scale > 0)) throw std::invalid_argument(fmt::format("calibration: scale {} must be > 0", in.scale));
  if (in.partitions == 0) throw std::invalid_argument("calibration: no partition was measured");
  const auto full = [&](double ms) { return ms / in.scale; };
  std::string out;
  out += fmt::format("# zkcontend calibrate: {} (device {}), {}\n", in.device_name, in.device_index, in.measured_at);
  out += fmt::format("# Medians of {} partitions' CUDA event times at workload.scale = {:.6g} ({} constraints, "
                     "domain 2^{}),\n",
                     in.partitions, in.scale, in.constraints, in.domain_log2);
  out += "# divided by the scale: the sim backend multiplies by it again. Exact at that scale; at others an\n";
  out += "# estimate (the kernels do not scale linearly). Use after the profile:\n";
  out += "#   ./zkcontend run --config <profile> --config <this file>\n";
  out += "[gpu]\n";
  out += "backend = \"sim\"\n";
  out += fmt::format("ntt_msm_h_ms = {:.6g}  # measured {:.4g} ms\n", full(in.ntt_msm_h_ms), in.ntt_msm_h_ms);
  out += fmt::format("batch_add_ms = {:.6g}  # measured {:.4g} ms\n", full(in.batch_add_ms), in.batch_add_ms);
  out += fmt::format("tail_msm_ms = {:.6g}  # measured {:.4g} ms\n", full(in.tail_msm_ms), in.tail_msm_ms);
  out += "time_factor = 1.0\n";
  out += fmt::format("vram_gib = {:.6g}  # the device's memory\n",
                     static_cast<double>(in.device_memory_bytes) / double(1ull << 30));
  out += fmt::format("# gpu_total (upload to the end of tail_msm, prep wait included) measured {:.4g} ms\n",
                     in.gpu_total_ms);
  out += "[balance]\n";
  out += "anchor = \"device\"  # these are a device's times: the balance fit sizes synthesis to them\n";
  return out;
}

}  // namespace zkc::cli
