#include "harness/results/run_directory.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
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

// The process that owns `.tmp-<id>-<pid>` is still running (kill(pid, 0): EPERM means it exists but
// belongs to someone else). A name without a pid is nobody's.
bool owner_alive(const std::string& name) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash + 1 == name.size()) return false;
  long pid = 0;
  for (std::size_t i = dash + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || pid > (1L << 31)) return false;
    pid = pid * 10 + (name[i] - '0');
  }
  if (pid <= 0 || pid > (1L << 31) - 1) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

constexpr int kMaxSuffix = 999;

std::string suffixed(const std::string& id, int n) { return n == 1 ? id : fmt::format("{}-{}", id, n); }

}  // namespace

bool is_plain_run_id(std::string_view run_id) {
  return !run_id.empty() && run_id.front() != '.' && sanitize_label(run_id) == run_id;
}

std::filesystem::path claim_folder(const std::filesystem::path& root, const std::string& id, bool unique_suffix) {
  if (!is_plain_run_id(id))
    throw std::invalid_argument(fmt::format("folder name '{}' is not a plain name ([A-Za-z0-9._-], not starting "
                                            "with '.')", id));
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create results directory {}", root.string()));
  for (int n = 1; n <= (unique_suffix ? kMaxSuffix : 1); ++n) {
    const std::filesystem::path p = root / suffixed(id, n);
    if (::mkdir(p.c_str(), 0755) == 0) return p;
    if (errno != EEXIST) fail(errno, fmt::format("cannot create {}", p.string()));
  }
  fail(EEXIST, fmt::format("cannot create {}", (root / id).string()));
}

std::size_t remove_stale_temp_dirs(const std::filesystem::path& root) {
  return remove_stale_temp_dirs(root, [](std::string_view) { return true; });
}

std::size_t remove_stale_temp_dirs(const std::filesystem::path& root,
                                   const std::function<bool(std::string_view run_id)>& mine) {
  constexpr std::string_view kPrefix = ".tmp-";
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(kPrefix) || owner_alive(name)) continue;
    const std::size_t dash = name.rfind('-');  // `.tmp-<id>-<pid>`: the id ends at the last dash
    const std::string_view id = std::string_view(name).substr(
        kPrefix.size(), dash >= kPrefix.size() ? dash - kPrefix.size() : std::string_view::npos);
    if (!mine(id)) continue;
    std::error_code rm;
    std::filesystem::remove_all(e.path(), rm);
    if (rm) {
      std::fprintf(stderr, "warning: cannot remove %s: %s\n", e.path().c_str(), rm.message().c_str());
    } else {
      ++removed;
    }
  }
  return removed;
}

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
  if (!is_plain_run_id(run_id))
    throw std::invalid_argument(
        fmt::format("run id '{}' is not a plain name ([A-Za-z0-9._-], not starting with '.')", run_id));
  std::error_code ec;
  std::filesystem::create_directories(results_root, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create results directory {}", results_root.string()));

  // An existing <run_id> is not an error here: the command checked the name when it started, so one
  // appearing since is another run's that finished first, and commit() moves on to <run_id>-2.
  std::filesystem::path final_path = results_root / run_id;
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
  const std::filesystem::path root = final_path_.parent_path();
  for (int n = 1; n <= kMaxSuffix; ++n) {
    const std::filesystem::path target = root / suffixed(run_id_, n);
    const int err = rename_noreplace(temp_path_, target);
    if (err == 0) {
      final_path_ = target;
      committed_ = true;
      return final_path_;
    }
    // EEXIST, or ENOTEMPTY where a filesystem without RENAME_NOREPLACE met a non-empty directory.
    if (err != EEXIST && err != ENOTEMPTY) {
      fail(err, fmt::format("cannot commit {} to {}", temp_path_.string(), target.string()));
    }
  }
  fail(EEXIST, fmt::format("cannot commit {} to {} or any {}-<n>", temp_path_.string(), final_path_.string(),
                           run_id_));
}

}  // namespace zkc::harness
