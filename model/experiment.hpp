// The experiment vocabulary: a point's concurrency coordinates (c proofs in the batch, at most j in
// flight) as typed values, the settings keys that hold them, and the one rule for what an isolation
// point is (c = 1, j = 1: one proof alone, the reference every explanation and balance figure uses).
// ab --isolation, sweep --isolation and collect, the sweep tables and explain all ask here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zkc::model {

inline constexpr std::string_view kProofsKey = "batch.count";       // c
inline constexpr std::string_view kJobsKey = "batch.concurrency";   // j
inline constexpr std::string_view kProofsShort = "c";               // in point labels: "c=4 j=2"
inline constexpr std::string_view kJobsShort = "j";

struct Concurrency {
  std::int64_t proofs = 0;  // c
  std::int64_t jobs = 0;    // j
  bool operator==(const Concurrency&) const = default;
};

inline constexpr Concurrency kIsolation{1, 1};
inline bool is_isolation(const Concurrency& c) { return c == kIsolation; }

// The isolation point's settings: {("batch.count", "1"), ("batch.concurrency", "1")}.
std::vector<std::pair<std::string, std::string>> isolation_settings();
// The same as --set overrides: {"batch.count=1", "batch.concurrency=1"}.
std::vector<std::string> isolation_overrides();
// The concurrency recorded in a run's resolved settings (RunData::config); nullopt when either key
// is missing or not a whole number.
std::optional<Concurrency> concurrency_in(const std::map<std::string, std::string>& settings);
// "c=4 j=2" (a value missing from `settings` is empty): the label of a run's point.
std::string concurrency_label(const std::map<std::string, std::string>& settings);
// Whether an override ("batch.count=3") sets one of the concurrency keys.
bool sets_concurrency(std::string_view override_text);

}  // namespace zkc::model
