#include "workloads/memory/memory_options.hpp"

#include <array>
#include <utility>

namespace zkc::workloads {
namespace {

constexpr std::array<std::pair<ReleaseMethod, std::string_view>, 4> kReleaseNames{{
    {ReleaseMethod::kMunmap, "munmap"},
    {ReleaseMethod::kMadvDontneed, "madv_dontneed"},
    {ReleaseMethod::kMadvFree, "madv_free"},
    {ReleaseMethod::kReuse, "reuse"},
}};
constexpr std::array<std::pair<ThpAdvice, std::string_view>, 3> kThpNames{{
    {ThpAdvice::kSystem, "system"},
    {ThpAdvice::kAlways, "always"},
    {ThpAdvice::kNever, "never"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ReleaseMethod method) { return name_of(kReleaseNames, method); }
std::string_view to_string(ThpAdvice advice) { return name_of(kThpNames, advice); }
std::optional<ReleaseMethod> parse_release_method(std::string_view text) { return value_of(kReleaseNames, text); }
std::optional<ThpAdvice> parse_thp_advice(std::string_view text) { return value_of(kThpNames, text); }

}  // namespace zkc::workloads
