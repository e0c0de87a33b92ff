// ProgressLine: the live status line of a long run on a terminal (stderr), redrawn in place:
//   [ 3/10 proofs] 7 partitions in flight   elapsed 12.4 s   ETA 28 s
// Silent when stderr is not a terminal, so logs and CI output stay clean.
#pragma once

#include <string>

#include "harness/engine/pipeline.hpp"

namespace zkc::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  ~ProgressLine();  // clears the line
  void step(const std::string& text);  // a set-up step, on its own line
  void update(const harness::PipelineProgress& p, unsigned proofs_total, unsigned partitions_total,
              double elapsed_s);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace zkc::cli
