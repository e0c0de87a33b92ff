// report.html: one self-contained XHTML page (inline CSS and SVG, no scripts, no external URLs; it
// parses as XML and renders in any browser offline).
#pragma once

#include <string>

#include "analysis/present/report_input.hpp"

namespace zkc::analysis {

// Sections in report_sections' order: 1 the verdict (arms ranked by s/proof with the family's test,
// mechanism evidence, warnings), 2 Expected Results beside the seed's, 3 one waterfall per arm (its
// median run; the others as links to their trace.json in a closed <details>), 4 GPU busy/idle,
// 5 s/proof vs concurrency, 6 stage inflation, 7 counters per arm, 8 every compared metric.
std::string report_html(const ReportInput& input);

}  // namespace zkc::analysis
