#include "harness/results/run_directory.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace zkc::harness {
namespace {

bool plain_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

[[noreturn]] void fail(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// rename() that never replaces `to` (rename(2) silently replaces an empty directory). RENAME_NOREPLACE
// where the filesystem supports it; elsewhere a check then rename, which is enough for one writer.
int rename_noreplace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  struct stat st{};
  if (::lstat(to.c_str(), &st) == 0) return EEXIST;
  if (errno != ENOENT) return errno;
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

}  // namespace

std::string sanitize_label(std::string_view label) {
  std::string out(label);
  for (char& c : out)
    if (!plain_char(c)) c = '_';
  return out;
}

std::string make_run_id(std::string_view label) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  char stamp[32] = "00000000-000000";
  if (::localtime_r(&now, &local) != nullptr) std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  if (label.empty()) return stamp;
  return fmt::format("{}-{}", stamp, sanitize_label(label));
}

RunDirectory RunDirectory::create(const std::filesystem::path& results_root, const std::string& run_id) {
  if (run_id.empty() || run_id == "." || run_id == ".." || sanitize_label(run_id) != run_id)
    throw std::invalid_argument(fmt::format("run id '{}' is not a plain name ([A-Za-z0-9._-])", run_id));
  std::error_code ec;
  std::filesystem::create_directories(results_root, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create results directory {}", results_root.string()));

  std::filesystem::path final_path = results_root / run_id;
  struct stat st{};
  if (::lstat(final_path.c_str(), &st) == 0) fail(EEXIST, fmt::format("run directory {}", final_path.string()));
  std::filesystem::path temp = results_root / fmt::format(".tmp-{}-{}", run_id, ::getpid());
  if (::mkdir(temp.c_str(), 0755) != 0) fail(errno, fmt::format("cannot create {}", temp.string()));
  return RunDirectory(std::move(temp), std::move(final_path), run_id);
}

RunDirectory::RunDirectory(RunDirectory&& other) noexcept
    : temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      run_id_(std::move(other.run_id_)),
      committed_(other.committed_),
      owns_(other.owns_) {
  other.owns_ = false;
}

RunDirectory& RunDirectory::operator=(RunDirectory&& other) noexcept {
  if (this != &other) {
    discard();
    temp_path_ = std::move(other.temp_path_);
    final_path_ = std::move(other.final_path_);
    run_id_ = std::move(other.run_id_);
    committed_ = other.committed_;
    owns_ = other.owns_;
    other.owns_ = false;
  }
  return *this;
}

RunDirectory::~RunDirectory() { discard(); }

void RunDirectory::discard() noexcept {
  if (!owns_ || committed_) return;
  owns_ = false;
  std::error_code ec;
  std::filesystem::remove_all(temp_path_, ec);
  if (ec) std::fprintf(stderr, "warning: cannot remove %s: %s\n", temp_path_.c_str(), ec.message().c_str());
}

const std::filesystem::path& RunDirectory::commit() {
  if (!owns_) throw std::logic_error("RunDirectory::commit on a moved-from object");
  if (committed_) return final_path_;
  if (const int err = rename_noreplace(temp_path_, final_path_); err != 0)
    fail(err, fmt::format("cannot commit {} to {}", temp_path_.string(), final_path_.string()));
  committed_ = true;
  return final_path_;
}

}  // namespace zkc::harness
