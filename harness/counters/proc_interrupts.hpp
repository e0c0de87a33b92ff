// Tier 0 contention counters: /proc/interrupts. Its `TLB` row ("TLB shootdowns" on x86) counts, per
// CPU, the TLB-shootdown IPIs that CPU received: every munmap/mprotect of memory that another CPU of the
// same process may have cached sends them, and storms of them are what the seed studies. The file is
// readable without privileges on any Linux, which is why it is the tier that is always there (arm64
// invalidates by broadcast TLBI instead of IPIs and has no TLB row).
//
// Format: a header of CPU columns ("CPU0 CPU1 ..."; only online CPUs, so the numbers may skip), then one
// row per interrupt source: "<name>:" then one count per CPU, then a free-text description. Some rows
// (x86 "ERR:", "MIS:", arm64 "Err:") carry a single global count and no description.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::harness::counters {

struct InterruptRow {
  std::string name;                   // "TLB", "0", "NMI", "LOC", "IPI0" ... without the colon
  std::vector<std::uint64_t> per_cpu; // in header order; shorter than the header for ERR/MIS-like rows
  std::string description;            // the rest of the line, inner spacing kept ("IO-APIC   2-edge      timer")
};

struct InterruptsTable {
  std::vector<int> cpus;  // CPU numbers from the header (CPU0 CPU1 ...; may skip offline CPUs)
  std::vector<InterruptRow> rows;  // in file order
};

// Parses the text of /proc/interrupts. A row's counts are its leading all-digit fields, at most one per
// header CPU; the description starts at the first other field, so it may contain spaces and digits
// ("IO-APIC 5-edge ACPI:Ged", "GICv3 27 Level arch_timer"). Rows may come in any order and may have fewer
// counts than CPUs. std::runtime_error("<source> line N: ...") for a missing or bad header, a row without
// a "name:", a row with no count, or a count field that starts with a digit but is not a u64
// ("12x", an overflow): those mean the file is not what this parser understands.
InterruptsTable parse_proc_interrupts(std::string_view text, std::string_view source = "/proc/interrupts");

// Reads and parses `path` (std::system_error naming the path and the errno text when it cannot be read;
// parse errors as above, naming `path`).
InterruptsTable read_proc_interrupts(const std::filesystem::path& path = "/proc/interrupts");

// The row called `name` (exact, case-sensitive: arm64 has "Err", x86 "ERR"), or nullptr.
const InterruptRow* find_row(const InterruptsTable& table, std::string_view name);

// Shootdown IPIs received per CPU (the "TLB" row), one entry per header CPU (missing trailing counts
// read as 0); nullopt when the row is absent (arm64, other architectures, very old kernels).
std::optional<std::vector<std::uint64_t>> tlb_shootdowns_per_cpu(const InterruptsTable& table);

// Sum of counts (wraps modulo 2^64 like the counters themselves would; not a practical concern).
std::uint64_t sum(std::span<const std::uint64_t> counts);

}  // namespace zkc::harness::counters
