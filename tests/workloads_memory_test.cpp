// HostRegion / HostArray: zero-filled private mappings, idempotent release, move semantics, page
// touching, and mmap failures reported with errno and the buffer's name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

#include "workloads/memory/host_array.hpp"

namespace zkc::workloads {
namespace {

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

TEST(HostArray, StartsZeroFilledAndIsWritable) {
  HostArray<std::uint64_t> arr(10'000, "test array");
  ASSERT_NE(arr.data(), nullptr);
  EXPECT_EQ(arr.size(), 10'000u);
  EXPECT_EQ(arr.bytes(), 80'000u);
  EXPECT_EQ(arr.region().mapped_bytes() % page(), 0u);
  EXPECT_GE(arr.region().mapped_bytes(), arr.bytes());
  EXPECT_LT(arr.region().mapped_bytes(), arr.bytes() + page());
  EXPECT_EQ(arr.region().what(), "test array");
  for (std::size_t i = 0; i < arr.size(); ++i) ASSERT_EQ(arr[i], 0u) << i;
  for (std::size_t i = 0; i < arr.size(); ++i) arr[i] = i * 3;
  EXPECT_EQ(arr.span()[9'999], 29'997u);
}

TEST(HostArray, ZeroBytesMapsNothing) {
  HostRegion r(0, "empty");
  EXPECT_EQ(r.data(), nullptr);
  EXPECT_EQ(r.bytes(), 0u);
  EXPECT_EQ(r.mapped_bytes(), 0u);
  EXPECT_EQ(r.touch_pages(), 0u);
  EXPECT_NO_THROW(r.release());
  HostArray<int> a;
  EXPECT_EQ(a.size(), 0u);
  EXPECT_TRUE(a.span().empty());
}

TEST(HostArray, ReleaseIsIdempotent) {
  HostArray<std::uint32_t> arr(5000, "released");
  arr[4999] = 7;
  arr.release();
  EXPECT_EQ(arr.data(), nullptr);
  EXPECT_EQ(arr.size(), 0u);
  EXPECT_EQ(arr.bytes(), 0u);
  EXPECT_EQ(arr.region().mapped_bytes(), 0u);
  EXPECT_NO_THROW(arr.release());
  EXPECT_EQ(arr.region().touch_pages(), 0u);
}

TEST(HostArray, MoveTransfersTheMapping) {
  HostArray<std::uint64_t> a(1000, "moved");
  a[123] = 456;
  std::uint64_t* const p = a.data();
  HostArray<std::uint64_t> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.size(), 1000u);
  EXPECT_EQ(b[123], 456u);
  EXPECT_EQ(b.region().what(), "moved");

  HostArray<std::uint64_t> c(10, "replaced");
  c = std::move(b);  // unmaps c's old region
  EXPECT_EQ(c.data(), p);
  EXPECT_EQ(c[123], 456u);

  HostRegion r1(100, "r1");
  HostRegion r2(std::move(r1));
  EXPECT_EQ(r1.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(r1.bytes(), 0u);
  EXPECT_EQ(r2.bytes(), 100u);
  r2 = std::move(r2);  // self-move keeps the mapping
  EXPECT_NE(r2.data(), nullptr);
}

TEST(HostArray, TouchPagesReadsEveryPage) {
  HostRegion r(10 * page() + 1, "touched");
  EXPECT_EQ(r.mapped_bytes(), 11 * page());
  EXPECT_EQ(r.touch_pages(), 11u);
  HostRegion one(1, "one byte");
  EXPECT_EQ(one.touch_pages(), 1u);
}

TEST(HostArray, FailedMmapNamesTheBufferAndErrno) {
  try {
    HostArray<std::byte> huge(std::size_t{1} << 62, "huge test buffer");
    FAIL() << "mapping 2^62 bytes should fail";
  } catch (const std::system_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code().value(), ENOMEM) << what;
    EXPECT_NE(what.find("huge test buffer"), std::string::npos) << what;
    EXPECT_NE(what.find("mmap of 4611686018427387904 bytes"), std::string::npos) << what;
    EXPECT_NE(what.find(std::generic_category().message(ENOMEM)), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace zkc::workloads
