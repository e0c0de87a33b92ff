// `zkcontend keys`: every configuration key with its type, default, accepted range, unit and meaning
// (the table configs/README.md holds), as text or Markdown.
#pragma once

#include <CLI/CLI.hpp>

namespace zkc::cli {

struct KeysOptions {
  bool markdown = false;
};

void add_keys_options(CLI::App& cmd, KeysOptions& opts);
int run_keys(const KeysOptions& opts);

}  // namespace zkc::cli
