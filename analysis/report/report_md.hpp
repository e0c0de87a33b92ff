// report.md: the tables of report.html in Markdown (the charts are referenced as "see report.html").
#pragma once

#include <string>

#include "analysis/present/report_input.hpp"

namespace zkc::analysis {

// Same sections and order as report_html.
std::string report_md(const ReportInput& input);

}  // namespace zkc::analysis
