// Colours: one fixed colour per known pipeline stage (the same stage has the same colour in every
// waterfall of a report, so runs compare at a glance) and a series palette for arms in charts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::analysis {

// "#rrggbb" for a stage name; stages not in the known list get a stable colour from a hash of the name.
std::string stage_colour(std::string_view stage);
// The i-th series colour (cycles after the palette's length).
std::string series_colour(std::size_t index);

}  // namespace zkc::analysis
