// Checks of a what-if topology before hwloc sees it. hwloc trusts its input: 100,000 nested objects
// overflow its recursive import (SIGSEGV), a PU os_index of 2^32-1 or a cpuset of 200k words makes it
// abort or crash, pu:1000000 spends minutes in its insertion, and an XML without a NUMA node fails
// with no errno. Each limit is named in the message (std::invalid_argument), and the scans are cheap:
// the synthetic string's product of counts; one pass over the XML's tags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zkc::harness::topology {

inline constexpr std::uint64_t kMaxPus = 8192;            // Linux's largest NR_CPUS
inline constexpr unsigned long kMaxOsIndex = (1UL << 20) - 1;  // as the index lists accept
inline constexpr std::size_t kMaxXmlDepth = 64;           // real exports nest about 15 deep
inline constexpr std::size_t kMaxXmlObjects = 100'000;    // PUs, caches, cores, PCI devices together
inline constexpr std::size_t kMaxCpusetWords = (kMaxOsIndex + 1) / 32;  // 32-bit words of one set
inline constexpr std::uintmax_t kMaxXmlBytes = 64ULL << 20;

// Throws std::invalid_argument naming the description and the limit.
void precheck_synthetic(const std::string& description);
// Throws std::invalid_argument naming the file, the line and the limit.
void precheck_xml(const std::string& path);

inline constexpr int kXmlProbeTimeoutMs = 60'000;
// hwloc crashes on some malformed exports no cheap scan foresees (an object without its cpuset): the
// first load runs in a child process, so a crash is reported (std::invalid_argument naming the signal)
// instead of taking the command down. A load that merely fails is left to the caller's own load.
void probe_xml_load(const std::string& path);

}  // namespace zkc::harness::topology
