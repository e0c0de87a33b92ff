// MemoryBudget: the real prover's memory-budget accounting (curio 7ea7488d, cuzk-core memory.rs), in
// the miniature's bytes. One total; a partition reserves its working set before synthesis and gives
// it back in two steps (a/b/c after prove_start, the rest after prove_finish); acquire blocks while
// the total would be exceeded. Who is granted first when several wait:
//   kOrdered  the first to ask (the one dispatcher asks in queue order: c6fe0be1 on);
//   kRace     a seeded random waiter among those that fit: the engine's stand-in for every synthesis
//             worker racing on a tokio Notify (e924f613, e5c74b7d), reproducible for a seed.
// `held` in every callback is the total reserved after the change, read under the budget's lock, so a
// timeline written from the callbacks shows the budget exactly as it was.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

namespace zkc::harness {

class MemoryBudget {
 public:
  enum class Grant { kOrdered, kRace };
  // Runs under the budget's lock with the bytes reserved after the change.
  using OnChange = std::function<void(std::uint64_t held)>;

  // What one partition holds; releases whatever is left when destroyed (on a failure path).
  class Reservation {
   public:
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation();
    // Gives back min(bytes, remaining()); returns the bytes given back.
    std::uint64_t release(std::uint64_t bytes, const OnChange& on_change = {});
    std::uint64_t remaining() const;

   private:
    friend class MemoryBudget;
    Reservation(MemoryBudget& budget, std::uint64_t bytes) : budget_(budget), remaining_(bytes) {}
    MemoryBudget& budget_;
    std::uint64_t remaining_;  // guarded by the budget's mutex
  };

  // Throws std::invalid_argument when total is 0.
  MemoryBudget(std::uint64_t total, Grant grant, std::uint64_t seed);

  // Blocks until `bytes` fit (a request larger than the total is refused with std::invalid_argument:
  // it would wait forever); nullptr once cancelled.
  std::unique_ptr<Reservation> acquire(std::uint64_t bytes, const OnChange& on_grant = {});
  void cancel();  // wakes every waiter (a failed run)

  std::uint64_t total() const { return total_; }
  std::uint64_t held() const;
  std::uint64_t peak() const;  // the most ever held at once

 private:
  struct Waiter {
    std::uint64_t bytes = 0;
    bool granted = false;
    const OnChange* on_grant = nullptr;
  };
  void give_back(std::uint64_t bytes, const OnChange& on_change);  // lock held by the caller
  void grant_waiters();                                            // lock held by the caller
  void take(Waiter& w);                                            // lock held by the caller

  const std::uint64_t total_;
  const Grant grant_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Waiter*> waiters_;  // in arrival order
  std::mt19937_64 rng_;
  std::uint64_t held_ = 0, peak_ = 0;
  bool cancelled_ = false;
};

}  // namespace zkc::harness
