// A CLI11 check for a floating-point option: a finite number within [lo, hi]. CLI::Range compares
// with < and >, which "nan" passes (every comparison with NaN is false), so a NaN threshold reached
// the tables as "no row under nan ms".
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <string>

namespace zkc::cli {

inline CLI::Validator finite_range(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return fmt::format("'{}' is not a number", text);
        if (!std::isfinite(v) || v < lo || v > hi)
          return fmt::format("{} is outside [{:g}, {:g}]; accepted: a finite number in that range", text, lo, hi);
        return "";
      },
      fmt::format("FLOAT in [{:g} - {:g}]", lo, hi));
}

}  // namespace zkc::cli
