// memory.numa: policy parsing, and placement checked from the kernel's side (move_pages for the node a
// page really lives on, get_mempolicy for the policy of the mapping) rather than trusted from mbind's
// return value. Written for any machine: node 0 always exists; a node past the last one never does.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>

#include "workloads/memory/numa_policy.hpp"

namespace zkc::workloads {
namespace {

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// A fresh anonymous mapping, untouched: the state apply_numa_policy expects.
class Mapping {
 public:
  explicit Mapping(std::size_t bytes) : bytes_(bytes) {
    addr_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (addr_ == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
  }
  ~Mapping() { ::munmap(addr_, bytes_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  void* addr() const { return addr_; }
  std::size_t bytes() const { return bytes_; }
  // Writes (not reads: a read maps the shared zero page, which belongs to no node) one byte per page.
  void touch() const {
    auto* p = static_cast<volatile unsigned char*>(addr_);
    for (std::size_t off = 0; off < bytes_; off += page()) p[off] = 1;
  }

 private:
  void* addr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Applies `policy` and skips the test where the machine has no NUMA support at all (the only failure
// that is the machine's, not the code's).
void apply_or_skip(const Mapping& m, const NumaPolicy& policy) {
  const std::string err = apply_numa_policy(m.addr(), m.bytes(), policy);
  if (err == "libnuma: NUMA not available") GTEST_SKIP() << err;
  ASSERT_EQ(err, "") << to_string(policy);
}

TEST(NumaPolicyParse, AcceptedForms) {
  EXPECT_EQ(parse_numa_policy("none"), (NumaPolicy{NumaMode::kNone, 0}));
  EXPECT_EQ(parse_numa_policy("local"), (NumaPolicy{NumaMode::kLocal, 0}));
  EXPECT_EQ(parse_numa_policy("interleave"), (NumaPolicy{NumaMode::kInterleave, 0}));
  EXPECT_EQ(parse_numa_policy("node:0"), (NumaPolicy{NumaMode::kNode, 0}));
  EXPECT_EQ(parse_numa_policy("node:13"), (NumaPolicy{NumaMode::kNode, 13}));
}

TEST(NumaPolicyParse, RoundTripsThroughToString) {
  for (const char* text : {"none", "local", "interleave", "node:0", "node:7"})
    EXPECT_EQ(to_string(parse_numa_policy(text)), text);
}

TEST(NumaPolicyParse, RejectsOtherTextNamingItAndTheForms) {
  for (const char* bad : {"", "Local", "bind", "node", "node:", "node:-1", "node:+1", "node:1x", "node: 1",
                          "node:99999999999", "interleave:0-1", " none"}) {
    try {
      parse_numa_policy(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string("\"") + bad + "\""), std::string::npos) << what;
      EXPECT_NE(what.find("none, local, interleave, node:N"), std::string::npos) << what;
    }
  }
}

TEST(NumaPlacement, NoneLeavesTheDefaultPolicy) {
  const Mapping m(16 * page());
  EXPECT_EQ(apply_numa_policy(m.addr(), m.bytes(), NumaPolicy{}), "");
  EXPECT_EQ(region_policy(m.addr()), "default");
}

TEST(NumaPlacement, BindToNodeZeroPlacesTouchedPagesThere) {
  const Mapping m(64 * page());
  apply_or_skip(m, parse_numa_policy("node:0"));
  if (HasFatalFailure() || IsSkipped()) return;
  EXPECT_EQ(region_policy(m.addr()), "bind 0");
  m.touch();
  for (std::size_t i = 0; i < 64; i += 7) {
    std::string why;
    const auto node = page_node(static_cast<const char*>(m.addr()) + i * page(), &why);
    ASSERT_TRUE(node.has_value()) << "page " << i << ": " << why;
    EXPECT_EQ(*node, 0) << "page " << i;
  }
}

TEST(NumaPlacement, InterleaveIsTheMappingsPolicy) {
  const Mapping m(16 * page());
  apply_or_skip(m, parse_numa_policy("interleave"));
  if (HasFatalFailure() || IsSkipped()) return;
  const std::string policy = region_policy(m.addr());
  EXPECT_EQ(policy.rfind("interleave ", 0), 0u) << policy;
  // Node 0 is allowed on every machine this runs on, so the interleave set names it.
  EXPECT_NE(policy.find('0'), std::string::npos) << policy;
  m.touch();
  EXPECT_TRUE(page_node(m.addr()).has_value());
}

TEST(NumaPlacement, LocalIsTheMappingsPolicy) {
  const Mapping m(16 * page());
  apply_or_skip(m, parse_numa_policy("local"));
  if (HasFatalFailure() || IsSkipped()) return;
  EXPECT_EQ(region_policy(m.addr()), "local");
}

TEST(NumaPlacement, MissingNodeIsNamedWithTheExistingOnes) {
  const Mapping m(16 * page());
  const std::string err = apply_numa_policy(m.addr(), m.bytes(), parse_numa_policy("node:1023"));
  if (err == "libnuma: NUMA not available") GTEST_SKIP() << err;
  EXPECT_EQ(err.rfind("node 1023 does not exist (existing nodes: ", 0), 0u) << err;
  EXPECT_NE(err.find("0"), std::string::npos) << err;
  // Nothing was applied.
  EXPECT_EQ(region_policy(m.addr()), "default");
}

TEST(NumaPlacement, NodeSevenOnAOneNodeMachine) {
  // The brief's example: meaningful where node 7 does not exist (this machine has one node).
  const Mapping m(16 * page());
  const std::string err = apply_numa_policy(m.addr(), m.bytes(), parse_numa_policy("node:7"));
  if (err == "libnuma: NUMA not available") GTEST_SKIP() << err;
  if (err.empty()) GTEST_SKIP() << "this machine has a node 7";
  EXPECT_NE(err.find("node 7"), std::string::npos) << err;
  EXPECT_NE(err.find("existing nodes: 0"), std::string::npos) << err;
}

TEST(NumaPlacement, UntouchedPageHasNoNodeAndAskingDoesNotTouchIt) {
  const Mapping m(4 * page());
  std::string why;
  EXPECT_FALSE(page_node(m.addr(), &why).has_value());
  EXPECT_NE(why.find("not resident"), std::string::npos) << why;
  // Asked twice: still not resident, so the first question did not fault it in.
  EXPECT_FALSE(page_node(m.addr()).has_value());
  m.touch();
  EXPECT_TRUE(page_node(m.addr(), &why).has_value()) << why;
  EXPECT_EQ(why, "");
}

TEST(NumaPlacement, UnalignedAddressAndNothingToDo) {
  const Mapping m(4 * page());
  const std::string err =
      apply_numa_policy(static_cast<char*>(m.addr()) + 8, page(), parse_numa_policy("local"));
  if (err == "libnuma: NUMA not available") GTEST_SKIP() << err;
  EXPECT_NE(err.find("not page-aligned"), std::string::npos) << err;
  EXPECT_EQ(apply_numa_policy(nullptr, 4096, parse_numa_policy("node:0")), "");
  EXPECT_EQ(apply_numa_policy(m.addr(), 0, parse_numa_policy("node:0")), "");
}

TEST(NumaPlacement, UnmappedAddressIsReportedWithErrnoText) {
  void* p = ::mmap(nullptr, page(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ASSERT_EQ(::munmap(p, page()), 0);
  const std::string policy = region_policy(p);
  EXPECT_EQ(policy.rfind("get_mempolicy: EFAULT", 0), 0u) << policy;
  const std::string err = apply_numa_policy(p, page(), parse_numa_policy("local"));
  if (err == "libnuma: NUMA not available") GTEST_SKIP() << err;
  EXPECT_EQ(err.rfind("mbind: EFAULT", 0), 0u) << err;
}

}  // namespace
}  // namespace zkc::workloads
