#include "harness/config/config_schema.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace zkc::config {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string format_bound(double v, ValueType type) {
  return type == ValueType::kInt ? fmt::format("{}", static_cast<std::int64_t>(v)) : fmt::format("{}", v);
}

}  // namespace

std::string type_name(ValueType type) {
  switch (type) {
    case ValueType::kBool: return "a boolean (true or false)";
    case ValueType::kInt: return "an integer";
    case ValueType::kFloat: return "a number";
    case ValueType::kString: return "a string";
    case ValueType::kEnum: return "a string";
  }
  return "a value";
}

std::string describe_accepted(const KeySpec& spec) {
  if (spec.type == ValueType::kEnum) return fmt::format("one of: {}", fmt::join(spec.choices, ", "));
  std::string out = type_name(spec.type);
  if (spec.min && spec.max) {
    out += fmt::format(" in [{}, {}]", format_bound(*spec.min, spec.type), format_bound(*spec.max, spec.type));
  } else if (spec.min) {
    out += fmt::format(" >= {}", format_bound(*spec.min, spec.type));
  } else if (spec.max) {
    out += fmt::format(" <= {}", format_bound(*spec.max, spec.type));
  }
  return out;
}

std::string check_value(const KeySpec& spec, const Value& v) {
  const auto out_of_range = [&](double x) {
    return (spec.min && x < *spec.min) || (spec.max && x > *spec.max);
  };
  switch (spec.type) {
    case ValueType::kBool:
      return std::holds_alternative<bool>(v) ? "" : "expected " + describe_accepted(spec);
    case ValueType::kInt:
      if (!std::holds_alternative<std::int64_t>(v)) return "expected " + describe_accepted(spec);
      return out_of_range(static_cast<double>(std::get<std::int64_t>(v))) ? "out of range: expected " + describe_accepted(spec) : "";
    case ValueType::kFloat: {
      double x;
      if (const auto* d = std::get_if<double>(&v)) x = *d;
      else if (const auto* i = std::get_if<std::int64_t>(&v)) x = static_cast<double>(*i);
      else return "expected " + describe_accepted(spec);
      // nan compares false with every bound and inf passes a one-sided range: neither is a setting.
      if (!std::isfinite(x)) return fmt::format("{} is not a finite number: expected {}", x, describe_accepted(spec));
      return out_of_range(x) ? "out of range: expected " + describe_accepted(spec) : "";
    }
    case ValueType::kString:
      return std::holds_alternative<std::string>(v) ? "" : "expected " + describe_accepted(spec);
    case ValueType::kEnum: {
      const auto* s = std::get_if<std::string>(&v);
      if (s == nullptr || std::find(spec.choices.begin(), spec.choices.end(), *s) == spec.choices.end())
        return "expected " + describe_accepted(spec);
      return "";
    }
  }
  return "unsupported type";
}

void ConfigSchema::add(KeySpec spec) {
  if (find(spec.key) != nullptr) throw std::logic_error("config schema: duplicate key " + spec.key);
  if (const std::string why = check_value(spec, spec.default_value); !why.empty())
    throw std::logic_error("config schema: default of " + spec.key + " is invalid: " + why);
  keys_.push_back(std::move(spec));
}

const KeySpec* ConfigSchema::find(const std::string& key) const {
  for (const auto& k : keys_)
    if (k.key == key) return &k;
  return nullptr;
}

std::string ConfigSchema::closest_key(const std::string& key) const {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, key.size() / 3) + 1;  // beyond this: no suggestion
  for (const auto& k : keys_) {
    const std::size_t d = edit_distance(key, k.key);
    if (d < best_distance) {
      best_distance = d;
      best = k.key;
    }
  }
  return best;
}

}  // namespace zkc::config
