// The settings a report reads back from a results folder, each one checked: a run's config.toml (a
// hand-edited or damaged file is an error naming the file, the key and what is accepted, never what
// std::stoul makes of "four" or -1) and an analyze folder's analyze.json (a prover log's analysis has
// no config.toml: it records the log and the partitions per proof it used).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace zkc::harness {

using FlatConfig = std::map<std::string, std::string>;  // dotted key -> value as text

// `key` of `config` (read from `file`) as an integer in [lo, hi]; nullopt when absent.
// std::runtime_error "<file>: <key> = <value>: accepted: an integer from lo to hi" otherwise.
std::optional<std::int64_t> recorded_int(const FlatConfig& config, const std::string& key, std::int64_t lo,
                                         std::int64_t hi, const std::filesystem::path& file);
// The same for a finite number in [lo, hi].
std::optional<double> recorded_number(const FlatConfig& config, const std::string& key, double lo, double hi,
                                      const std::filesystem::path& file);

// What `analyze` recorded in analyze.json: the log's name and the partitions per proof it counted with.
struct AnalyzeRecord {
  std::string log;
  std::size_t partitions_per_proof = 0;
  bool inferred = true;  // from the log (largest partition index + 1), not --partitions
};
inline constexpr const char* kAnalyzeJson = "analyze.json";
std::string analyze_json(const AnalyzeRecord& record);
// nullopt when `dir` has no analyze.json; std::runtime_error naming the file when it is damaged.
std::optional<AnalyzeRecord> read_analyze_json(const std::filesystem::path& dir);

}  // namespace zkc::harness
