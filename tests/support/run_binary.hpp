// Runs the zkcontend binary under test with arguments and captures what it prints.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace zkc::test_support {

struct BinaryResult {
  int exit_code;       // -1 when the process did not exit normally
  std::string output;  // stdout and stderr together
};

// Any shell command line, its stdout and stderr together.
inline BinaryResult run_shell(const std::string& command) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline BinaryResult run_zkcontend(const std::string& args) { return run_shell(std::string(ZKC_BINARY) + " " + args); }

// Starts the binary in the background (its output to `log`) and returns its pid, for tests that
// signal a running command; reap it with wait_exit.
inline pid_t spawn_zkcontend(const std::string& args, const std::string& log) {
  const std::string cmd = "exec " + std::string(ZKC_BINARY) + " " + args + " > " + log + " 2>&1";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The exit code of a spawned process, 128 + the signal when a signal ended it (as shells report it).
inline int wait_exit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace zkc::test_support
