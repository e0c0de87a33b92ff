// Whole-file text I/O for the results folder: every failure is an exception naming the path and the
// errno text, so a run that cannot write its results says exactly why.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace zkc::harness {

// Creates or truncates `path` and writes `content` (std::system_error on any failure).
void write_text_file(const std::filesystem::path& path, std::string_view content);
// The whole file (std::system_error on any failure).
std::string read_text_file(const std::filesystem::path& path);

}  // namespace zkc::harness
