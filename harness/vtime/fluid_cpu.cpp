#include "harness/vtime/fluid_cpu.hpp"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace zkc::harness::vtime {
namespace {
// A piece this close to its end (in ms at its speed) is finished: float dust, not work.
constexpr double kDoneMs = 1e-9;
}  // namespace

FluidCpu::Id FluidCpu::start(double work, double rate, const CpuDemand& demand, std::function<void()> done) {
  const Id id = next_id_++;
  if (!(work > 0) || !(rate > 0)) {
    loop_.soon(std::move(done));
    return id;
  }
  advance();
  pieces_.emplace(id, Piece{work, rate, 1, demand, std::move(done)});
  reschedule();
  return id;
}

void FluidCpu::reshape(Id id, double rate, const CpuDemand& demand) {
  const auto it = pieces_.find(id);
  if (it == pieces_.end() || !(rate > 0)) return;
  advance();
  it->second.rate = rate;
  it->second.demand = demand;
  reschedule();
}

void FluidCpu::advance() {
  const double dt = loop_.now() - last_;
  last_ = loop_.now();
  if (dt <= 0) return;
  for (auto& [id, p] : pieces_) p.remaining -= dt * p.rate * p.speed;
}

void FluidCpu::reschedule() {
  ++generation_;
  if (pieces_.empty()) return;
  std::vector<CpuDemand> demands;
  demands.reserve(pieces_.size());
  for (const auto& [id, p] : pieces_) demands.push_back(p.demand);
  const std::vector<double> s = speeds(machine_, on_, demands);
  double first = std::numeric_limits<double>::infinity();
  std::size_t i = 0;
  for (auto& [id, p] : pieces_) {
    p.speed = i < s.size() && s[i] > 0 ? s[i] : 1e-9;
    ++i;
    first = std::min(first, std::max(0.0, p.remaining) / (p.rate * p.speed));
  }
  const std::uint64_t g = generation_;
  loop_.at(loop_.now() + first, [this, g] { wake(g); });
}

void FluidCpu::wake(std::uint64_t generation) {
  if (generation != generation_) return;  // the running set changed since: a later wake-up stands
  advance();
  // Below the clock's resolution at this time, a wake-up would land on now again and never advance.
  const double done_ms = std::max(kDoneMs, loop_.now() * 1e-12);
  std::vector<std::function<void()>> finished;
  for (auto it = pieces_.begin(); it != pieces_.end();) {
    if (it->second.remaining / (it->second.rate * it->second.speed) <= done_ms) {
      finished.push_back(std::move(it->second.done));
      it = pieces_.erase(it);
    } else {
      ++it;
    }
  }
  reschedule();
  for (auto& f : finished) f();
}

}  // namespace zkc::harness::vtime
