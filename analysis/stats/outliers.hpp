// Outlier runs and their likely cause. A run whose s/proof is far from its (point, arm)'s other runs
// is flagged, and its noise readings (the noise_* metrics a run records: other processes' CPU, steal,
// load at start, thermal throttling, frequency) are compared with the rest of the A/B's runs to name
// what probably disturbed it: "other processes used 23% of the CPU (typical 1.0%)". Outliers are shown,
// never dropped: this only reads the measurements.
//
// The rule is robust, so one wild run cannot hide itself by inflating the spread: a run is an outlier
// when |x - median| / scale > threshold (3.5), with scale = 1.4826 MAD (the standard deviation for
// normal data) of its (point, arm). Few runs give a MAD that means little, so:
//   - with fewer than 3 runs nothing is flagged (of two runs neither stands out);
//   - with fewer than min_runs (5), or a MAD of 0 (more than half the runs equal), the spread is the
//     point's pooled one: the MAD of every run's relative deviation from its own arm's median, over
//     all arms of the point with 3 runs or more (each odd-sized arm's median run, whose deviation is 0
//     by construction, left out), times this arm's median; with fewer than min_runs such deviations
//     the spread is unknown and nothing in the group is flagged; when it is 0, the floor below is
//     the scale;
//   - the scale is never below min_rel_scale (0.5%) of the median, so with the defaults a run within
//     1.75% of its median is never called an outlier, whatever the spread of the others.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "analysis/stats/measurement.hpp"

namespace zkc::analysis {

struct OutlierOptions {
  std::string metric = "s_per_proof";  // one where higher is worse (a slow run is the one disturbed)
  double threshold = 3.5;        // robust z: |x - median| / (1.4826 MAD)
  std::size_t min_runs = 5;      // fewer runs in a (point, arm): its spread is pooled over the point
  double min_rel_scale = 0.005;  // the scale's floor, a fraction of the median
};

struct Outlier {
  std::string point, arm, run;
  double value = 0;   // the run's metric
  double median = 0;  // of its (point, arm)
  double score = 0;   // |value - median| / scale
  // The noise readings that set this run apart from the other runs, "; "-joined, e.g. "other processes
  // used 23% of the CPU (typical 1.0%); steal 8.0% (typical 0.0%)"; "no visible cause" when none does;
  // "no noise readings for this run" when it has none.
  std::string cause;
};

// Flagged runs of `options.metric`, (point, arm) groups in first-appearance order, runs in order.
std::vector<Outlier> find_outliers(std::span<const Measurement> data, const OutlierOptions& options = {});

}  // namespace zkc::analysis
