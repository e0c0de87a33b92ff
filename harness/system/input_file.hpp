// Input files (a profile, a sweep spec, an arms file, a prover log) must be regular files: /dev/zero,
// /dev/urandom or a FIFO would be read forever (gigabytes of memory, never an answer).
#pragma once

#include <filesystem>
#include <string>

namespace zkc::harness {

// "" when `path` is a regular file (after links) or cannot be examined (the caller's own open then
// reports the errno); else why not, for "<path>: <why>": "not a regular file (a character device);
// accepted: a regular file (...)".
std::string input_file_problem(const std::filesystem::path& path);

}  // namespace zkc::harness
