#include "harness/vtime/memory_strategies.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace zkc::harness::vtime {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// A moment in a replay: frees sort before allocations at the same instant (a range given back at t
// can be taken at t), then by the order they were listed.
struct Step {
  double at = 0;
  bool frees = false;
  std::size_t order = 0;
  bool operator<(const Step& o) const {
    return std::tie(at, o.frees, order) < std::tie(o.at, frees, o.order);
  }
};

}  // namespace

std::vector<BufferLife> kept_pages(const std::vector<BufferLife>& lives) {
  std::map<std::string, std::vector<const BufferLife*>> by_item;
  for (const auto& b : lives) {
    if (b.alloc_ms < b.free_ms) by_item[b.what].push_back(&b);
  }
  std::vector<BufferLife> out;
  for (const auto& [what, list] : by_item) {
    std::vector<std::pair<Step, const BufferLife*>> steps;
    for (const BufferLife* b : list) {
      steps.push_back({{b->alloc_ms, false, steps.size()}, b});
      if (b->free_ms < kNever) steps.push_back({{b->free_ms, true, steps.size()}, b});
    }
    std::sort(steps.begin(), steps.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::pair<double, std::uint64_t>> free_list;  // (since, bytes), LIFO
    for (const auto& [step, b] : steps) {
      if (step.frees) {
        free_list.emplace_back(step.at, b->bytes);
      } else if (!free_list.empty()) {
        const auto [since, bytes] = free_list.back();
        free_list.pop_back();
        out.push_back({std::string(item::kKeptPrefix) + what, -1, -1, since, step.at, bytes});
      }
    }
    for (const auto& [since, bytes] : free_list) {
      out.push_back({std::string(item::kKeptPrefix) + what, -1, -1, since, kNever, bytes});
    }
  }
  return out;
}

std::vector<BufferLife> arena_slot_lives(const std::vector<PartitionMoments>& parts, std::uint64_t synthesis_slab,
                                         std::uint64_t gpu_slab) {
  struct Lease {
    const PartitionMoments* m;
    double start, end;
  };
  std::vector<std::pair<Step, std::size_t>> steps;
  std::vector<Lease> leases;
  for (const auto& m : parts) {
    if (!m.synth_start) continue;
    double end = kNever;
    if (m.dealloc_cpp_end && m.dealloc_rust_end) end = std::max(*m.dealloc_cpp_end, *m.dealloc_rust_end);
    const std::size_t i = leases.size();
    leases.push_back({&m, *m.synth_start, end});
    steps.push_back({{*m.synth_start, false, 2 * i}, i});
    if (end < kNever) steps.push_back({{end, true, 2 * i + 1}, i});
  }
  std::sort(steps.begin(), steps.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  struct Slot {
    bool used = false;
    double free_since = 0;
    std::optional<double> gpu_touched;  // when the GPU slab's pages were first touched
  };
  std::vector<Slot> slots;
  std::vector<std::size_t> free_slots;  // LIFO: the slot given back last is leased next
  std::vector<std::size_t> slot_of(leases.size());
  std::vector<BufferLife> out;
  for (const auto& [step, i] : steps) {
    const Lease& l = leases[i];
    if (step.frees) {
      slots[slot_of[i]].free_since = l.end;
      free_slots.push_back(slot_of[i]);
      continue;
    }
    std::size_t s = slots.size();
    if (free_slots.empty()) {
      slots.emplace_back();
    } else {
      s = free_slots.back();
      free_slots.pop_back();
    }
    slot_of[i] = s;
    Slot& slot = slots[s];
    const std::uint64_t kept = synthesis_slab + (slot.gpu_touched ? gpu_slab : 0);
    if (slot.used && slot.free_since < l.start) {
      out.push_back({std::string(item::kArenaFree), -1, -1, slot.free_since, l.start, kept});
    }
    slot.used = true;
    const int proof = l.m->proof, partition = l.m->partition;
    out.push_back({std::string(item::kArenaSynthesis), proof, partition, l.start, l.end, synthesis_slab});
    std::optional<double> gpu_from = slot.gpu_touched ? std::optional(l.start) : l.m->split_touched();
    if (gpu_from && *gpu_from < l.end) {
      out.push_back({std::string(item::kArenaGpu), proof, partition, *gpu_from, l.end, gpu_slab});
      if (!slot.gpu_touched) slot.gpu_touched = gpu_from;
    }
  }
  for (std::size_t s : free_slots) {
    const Slot& slot = slots[s];
    out.push_back({std::string(item::kArenaFree), -1, -1, slot.free_since, kNever,
                   synthesis_slab + (slot.gpu_touched ? gpu_slab : 0)});
  }
  return out;
}

std::vector<PoolOp> derived_pool_ops(const std::vector<PartitionMoments>& parts, std::uint64_t buffer_bytes,
                                     AbcRelease abc_release) {
  std::vector<PoolOp> ops;
  for (const auto& m : parts) {
    if (!m.witness_end) continue;
    const auto release = abc_release == AbcRelease::kGpuWorker ? m.lock_released : m.dealloc_rust_end;
    for (int k = 0; k < 3; ++k) {
      ops.push_back({*m.witness_end, PoolOp::Kind::kCheckout, m.proof, m.partition, buffer_bytes, std::nullopt, 0});
    }
    if (!release) continue;
    for (int k = 0; k < 3; ++k) {
      ops.push_back({*release, PoolOp::Kind::kCheckin, m.proof, m.partition, buffer_bytes, std::nullopt, 0});
    }
  }
  // Checkins first at one instant: a buffer checked in at t can be checked out again at t.
  std::stable_sort(ops.begin(), ops.end(), [](const PoolOp& a, const PoolOp& b) {
    return std::tie(a.at_ms, b.kind) < std::tie(b.at_ms, a.kind);
  });
  return ops;
}

namespace {

struct PoolBuffer {
  std::uint64_t bytes = 0;
  bool checked_out = false;
  double since = 0;  // checked out or free since
  int proof = -1, partition = -1;
  bool gone = false;
};

// The smallest free buffer of at least `bytes`; buffers.size() when none.
std::size_t best_fit(const std::vector<PoolBuffer>& buffers, std::uint64_t bytes) {
  std::size_t best = buffers.size();
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const auto& b = buffers[i];
    if (b.gone || b.checked_out || b.bytes < bytes) continue;
    if (best == buffers.size() || b.bytes < buffers[best].bytes) best = i;
  }
  return best;
}

void shrink(std::vector<PoolBuffer>& buffers, const PoolOp& op, std::vector<BufferLife>& out) {
  std::vector<std::size_t> idle;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    if (!buffers[i].gone && !buffers[i].checked_out) idle.push_back(i);
  }
  std::stable_sort(idle.begin(), idle.end(), [&](auto a, auto b) { return buffers[a].bytes > buffers[b].bytes; });
  // The event's count decides (its bytes are their sum).
  for (std::size_t k = 0; k < idle.size() && k < op.buffers; ++k) {
    PoolBuffer& b = buffers[idle[k]];
    out.push_back({std::string(item::kPoolFree), -1, -1, b.since, op.at_ms, b.bytes});
    b.gone = true;
  }
}

}  // namespace

std::vector<BufferLife> pinned_pool_lives(std::vector<PoolOp> ops) {
  std::vector<PoolBuffer> buffers;
  std::vector<BufferLife> out;
  for (const PoolOp& op : ops) {
    if (op.kind == PoolOp::Kind::kShrink) {
      shrink(buffers, op, out);
      continue;
    }
    if (op.kind == PoolOp::Kind::kCheckout) {
      std::size_t i = op.reuse == false ? buffers.size() : best_fit(buffers, op.bytes);
      if (i == buffers.size()) {
        buffers.push_back({op.bytes, false, op.at_ms, -1, -1, false});
      } else if (buffers[i].since < op.at_ms) {
        out.push_back({std::string(item::kPoolFree), -1, -1, buffers[i].since, op.at_ms, buffers[i].bytes});
      }
      buffers[i] = {buffers[i].bytes, true, op.at_ms, op.proof, op.partition, false};
      continue;
    }
    // Checkin: the partition's checked-out buffer of that size (any of its buffers when none matches).
    auto mine = [&](const PoolBuffer& b) {
      return !b.gone && b.checked_out && b.proof == op.proof && b.partition == op.partition;
    };
    auto it = std::find_if(buffers.begin(), buffers.end(), [&](const PoolBuffer& b) { return mine(b) && b.bytes == op.bytes; });
    if (it == buffers.end()) it = std::find_if(buffers.begin(), buffers.end(), mine);
    if (it == buffers.end()) continue;  // a checkin without its checkout: nothing to account
    out.push_back({std::string(item::kAbcPinned), it->proof, it->partition, it->since, op.at_ms, it->bytes});
    *it = {it->bytes, false, op.at_ms, -1, -1, false};
  }
  for (const auto& b : buffers) {
    if (b.gone) continue;
    if (b.checked_out) {
      out.push_back({std::string(item::kAbcPinned), b.proof, b.partition, b.since, kNever, b.bytes});
    } else {
      out.push_back({std::string(item::kPoolFree), -1, -1, b.since, kNever, b.bytes});
    }
  }
  return out;
}

}  // namespace zkc::harness::vtime
