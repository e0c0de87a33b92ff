// The zkcontend command line: subcommands, global flags, exit codes.
#pragma once

namespace zkc::cli {

// Exit codes: 0 success, 1 a run or self-check failed, 2 bad input (command line, config, files).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_app(int argc, char** argv);

}  // namespace zkc::cli
