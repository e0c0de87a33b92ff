// A stable 64-bit hash of text (FNV-1a): the same text gives the same value in every build, so it
// can name folders and cache files.
#pragma once

#include <cstdint>
#include <string_view>

namespace zkc::harness {

inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace zkc::harness
