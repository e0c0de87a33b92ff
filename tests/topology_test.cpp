// Topology discovery (hwloc), pin plans and thread binding: plans on synthetic topologies (the seed's
// 7995WX, a 2-socket machine, this machine) give the expected CPU sets; real binding on this machine
// puts the thread on the requested PU (sched_getcpu); binding on a what-if topology is reported as
// simulated and leaves the thread's affinity alone; invalid specs are errors naming them.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/topology/pin_plan.hpp"
#include "harness/topology/topology.hpp"
#include "tests/support/run_binary.hpp"

namespace {

namespace ht = zkc::harness::topology;

// The description shipped in configs/topologies/tr7995wx.txt (last line), checked against it below.
constexpr const char* kTr7995wx = "package:1 l3:12(size=32MiB) core:8 pu:2(indexes=core)";
constexpr const char* kTwoSocket = "pack:2 numa:1 l3:2 core:4 pu:2";

std::string source_path(const std::string& rel) { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }

std::vector<unsigned> range(unsigned first, unsigned last) {
  std::vector<unsigned> v(last - first + 1);
  std::iota(v.begin(), v.end(), first);
  return v;
}

std::vector<unsigned> join(std::vector<unsigned> a, const std::vector<unsigned>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

// The PUs of 7995WX CCDs [first, last]: cores 8k..8k+7 and their siblings +96.
std::vector<unsigned> ccds(unsigned first, unsigned last) {
  return join(range(8 * first, 8 * last + 7), range(96 + 8 * first, 96 + 8 * last + 7));
}

const ht::PoolPlan& pool(const std::vector<ht::PoolPlan>& plan, ht::PoolKind kind) {
  for (const auto& p : plan) {
    if (p.kind == kind) return p;
  }
  throw std::logic_error(std::string("no plan for pool ") + ht::pool_key(kind));
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

std::string resolve_error(const ht::TopologyInfo& info, const std::string& spec) {
  return error_of([&] { ht::resolve_spec(info, spec); });
}

cpu_set_t current_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof(set), &set), 0) << "sched_getaffinity failed";
  return set;
}

const ht::Topology& tr7995wx() {
  static const ht::Topology topo = ht::Topology::load({kTr7995wx, ""});
  return topo;
}

// --- index lists ----------------------------------------------------------------------------------

TEST(IndexList, ParsesAndFormatsRoundTrip) {
  EXPECT_EQ(ht::parse_index_list("0-3,8,10-11"), (std::vector<unsigned>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(ht::format_index_list({0, 1, 2, 3, 8}), "0-3,8");
  EXPECT_EQ(ht::format_index_list({}), "");
  EXPECT_EQ(ht::format_index_list({5}), "5");
  EXPECT_EQ(ht::format_index_list({9, 8, 8, 1}), "1,8-9");  // sorted, duplicates dropped
  EXPECT_EQ(ht::parse_index_list("8,0-3,2"), (std::vector<unsigned>{0, 1, 2, 3, 8}));
  for (const char* text : {"0", "0-191", "0-7,96-103", "1,3,5-6,100"}) {
    EXPECT_EQ(ht::format_index_list(ht::parse_index_list(text)), text);
  }
  const std::vector<unsigned> odd = {0, 2, 3, 4, 9, 11, 12, 13, 14, 200};
  EXPECT_EQ(ht::parse_index_list(ht::format_index_list(odd)), odd);
}

TEST(IndexList, RejectsMalformedTextNamingIt) {
  for (const char* bad : {"", "a", "3-1", "1,", "1-", "-1", " 1", "1;2", "0x3", "99999999"}) {
    const std::string msg = error_of([&] { ht::parse_index_list(bad); });
    EXPECT_NE(msg.find(std::string("\"") + bad + "\""), std::string::npos) << bad << ": " << msg;
    EXPECT_NE(msg.find("accepted"), std::string::npos) << bad << ": " << msg;
  }
  EXPECT_NE(error_of([] { ht::parse_index_list("3-1"); }).find("backwards"), std::string::npos);
}

// --- discovery ------------------------------------------------------------------------------------

TEST(Topology, Tr7995wxSyntheticNumbersSiblingsAsLinux) {
  const ht::TopologyInfo& info = tr7995wx().info();
  EXPECT_EQ(info.source, std::string("synthetic: ") + kTr7995wx);
  EXPECT_FALSE(info.is_this_system);
  EXPECT_FALSE(tr7995wx().can_bind());
  EXPECT_EQ(info.pus, 192U);
  EXPECT_EQ(info.cores, 96U);
  EXPECT_EQ(info.numa_nodes, 1U);
  ASSERT_EQ(info.l3.size(), 12U);
  for (unsigned k = 0; k < 12; ++k) {
    EXPECT_EQ(info.l3[k].index, k);
    EXPECT_EQ(info.l3[k].size_bytes, 32ULL << 20);
    EXPECT_EQ(info.l3[k].pus, ccds(k, k)) << "CCD " << k;
    EXPECT_EQ(info.l3[k].numa_nodes, std::vector<unsigned>{0});
  }
  ASSERT_EQ(info.cores_pus.size(), 96U);
  for (unsigned n = 0; n < 96; ++n) EXPECT_EQ(info.cores_pus[n], (std::vector<unsigned>{n, n + 96})) << "core " << n;
}

TEST(Topology, ShippedFilesDescribeTheSameMachine) {
  // The .txt's last line is the description this test uses.
  std::ifstream txt(source_path("configs/topologies/tr7995wx.txt"));
  ASSERT_TRUE(txt) << "configs/topologies/tr7995wx.txt is missing";
  std::string line, last;
  while (std::getline(txt, line)) {
    if (!line.empty() && line[0] != '#') last = line;
  }
  EXPECT_EQ(last, kTr7995wx);

  const ht::Topology xml = ht::Topology::load({"", source_path("configs/topologies/tr7995wx.xml")});
  const ht::TopologyInfo& a = xml.info();
  const ht::TopologyInfo& b = tr7995wx().info();
  EXPECT_EQ(a.source, "xml: " + source_path("configs/topologies/tr7995wx.xml"));
  EXPECT_FALSE(a.is_this_system);
  EXPECT_FALSE(xml.can_bind());
  EXPECT_EQ(a.pus, b.pus);
  EXPECT_EQ(a.cores, b.cores);
  EXPECT_EQ(a.numa_nodes, b.numa_nodes);
  EXPECT_EQ(a.cores_pus, b.cores_pus);
  ASSERT_EQ(a.l3.size(), b.l3.size());
  for (std::size_t k = 0; k < a.l3.size(); ++k) {
    EXPECT_EQ(a.l3[k].pus, b.l3[k].pus);
    EXPECT_EQ(a.l3[k].size_bytes, b.l3[k].size_bytes);
    EXPECT_EQ(a.l3[k].numa_nodes, b.l3[k].numa_nodes);
  }
}

TEST(Topology, TwoSocketSyntheticHasOneNumaNodePerPackage) {
  const ht::Topology topo = ht::Topology::load({kTwoSocket, ""});
  const ht::TopologyInfo& info = topo.info();
  EXPECT_EQ(info.pus, 32U);
  EXPECT_EQ(info.cores, 16U);
  EXPECT_EQ(info.numa_nodes, 2U);
  ASSERT_EQ(info.l3.size(), 4U);
  for (unsigned k = 0; k < 4; ++k) {
    EXPECT_EQ(info.l3[k].pus, range(8 * k, 8 * k + 7));  // hwloc's default numbering: depth first
    EXPECT_EQ(info.l3[k].numa_nodes, std::vector<unsigned>{k / 2}) << "L3 " << k;
  }
  EXPECT_EQ(info.cores_pus[3], (std::vector<unsigned>{6, 7}));
}

TEST(Topology, ThisMachineIsDiscovered) {
  const ht::Topology topo = ht::Topology::load({});
  const ht::TopologyInfo& info = topo.info();
  EXPECT_EQ(info.source, "this machine");
  EXPECT_TRUE(info.is_this_system);
  ASSERT_FALSE(info.l3.empty());
  EXPECT_GE(info.pus, 1U);
  EXPECT_GE(info.numa_nodes, 1U);
  // Every PU is in exactly one L3 domain and one core.
  std::vector<unsigned> in_l3, in_cores;
  for (const auto& d : info.l3) in_l3.insert(in_l3.end(), d.pus.begin(), d.pus.end());
  for (const auto& c : info.cores_pus) in_cores.insert(in_cores.end(), c.begin(), c.end());
  std::sort(in_l3.begin(), in_l3.end());
  std::sort(in_cores.begin(), in_cores.end());
  EXPECT_EQ(in_l3.size(), info.pus);
  EXPECT_EQ(in_l3, in_cores);
  EXPECT_TRUE(std::adjacent_find(in_l3.begin(), in_l3.end()) == in_l3.end()) << "a PU in two L3 domains";
  // hwloc lists the PUs this process may use; each must be a CPU the kernel knows.
  for (const unsigned pu : in_l3) EXPECT_LT(pu, static_cast<unsigned>(CPU_SETSIZE));
}

TEST(Topology, BadSourcesAreErrorsNamingThem) {
  const std::string bad_desc = error_of([] { ht::Topology::load({"pack:1 bogus:2 pu:2", ""}); });
  EXPECT_NE(bad_desc.find("\"pack:1 bogus:2 pu:2\""), std::string::npos) << bad_desc;
  EXPECT_NE(bad_desc.find("Invalid argument"), std::string::npos) << bad_desc;

  const std::string missing = error_of([] { ht::Topology::load({"", "/nonexistent/topo.xml"}); });
  EXPECT_NE(missing.find("/nonexistent/topo.xml"), std::string::npos) << missing;

  const auto garbage = std::filesystem::temp_directory_path() / ("zkc-topo-" + std::to_string(getpid()) + ".xml");
  { std::ofstream(garbage) << "<not-a-topology/>\n"; }
  const std::string bad_xml = error_of([&] { ht::Topology::load({"", garbage.string()}); });
  std::filesystem::remove(garbage);
  EXPECT_NE(bad_xml.find(garbage.string()), std::string::npos) << bad_xml;

  const std::string both = error_of([] { ht::Topology::load({kTr7995wx, "x.xml"}); });
  EXPECT_NE(both.find("at most one"), std::string::npos) << both;
}

// --- plans ----------------------------------------------------------------------------------------

TEST(PinPlan, Tr7995wxSplitPutsGroth16OnTheLastTwoCcds) {
  ht::PinningConfig cfg;
  cfg.policy = "split";
  cfg.synthesis_threads = 160;
  cfg.groth16_threads = 32;
  const auto plan = ht::plan_pinning(tr7995wx().info(), cfg);
  ASSERT_EQ(plan.size(), ht::all_pools().size());
  const auto synth = pool(plan, ht::PoolKind::kSynthesis);
  EXPECT_EQ(synth.pus.size(), 160U);  // 10 CCDs with their SMT siblings
  EXPECT_EQ(synth.pus, ccds(0, 9));
  EXPECT_EQ(ht::format_index_list(synth.pus), "0-79,96-175");
  EXPECT_EQ(synth.how, "policy split: l3:0-9");
  const auto g = pool(plan, ht::PoolKind::kGroth16);
  EXPECT_EQ(g.pus, ccds(10, 11));
  EXPECT_EQ(ht::format_index_list(g.pus), "80-95,176-191");
  EXPECT_EQ(g.how, "policy split: l3:10-11");
  for (const auto kind : {ht::PoolKind::kPrep, ht::PoolKind::kGpuWorkers, ht::PoolKind::kDealloc}) {
    EXPECT_EQ(pool(plan, kind).pus, synth.pus) << ht::pool_key(kind);
  }
}

TEST(PinPlan, Tr7995wxCompactFillsLeadingCcds) {
  ht::PinningConfig cfg;
  cfg.policy = "compact";
  cfg.synthesis_threads = 16;  // one CCD's 16 PUs
  cfg.groth16_threads = 32;    // the next two
  auto plan = ht::plan_pinning(tr7995wx().info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus, ccds(0, 0));
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).how, "policy compact: l3:0");
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).pus, ccds(1, 2));
  EXPECT_EQ(pool(plan, ht::PoolKind::kDealloc).pus, ccds(0, 0));

  cfg.synthesis_threads = 17;  // one more than a CCD holds
  plan = ht::plan_pinning(tr7995wx().info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus, ccds(0, 1));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).pus, ccds(2, 3));

  cfg.synthesis_threads = 176;  // 11 CCDs: groth16 wraps around to CCD 0 after the last one
  plan = ht::plan_pinning(tr7995wx().info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus, ccds(0, 10));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).pus, join(ccds(11, 11), ccds(0, 0)));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).how, "policy compact: l3:0,11");

  cfg.synthesis_threads = 1000;  // more than the machine: every domain
  plan = ht::plan_pinning(tr7995wx().info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus.size(), 192U);
}

TEST(PinPlan, NoneIsUnboundAndScatterIsEverywhere) {
  ht::PinningConfig cfg;
  for (const auto& p : ht::plan_pinning(tr7995wx().info(), cfg)) {
    EXPECT_TRUE(p.pus.empty()) << ht::pool_key(p.kind);
    EXPECT_EQ(p.how, "unbound");
  }
  cfg.policy = "scatter";
  for (const auto& p : ht::plan_pinning(tr7995wx().info(), cfg)) {
    EXPECT_EQ(p.pus, range(0, 191)) << ht::pool_key(p.kind);
    EXPECT_EQ(p.how, "policy scatter: l3:0-11");
  }
  cfg.policy = "spread";
  EXPECT_NE(error_of([&] { ht::plan_pinning(tr7995wx().info(), cfg); }).find("\"spread\""), std::string::npos);
}

TEST(PinPlan, ExplicitSpecsOverrideThePolicy) {
  ht::PinningConfig cfg;
  cfg.policy = "none";
  cfg.explicit_spec[ht::PoolKind::kSynthesis] = "pu:0-7,96-103";
  cfg.explicit_spec[ht::PoolKind::kGroth16] = "l3:10-11";
  cfg.explicit_spec[ht::PoolKind::kPrep] = "";  // empty = the policy's
  const auto plan = ht::plan_pinning(tr7995wx().info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus, ccds(0, 0));
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).how, "pinning.synthesis = \"pu:0-7,96-103\"");
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).pus, ccds(10, 11));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).how, "pinning.groth16 = \"l3:10-11\"");
  EXPECT_TRUE(pool(plan, ht::PoolKind::kPrep).pus.empty());
  EXPECT_EQ(pool(plan, ht::PoolKind::kPrep).how, "unbound");
}

TEST(PinPlan, TwoSocketSplitGivesGroth16TheLastDomain) {
  const ht::Topology topo = ht::Topology::load({kTwoSocket, ""});
  ht::PinningConfig cfg;
  cfg.policy = "split";  // 4 domains: g = max(1, 4 / 6) = 1
  const auto plan = ht::plan_pinning(topo.info(), cfg);
  EXPECT_EQ(pool(plan, ht::PoolKind::kSynthesis).pus, range(0, 23));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).pus, range(24, 31));
  EXPECT_EQ(pool(plan, ht::PoolKind::kGroth16).how, "policy split: l3:3");
  EXPECT_EQ(ht::resolve_spec(topo.info(), "l3:1-2"), range(8, 23));  // across the socket boundary
}

TEST(PinPlan, ThisMachinePlansCoverItsPus) {
  const ht::Topology topo = ht::Topology::load({});
  const ht::TopologyInfo& info = topo.info();
  std::vector<unsigned> all;
  for (const auto& d : info.l3) all.insert(all.end(), d.pus.begin(), d.pus.end());
  std::sort(all.begin(), all.end());
  ht::PinningConfig cfg;
  cfg.policy = "scatter";
  for (const auto& p : ht::plan_pinning(info, cfg)) EXPECT_EQ(p.pus, all);
  cfg.policy = "split";
  const auto plan = ht::plan_pinning(info, cfg);
  const auto& synth = pool(plan, ht::PoolKind::kSynthesis).pus;
  const auto& g = pool(plan, ht::PoolKind::kGroth16).pus;
  if (info.l3.size() == 1) {
    EXPECT_EQ(synth, all);  // one domain: every pool shares it
    EXPECT_EQ(g, all);
  } else {
    EXPECT_EQ(join(synth, g), all);  // disjoint halves of the machine
  }
  EXPECT_EQ(ht::resolve_spec(info, "pu:" + std::to_string(all.front())), std::vector<unsigned>{all.front()});
}

TEST(PinPlan, InvalidSpecsNameTheSpecAndWhatIsAccepted) {
  const ht::TopologyInfo& info = tr7995wx().info();
  const std::string out_of_range = resolve_error(info, "l3:12");
  EXPECT_NE(out_of_range.find("\"l3:12\""), std::string::npos) << out_of_range;
  EXPECT_NE(out_of_range.find("L3 domain 12 does not exist (this topology has 0-11)"), std::string::npos)
      << out_of_range;

  const std::string prefix = resolve_error(info, "cpu:1");
  EXPECT_NE(prefix.find("\"cpu:1\""), std::string::npos) << prefix;
  EXPECT_NE(prefix.find("unknown prefix \"cpu\""), std::string::npos) << prefix;
  EXPECT_NE(prefix.find("\"l3:<list>\""), std::string::npos) << prefix;
  EXPECT_NE(prefix.find("\"pu:<list>\""), std::string::npos) << prefix;
  EXPECT_NE(prefix.find("0-191"), std::string::npos) << prefix;

  const std::string empty = resolve_error(info, "pu:");
  EXPECT_NE(empty.find("\"pu:\""), std::string::npos) << empty;
  EXPECT_NE(empty.find("empty list"), std::string::npos) << empty;

  const std::string syntax = resolve_error(info, "l3:a-b");
  EXPECT_NE(syntax.find("\"l3:a-b\""), std::string::npos) << syntax;
  EXPECT_NE(syntax.find("expected a number"), std::string::npos) << syntax;

  const std::string pu = resolve_error(info, "pu:190-193");
  EXPECT_NE(pu.find("PUs 192-193 do not exist (this topology has PUs 0-191)"), std::string::npos) << pu;

  const std::string no_prefix = resolve_error(info, "0-3");
  EXPECT_NE(no_prefix.find("no \"l3:\" or \"pu:\" prefix"), std::string::npos) << no_prefix;

  // Through a plan, the key comes first: the message of the header's example, word for word.
  ht::PinningConfig cfg;
  cfg.explicit_spec[ht::PoolKind::kGroth16] = "l3:10-13";
  EXPECT_EQ(error_of([&] { ht::plan_pinning(info, cfg); }),
            "pinning.groth16 = \"l3:10-13\": L3 domains 12-13 do not exist (this topology has 0-11)");
}

// --- binding --------------------------------------------------------------------------------------

TEST(Binding, RealBindingPinsTheThreadToTheRequestedPu) {
  const ht::Topology topo = ht::Topology::load({});
  if (!topo.can_bind()) GTEST_SKIP() << "hwloc cannot bind threads here: " << topo.bind_current_thread({0});
  std::vector<unsigned> pus;
  for (const auto& d : topo.info().l3) pus.insert(pus.end(), d.pus.begin(), d.pus.end());
  std::sort(pus.begin(), pus.end());
  // PU 1 then PU 0 (the second and first PUs hwloc lists), each from a fresh thread so the test's own
  // affinity stays as it was.
  std::vector<unsigned> targets = {pus.size() > 1 ? pus[1] : pus[0], pus[0]};
  for (const unsigned target : targets) {
    std::string why = "(not run)";
    int cpu = -1;
    cpu_set_t after;
    CPU_ZERO(&after);
    std::thread t([&] {
      why = topo.bind_current_thread({target});
      // The kernel moves the thread on its way out of sched_setaffinity; yield once more anyway so
      // a sample taken right after cannot see the old CPU.
      sched_yield();
      cpu = sched_getcpu();
      after = current_affinity();
    });
    t.join();
    EXPECT_EQ(why, "") << "binding to PU " << target;
    EXPECT_EQ(cpu, static_cast<int>(target)) << "sched_getcpu after binding to PU " << target;
    EXPECT_EQ(CPU_COUNT(&after), 1);
    EXPECT_TRUE(CPU_ISSET(target, &after));
  }
  // A PU the machine does not have is refused with a reason, and nothing is bound.
  std::string why;
  std::thread t([&] { why = topo.bind_current_thread({100000}); });
  t.join();
  EXPECT_NE(why.find("100000"), std::string::npos) << why;
}

TEST(Binding, WhatIfTopologiesReportSimulatedAndLeaveAffinityAlone) {
  const ht::Topology xml = ht::Topology::load({"", source_path("configs/topologies/tr7995wx.xml")});
  for (const ht::Topology* topo : {&tr7995wx(), &xml}) {
    std::string why;
    bool unchanged = false;
    std::thread t([&] {
      const cpu_set_t before = current_affinity();
      why = topo->bind_current_thread({0});  // PU 0 exists on the 7995WX and on this machine
      const cpu_set_t after = current_affinity();
      unchanged = CPU_EQUAL(&before, &after) != 0;
    });
    t.join();
    EXPECT_NE(why.find("simulated"), std::string::npos) << topo->info().source << ": " << why;
    EXPECT_TRUE(unchanged) << topo->info().source << ": the thread's affinity changed";
  }
  EXPECT_EQ(tr7995wx().bind_current_thread({0}), "simulated (synthetic topology)");
  EXPECT_EQ(xml.bind_current_thread({0}), "simulated (XML topology)");
}

// --- zkcontend topo -------------------------------------------------------------------------------

TEST(TopoCommand, PrintsDomainsSiblingsAndThePlan) {
  const auto r = zkc::test_support::run_zkcontend("topo --xml " + source_path("configs/topologies/tr7995wx.xml") +
                                                  " --policy split --set pinning.prep=pu:0-7,96-103");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* part : {"simulated (XML topology)", "192 PUs, 96 cores, 1 NUMA node, 12 L3 domains", "32 MiB",
                           "88-95,184-191", "96 cores x 2 PUs (siblings 0+96, 1+97, 2+98, ...)",
                           "0-79,96-175", "policy split: l3:0-9", "80-95,176-191", "policy split: l3:10-11",
                           "pinning.prep = \"pu:0-7,96-103\""}) {
    EXPECT_NE(r.output.find(part), std::string::npos) << "missing \"" << part << "\" in:\n" << r.output;
  }
}

TEST(TopoCommand, ThisMachineAndBadInput) {
  const auto here = zkc::test_support::run_zkcontend("topo");
  ASSERT_EQ(here.exit_code, 0) << here.output;
  EXPECT_NE(here.output.find("this machine"), std::string::npos) << here.output;
  EXPECT_NE(here.output.find("pin plan: policy none"), std::string::npos) << here.output;

  const auto bad_spec = zkc::test_support::run_zkcontend("topo --synthetic '" + std::string(kTr7995wx) +
                                                         "' --set pinning.groth16=l3:12");
  EXPECT_EQ(bad_spec.exit_code, 2) << bad_spec.output;
  EXPECT_NE(bad_spec.output.find("l3:12"), std::string::npos) << bad_spec.output;
  EXPECT_NE(bad_spec.output.find("0-11"), std::string::npos) << bad_spec.output;

  const auto bad_desc = zkc::test_support::run_zkcontend("topo --synthetic 'pack:1 bogus:2'");
  EXPECT_EQ(bad_desc.exit_code, 2) << bad_desc.output;
  EXPECT_NE(bad_desc.output.find("bogus"), std::string::npos) << bad_desc.output;
}

}  // namespace
