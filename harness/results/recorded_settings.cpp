#include "harness/results/recorded_settings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "harness/system/text_file.hpp"

namespace zkc::harness {

std::optional<std::int64_t> recorded_int(const FlatConfig& config, const std::string& key, std::int64_t lo,
                                         std::int64_t hi, const std::filesystem::path& file) {
  const auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    throw std::runtime_error(
        fmt::format("{}: {} = {}: accepted: an integer from {} to {}", file.string(), key, text, lo, hi));
  }
  return v;
}

std::optional<double> recorded_number(const FlatConfig& config, const std::string& key, double lo, double hi,
                                      const std::filesystem::path& file) {
  const auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  const std::string& text = it->second;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < lo ||
      v > hi) {
    throw std::runtime_error(
        fmt::format("{}: {} = {}: accepted: a number from {:g} to {:g}", file.string(), key, text, lo, hi));
  }
  return v;
}

std::string analyze_json(const AnalyzeRecord& record) {
  nlohmann::json j;
  j["log"] = record.log;
  j["partitions_per_proof"] = record.partitions_per_proof;
  j["partitions_from"] = record.inferred ? "inferred" : "--partitions";
  return j.dump(2) + "\n";
}

std::optional<AnalyzeRecord> read_analyze_json(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kAnalyzeJson;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(read_text_file(path));
    AnalyzeRecord r;
    r.log = j.at("log").get<std::string>();
    r.partitions_per_proof = j.at("partitions_per_proof").get<std::size_t>();
    r.inferred = j.at("partitions_from").get<std::string>() == "inferred";
    if (r.partitions_per_proof < 1 || r.partitions_per_proof > 1000) throw std::out_of_range("partitions_per_proof");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not the analyze.json zkcontend writes: {}", path.string(), e.what()));
  } catch (const std::out_of_range&) {
    throw std::runtime_error(
        fmt::format("{}: partitions_per_proof: accepted: an integer from 1 to 1000", path.string()));
  }
}

}  // namespace zkc::harness
