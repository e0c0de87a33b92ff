// What a report figure draws of one run: every span of a run of ordinary length; of a long one (a
// production log of millions of lines), its first stretch of time holding kMaxDrawnSpans stage spans
// and GPU busy spans, so report.html keeps to about 1 MB whatever the input. The note says what was
// left out; timeline.csv and trace.json keep every event, and the metrics count them all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "model/run_data.hpp"

namespace zkc::analysis {

inline constexpr std::size_t kMaxDrawnSpans = 1500;

class DrawnRun {
 public:
  explicit DrawnRun(const RunData& run);
  const RunData& run() const { return cut_ ? *cut_ : *run_; }
  // "" when the whole run is drawn; else what the figure shows of it and why.
  const std::string& note() const { return note_; }

 private:
  const RunData* run_;
  std::optional<RunData> cut_;
  std::string note_;
};

}  // namespace zkc::analysis
