#include "harness/system/text_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
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

}  // namespace

TextFileWriter::TextFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  struct stat st{};
  // Checked through links first: /dev/stdout is a link to a pipe or terminal, which has no folder to
  // put a temporary in. A FIFO, a terminal, /dev/null: nothing to rename over, so written in place.
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open", path_, errno);
    return;
  }
  // A link to a regular file is replaced by the new file, never written through: in a results folder
  // shared between users (the Slurm flow), a planted `report.md -> ~victim/file` must not overwrite
  // the victim's file. rename(2) over a link replaces the link itself.
  const std::filesystem::path dir = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / temp_file_name(path_.filename().string())).string();
  Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (fd.get() < 0) fail("cannot create", path_, errno);
  temp_ = std::move(tmpl);
  fd_ = fd.release();
  // mkstemp creates 0600; results are for everyone on the machine to read, as before.
  if (::fchmod(fd_, 0644) != 0) fail("cannot set the mode of", path_, errno);
}

TextFileWriter::~TextFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty() && ::unlink(temp_.c_str()) != 0 && errno != ENOENT)
    std::fprintf(stderr, "warning: cannot remove %s: %s\n", temp_.c_str(), errno_text(errno).c_str());
}

void TextFileWriter::write(std::string_view piece) {
  if (fd_ < 0) throw std::logic_error("TextFileWriter: write after commit to " + path_.string());
  if (buffer_.size() + piece.size() < kTextFileChunk) {
    buffer_.append(piece);
    return;
  }
  flush();
  if (piece.size() >= kTextFileChunk) {
    if (const int err = write_all(fd_, piece); err != 0) fail("cannot write", path_, err);
  } else {
    buffer_.append(piece);
  }
}

void TextFileWriter::flush() {
  if (const int err = write_all(fd_, buffer_); err != 0) fail("cannot write", path_, err);
  buffer_.clear();
}

void TextFileWriter::commit() {
  if (fd_ < 0) throw std::logic_error("TextFileWriter: commit twice to " + path_.string());
  flush();
  std::string().swap(buffer_);
  // fsync before rename: on a full disk (delayed allocation) or NFS the error surfaces here, and after
  // a power loss the new name never points at blocks that were not written.
  if (!temp_.empty() && ::fsync(fd_) != 0) fail("cannot write", path_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot finish writing", path_, errno);
  if (temp_.empty()) return;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("cannot rename into place", path_, errno);
  temp_.clear();
}

void write_text_file(const std::filesystem::path& path, std::string_view content) {
  TextFileWriter out(path);
  out.write(content);
  out.commit();
}

std::string temp_file_name(const std::string& name) { return fmt::format(".{}.{}.XXXXXX", name, ::getpid()); }

std::size_t remove_stale_temp_files(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    // `.<name>.<pid>.XXXXXX`: the pid sits between the last two dots.
    if (!name.starts_with(".") || name.size() < 10 || name[name.size() - 7] != '.') continue;
    const std::size_t dot = name.rfind('.', name.size() - 8);
    if (dot == std::string::npos || dot == 0) continue;
    const std::string pid_text = name.substr(dot + 1, name.size() - 7 - dot - 1);
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const long pid = std::stol(pid_text);
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;  // its writer is alive
    if (!e.is_regular_file(ec) || e.is_symlink(ec)) continue;
    if (::unlink(e.path().c_str()) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      std::fprintf(stderr, "warning: cannot remove %s: %s\n", e.path().c_str(), errno_text(errno).c_str());
    }
  }
  return removed;
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
