// Plain file helpers for tests that plant or read back files outside a TempDir's own write().
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace zkc::test_support {

// Writes `text` to `path`, creating its folders.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// The whole file ("" when it cannot be opened).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace zkc::test_support
