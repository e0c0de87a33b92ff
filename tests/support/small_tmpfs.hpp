// SmallTmpfs: a tmpfs of a few KiB mounted on a fresh temporary folder, so a test can fill the disk
// for real (ENOSPC from write or fsync, as on a full results disk). Mounting needs root (CAP_SYS_ADMIN);
// elsewhere available() is false and why() says so, for GTEST_SKIP.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace zkc::test_support {

class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::size_t kib) {
    if (::geteuid() != 0) {
      why_ = "the disk-full check mounts a small tmpfs, which needs root";
      return;
    }
    const std::string opts = "size=" + std::to_string(kib) + "k,mode=0755";
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, opts.c_str()) != 0) {
      why_ = std::string("mount -t tmpfs failed: ") + std::strerror(errno) + " (no CAP_SYS_ADMIN here?)";
      return;
    }
    mounted_ = true;
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool available() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;  // declared first: mounted on after it exists, removed after the unmount
  bool mounted_ = false;
  std::string why_;
};

}  // namespace zkc::test_support
