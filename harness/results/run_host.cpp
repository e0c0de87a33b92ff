#include "harness/results/run_host.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/system/text_file.hpp"

namespace zkc::harness {

std::optional<RunHost> read_run_host(const std::filesystem::path& run_dir, std::string* why) {
  const auto fail = [&](std::string text) -> std::optional<RunHost> {
    if (why != nullptr) *why = std::move(text);
    return std::nullopt;
  };
  const auto path = run_dir / "meta.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail("no meta.json");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_text_file(path));
  } catch (const std::exception& e) {
    return fail(fmt::format("meta.json: {}", e.what()));
  }
  const auto h = meta.find("host");
  if (h == meta.end() || !h->is_object()) return fail("meta.json has no host section");
  RunHost out;
  if (const auto n = h->find("hostname"); n != h->end() && n->is_string()) out.hostname = n->get<std::string>();
  if (const auto c = h->find("online_cpus"); c != h->end() && c->is_number_unsigned()) out.online_cpus = c->get<unsigned>();
  return out;
}

}  // namespace zkc::harness
