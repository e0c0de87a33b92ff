#include "harness/system/errno_text.hpp"

#include "workloads/memory/syscall_error.hpp"

namespace zkc::harness {

std::string errno_text(int err) { return workloads::errno_text(err); }

}  // namespace zkc::harness
