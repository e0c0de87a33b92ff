#include "harness/system/input_file.hpp"

#include <sys/stat.h>

namespace zkc::harness {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO or pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

}  // namespace

std::string input_file_problem(const std::filesystem::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return "";  // the caller's open names the errno, as before
  if (S_ISREG(st.st_mode)) return "";
  return std::string("not a regular file (") + kind_of(st.st_mode) +
         "); accepted: a regular file (save a stream to a file first)";
}

}  // namespace zkc::harness
