// PinnedSrs: sections of the shape's sizes holding valid, distinct-per-tile points, deterministic
// for a seed and any pool; a refused mlock is reported, not thrown.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "kernels/pool/thread_pool.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/srs/pinned_srs.hpp"

namespace zkc::workloads {
namespace {

// H is larger than kDistinctPoints so it is tiled; the others are small.
PartitionShape srs_shape() {
  PartitionShape s;
  s.constraints = 20'000;
  s.inputs = 4;
  s.aux = 20'000;
  s.domain_log2 = 15;
  s.srs_h = PinnedSrs::kDistinctPoints + 1000;
  s.srs_l = 300;
  s.srs_a = 200;
  s.srs_b_g1 = 60;
  s.srs_b_g2 = 50;
  return s;
}

template <class Span>
void expect_valid_points(const Span& pts, const char* section) {
  std::size_t bad = 0;
  for (const auto& p : pts) bad += (p.is_identity() || !p.is_on_curve()) ? 1 : 0;
  EXPECT_EQ(bad, 0u) << section;
}

TEST(PinnedSrs, SectionsHaveTheShapesSizesAndValidPoints) {
  const PartitionShape s = srs_shape();
  const PinnedSrs srs = PinnedSrs::build(s, 7, nullptr);
  EXPECT_EQ(srs.h().size(), s.srs_h);
  EXPECT_EQ(srs.l().size(), s.srs_l);
  EXPECT_EQ(srs.a().size(), s.srs_a);
  EXPECT_EQ(srs.b_g1().size(), s.srs_b_g1);
  EXPECT_EQ(srs.b_g2().size(), s.srs_b_g2);
  expect_valid_points(srs.h(), "H");
  expect_valid_points(srs.l(), "L");
  expect_valid_points(srs.a(), "A");
  expect_valid_points(srs.b_g1(), "B_G1");
  expect_valid_points(srs.b_g2(), "B_G2");
  const std::uint64_t g1 = (s.srs_h + s.srs_l + s.srs_a + s.srs_b_g1) * sizeof(G1Affine);
  EXPECT_EQ(srs.bytes(), g1 + s.srs_b_g2 * sizeof(G2Affine));
}

TEST(PinnedSrs, LargeSectionsRepeatTheDistinctPoints) {
  const PinnedSrs srs = PinnedSrs::build(srs_shape(), 7, nullptr);
  const auto h = srs.h();
  constexpr std::size_t kD = PinnedSrs::kDistinctPoints;
  for (std::size_t i = kD; i < h.size(); ++i) ASSERT_EQ(h[i], h[i - kD]) << i;
  // generate_points walks base + i * step: consecutive points differ.
  for (std::size_t i = 1; i < 100; ++i) ASSERT_FALSE(h[i] == h[i - 1]) << i;
  // Sections use distinct seeds.
  EXPECT_FALSE(srs.l()[0] == srs.a()[0]);
  EXPECT_FALSE(srs.a()[0] == srs.b_g1()[0]);
}

TEST(PinnedSrs, DeterministicForASeedWithAnyPool) {
  ThreadPool pool("srs-test", 2);
  const PinnedSrs x = PinnedSrs::build(srs_shape(), 11, nullptr);
  const PinnedSrs y = PinnedSrs::build(srs_shape(), 11, &pool);
  const PinnedSrs z = PinnedSrs::build(srs_shape(), 12, &pool);
  for (std::size_t i = 0; i < x.h().size(); i += 997) ASSERT_EQ(x.h()[i], y.h()[i]) << i;
  for (std::size_t i = 0; i < x.b_g2().size(); ++i) ASSERT_EQ(x.b_g2()[i], y.b_g2()[i]) << i;
  EXPECT_FALSE(x.a()[0] == z.a()[0]);
}

TEST(PinnedSrs, PinnedOrExplained) {
  const PinnedSrs srs = PinnedSrs::build(srs_shape(), 1, nullptr);
  if (srs.pinned()) {
    EXPECT_TRUE(srs.pin_note().empty()) << srs.pin_note();
  } else {
    EXPECT_EQ(srs.pin_note().rfind("mlock: ", 0), 0u) << srs.pin_note();
    EXPECT_NE(srs.pin_note().find("RLIMIT_MEMLOCK"), std::string::npos) << srs.pin_note();
  }
}

// Builds the SRS in a child process under a 64 KiB RLIMIT_MEMLOCK and without CAP_IPC_LOCK (which
// would bypass the limit, as it does for root), and returns {pinned, pin_note}.
std::pair<bool, std::string> build_with_small_memlock() {
  int fds[2];
  if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    ::close(fds[0]);
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2]{};
    if (::syscall(SYS_capget, &hdr, caps) != 0) ::_exit(3);
    caps[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
    if (::syscall(SYS_capset, &hdr, caps) != 0) ::_exit(3);
    rlimit lim{};
    if (::getrlimit(RLIMIT_MEMLOCK, &lim) != 0) ::_exit(3);
    lim.rlim_cur = 64 * 1024;
    if (::setrlimit(RLIMIT_MEMLOCK, &lim) != 0) ::_exit(3);
    const PinnedSrs srs = PinnedSrs::build(srs_shape(), 1, nullptr);
    const std::string& note = srs.pin_note();
    const bool written = ::write(fds[1], note.data(), note.size()) == static_cast<ssize_t>(note.size());
    ::_exit(!written ? 3 : srs.pinned() ? 1 : 0);
  }
  ::close(fds[1]);
  std::string note;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) note.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) throw std::system_error(errno, std::generic_category(), "waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) throw std::runtime_error("SRS child failed: " + note);
  return {WEXITSTATUS(status) == 1, note};
}

// The sanitizers' runtimes intercept mlock and make it a successful no-op.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kMlockIntercepted = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kMlockIntercepted = true;
#else
constexpr bool kMlockIntercepted = false;
#endif
#else
constexpr bool kMlockIntercepted = false;
#endif

TEST(PinnedSrs, RefusedMlockIsANoteNotAnError) {
  if (kMlockIntercepted) GTEST_SKIP() << "mlock is a no-op under the sanitizers";
  const auto [pinned, note] = build_with_small_memlock();
  EXPECT_FALSE(pinned);
  EXPECT_EQ(note.rfind("mlock: " + std::generic_category().message(ENOMEM) + " (RLIMIT_MEMLOCK 64 KiB; SRS H maps", 0),
            0u)
      << note;
}

}  // namespace
}  // namespace zkc::workloads
