#include "workloads/memory/syscall_error.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

namespace zkc::workloads {

std::string errno_text(int err) {
  if (err < 0) err = -err;
  const char* name = ::strerrorname_np(err);
  const char* text = ::strerrordesc_np(err);
  if (name == nullptr) return fmt::format("errno {} ({})", err, text != nullptr ? text : "unknown error");
  return fmt::format("{} ({})", name, text != nullptr ? text : "unknown error");
}

void throw_syscall_error(int err, const std::string& what, const char* call, std::size_t bytes) {
  // std::system_error appends strerror's text; the name goes in front so both are in the message.
  throw std::system_error(err, std::generic_category(),
                          fmt::format("{}: {} of {} bytes ({})", what, call, bytes,
                                      ::strerrorname_np(err) != nullptr ? ::strerrorname_np(err) : "errno"));
}

std::size_t page_size() {
  // sysconf cannot fail for _SC_PAGESIZE on Linux; the fallback only keeps the arithmetic sane.
  static const std::size_t page = [] {
    const long p = ::sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
  }();
  return page;
}

}  // namespace zkc::workloads
