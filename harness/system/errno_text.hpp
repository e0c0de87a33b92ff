// errno in reports: its name and its text, "EACCES (Permission denied)", so a message says both what
// failed (greppable) and why (readable).
#pragma once

#include <string>

namespace zkc::harness {

// `err` may be given with either sign (syscall wrappers that return -errno).
std::string errno_text(int err);

}  // namespace zkc::harness
