// placement.csv: where each thread of the run actually ran (harness/topology/placement_recorder.hpp),
// one row per registered thread: `pool,thread,tid,samples,cpus,migrations,migrations_source`, with
// cpus as an index list ("0-3,8") so a row reads like the pin plan it is checked against.
#pragma once

#include <filesystem>
#include <span>

#include "harness/topology/placement_recorder.hpp"

namespace zkc::harness {

inline constexpr const char* kPlacementCsvHeader = "pool,thread,tid,samples,cpus,migrations,migrations_source";

// std::system_error naming the path on an I/O failure.
void write_placement_csv(const std::filesystem::path& path, std::span<const topology::PlacementRow> rows);

}  // namespace zkc::harness
