#include "harness/results/text_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>

#include "harness/system/errno_text.hpp"

namespace zkc::harness {
namespace {

[[noreturn]] void fail(const char* what, const std::filesystem::path& path, int err) {
  throw WriteError(err, std::generic_category(), std::string(what) + " " + path.string());
}

// Closes on scope exit; a close error after a successful write is reported by the caller instead.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Every byte of `content` to `fd`; the errno of the failing write, else 0.
int write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// A FIFO, a terminal, /dev/null: nothing to rename over, so written as they are.
void write_in_place(const std::filesystem::path& path, std::string_view content) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (fd.get() < 0) fail("cannot open", path, errno);
  if (const int err = write_all(fd.get(), content); err != 0) fail("cannot write", path, err);
  if (::close(fd.release()) != 0) fail("cannot finish writing", path, errno);
}

// Removes the temporary file unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!kept_ && ::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      std::fprintf(stderr, "warning: cannot remove %s: %s\n", path_.c_str(), errno_text(errno).c_str());
    }
  }
  const std::string& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::string path_;
  bool kept_ = false;
};

}  // namespace

void write_text_file(const std::filesystem::path& requested, std::string_view content) {
  struct stat st{};
  // Checked through links first: /dev/stdout is a link to a pipe or terminal, which has no folder to
  // put a temporary in.
  if (::stat(requested.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    write_in_place(requested, content);
    return;
  }
  std::filesystem::path path = requested;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    // Replace the link's target, not the link.
    std::error_code ec;
    path = std::filesystem::weakly_canonical(path, ec);
    if (ec) fail("cannot resolve", requested, ec.value());
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (fd.get() < 0) fail("cannot create", path, errno);
  TempFile temp(tmpl);
  // mkstemp creates 0600; results are for everyone on the machine to read, as before.
  if (::fchmod(fd.get(), 0644) != 0) fail("cannot set the mode of", path, errno);
  if (const int err = write_all(fd.get(), content); err != 0) fail("cannot write", path, err);
  // fsync before rename: on a full disk (delayed allocation) or NFS the error surfaces here, and after
  // a power loss the new name never points at blocks that were not written.
  if (::fsync(fd.get()) != 0) fail("cannot write", path, errno);
  if (::close(fd.release()) != 0) fail("cannot finish writing", path, errno);
  if (::rename(temp.path().c_str(), path.c_str()) != 0) fail("cannot rename into place", path, errno);
  temp.keep();
}

std::string read_text_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  std::string out;
  std::array<char, 65536> buf;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "cannot read " + path.string());
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace zkc::harness
