#include "harness/counters/thread_sched.hpp"

#include <fstream>
#include <sstream>

namespace zkc::harness::counters {

std::optional<SchedReading> read_thread_sched(const std::filesystem::path& task, std::string* why) {
  const auto fail = [&](std::string text) -> std::optional<SchedReading> {
    if (why != nullptr) *why = std::move(text);
    return std::nullopt;
  };
  SchedReading r{};
  {
    std::ifstream in(task / "schedstat");
    if (!in) return fail((task / "schedstat").string() + " cannot be read (kernel without CONFIG_SCHED_INFO?)");
    if (!(in >> r[0] >> r[1] >> r[2])) return fail((task / "schedstat").string() + ": expected three numbers");
  }
  std::ifstream status(task / "status");
  if (!status) return fail((task / "status").string() + " cannot be read");
  bool vol = false, invol = false;
  for (std::string line; std::getline(status, line);) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "voluntary_ctxt_switches:") vol = static_cast<bool>(fields >> r[3]);
    if (key == "nonvoluntary_ctxt_switches:") invol = static_cast<bool>(fields >> r[4]);
  }
  if (!vol || !invol) return fail((task / "status").string() + ": no voluntary/nonvoluntary_ctxt_switches lines");
  return r;
}

}  // namespace zkc::harness::counters
