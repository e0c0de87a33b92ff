// Runs the zkcontend binary under test with arguments and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace zkc::test_support {

struct BinaryResult {
  int exit_code;       // -1 when the process did not exit normally
  std::string output;  // stdout and stderr together
};

inline BinaryResult run_zkcontend(const std::string& args) {
  const std::string cmd = std::string(ZKC_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace zkc::test_support
