// The results folder's CSV is analysis/csv (one RFC 4180 reader and writer for the harness and for
// analysis/ingest, which reads a run's timeline.csv back); the harness names it here.
#pragma once

#include "analysis/csv/csv.hpp"

namespace zkc::harness {

using analysis::CsvRecord;
using analysis::csv_field;
using analysis::csv_number;
using analysis::parse_csv;

}  // namespace zkc::harness
