#include "harness/system/errno_text.hpp"

#include <fmt/format.h>

#include <cstring>

namespace zkc::harness {

std::string errno_text(int err) {
  if (err < 0) err = -err;
  const char* name = ::strerrorname_np(err);
  const char* text = ::strerrordesc_np(err);
  if (name == nullptr) return fmt::format("errno {} ({})", err, text != nullptr ? text : "unknown error");
  return fmt::format("{} ({})", name, text != nullptr ? text : "unknown error");
}

}  // namespace zkc::harness
