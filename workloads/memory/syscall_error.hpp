// How the memory layer reports a failed system call: errno's name and text ("ENOMEM (Cannot
// allocate memory)"), so a message says both what failed (greppable) and why (readable).
// harness::errno_text forwards here; the workloads layer cannot depend on the harness.
#pragma once

#include <cstddef>
#include <string>

namespace zkc::workloads {

// `err` may be given with either sign (syscall wrappers that return -errno).
std::string errno_text(int err);

// Throws std::system_error "<what>: <call> of <bytes> bytes: <errno text>".
[[noreturn]] void throw_syscall_error(int err, const std::string& what, const char* call, std::size_t bytes);

std::size_t page_size();

}  // namespace zkc::workloads
