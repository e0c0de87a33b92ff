// report.html: one self-contained XHTML page (inline CSS and SVG, no scripts, no external URLs; it
// parses as XML and renders in any browser offline).
#pragma once

#include <string>

#include "analysis/report/report_input.hpp"

namespace zkc::analysis {

// Sections in order: 1 a waterfall per run, 2 GPU busy/idle per run, 3 s/proof vs concurrency per arm
// (with measurements), 4 stage inflation against isolation, 5 counters per arm with availability
// notes, 6 the seed's "Expected Results" table and every arm against the baseline.
std::string report_html(const ReportInput& input);

}  // namespace zkc::analysis
