#include "harness/cli/keys_command.hpp"

#include <fmt/format.h>

#include "harness/cli/app.hpp"
#include "harness/config/pipeline_schema.hpp"

namespace zkc::cli {
namespace {

std::string format_value(const config::Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", x);
        else return fmt::format("{}", x);
      },
      v);
}

}  // namespace

void add_keys_options(CLI::App& cmd, KeysOptions& opts) {
  cmd.add_flag("--markdown", opts.markdown, "Print a Markdown table (as in configs/README.md)");
}

int run_keys(const KeysOptions& opts) {
  const auto& keys = config::pipeline_schema().keys();
  if (opts.markdown) {
    fmt::print("| key | default | accepted | unit | meaning |\n|---|---|---|---|---|\n");
    for (const auto& k : keys) {
      fmt::print("| `{}` | `{}` | {} | {} | {} |\n", k.key, format_value(k.default_value), config::describe_accepted(k),
                 k.unit.empty() ? "-" : k.unit, k.doc);
    }
    return kExitOk;
  }
  for (const auto& k : keys) {
    fmt::print("{} = {}   ({}{})\n    {}\n", k.key, format_value(k.default_value), config::describe_accepted(k),
               k.unit.empty() ? "" : ", " + k.unit, k.doc);
  }
  return kExitOk;
}

}  // namespace zkc::cli
