// CPU work as processor sharing. Each running piece has work left (ms at full speed on the threads
// it was costed for) and a rate (how much of that it does per ms at speed 1: 1 unless its thread
// count changed); whenever the set of running pieces changes, the contention model gives every
// piece its speed and each finish time is computed again. With every contention switch off the
// speeds are 1 and only the schedule decides.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/event_loop.hpp"

namespace zkc::harness::vtime {

class FluidCpu {
 public:
  using Id = std::uint64_t;
  FluidCpu(EventLoop& loop, MachineParams machine, ContentionSwitches on)
      : loop_(loop), machine_(std::move(machine)), on_(on) {}

  // Starts `work` (>= 0) at `rate`; `done` runs when it is finished (at once for no work).
  Id start(double work, double rate, const CpuDemand& demand, std::function<void()> done);
  // A running piece's new rate and demand (a pool stage whose thread count changed); unknown ids
  // (finished pieces) are ignored.
  void reshape(Id id, double rate, const CpuDemand& demand);
  std::size_t running() const { return pieces_.size(); }

 private:
  struct Piece {
    double remaining, rate, speed = 1;
    CpuDemand demand;
    std::function<void()> done;
  };
  void advance();     // every piece's work done since last_
  void reschedule();  // speeds, then one wake-up at the first finish
  void wake(std::uint64_t generation);

  EventLoop& loop_;
  MachineParams machine_;
  ContentionSwitches on_;
  std::map<Id, Piece> pieces_;  // by id: the speeds' order is the start order
  Id next_id_ = 1;
  double last_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace zkc::harness::vtime
