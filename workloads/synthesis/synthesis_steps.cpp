#include "workloads/synthesis/synthesis_steps.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/spmv/spmv.hpp"

namespace zkc::workloads {
namespace {

// The I3 check as the real SpMV workers run it. Counters are atomic: on_chunk runs on pool workers.
class ThrottleProbe {
 public:
  explicit ThrottleProbe(std::span<const std::atomic<int>* const> flags) : flags_(flags) {}

  void check() {
    checks_.fetch_add(1, std::memory_order_relaxed);
    // Every flag is loaded (no early exit), as a check over gw devices costs gw loads.
    bool any = false;
    for (const std::atomic<int>* f : flags_) any |= f->load(std::memory_order_acquire) > 0;
    if (any) {
      // sched_yield cannot fail on Linux; its result carries no information.
      static_cast<void>(::sched_yield());
      yields_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  std::uint64_t checks() const { return checks_.load(std::memory_order_relaxed); }
  std::uint64_t yields() const { return yields_.load(std::memory_order_relaxed); }

 private:
  std::span<const std::atomic<int>* const> flags_;
  std::atomic<std::uint64_t> checks_{0};
  std::atomic<std::uint64_t> yields_{0};
};

std::uint64_t chunk_count(const CsrMatrix& m, std::size_t chunk_rows) {
  return (std::uint64_t{m.rows} + chunk_rows - 1) / chunk_rows;
}

}  // namespace

void unify_witness(std::span<const Fr> inputs, std::span<const Fr> aux, std::span<Fr> out) {
  if (out.size() != inputs.size() + aux.size()) {
    throw std::invalid_argument(fmt::format("unify_witness: out has {} elements, expected inputs + aux = {} + {}",
                                            out.size(), inputs.size(), aux.size()));
  }
  std::copy(inputs.begin(), inputs.end(), out.begin());
  std::copy(aux.begin(), aux.end(), out.begin() + static_cast<std::ptrdiff_t>(inputs.size()));
}

ProductStats evaluate_products(const SharedPce& pce, std::span<const Fr> w, std::span<Fr> a, std::span<Fr> b,
                               std::span<Fr> c, ThreadPool& pool, const ThrottleCheck& throttle,
                               std::size_t chunk_rows, JobObserver* observer) {
  if (chunk_rows == 0) throw std::invalid_argument("evaluate_products: chunk_rows must be >= 1");
  const bool throttled = !throttle.flags.empty();
  if (throttled && throttle.check_every == 0) {
    throw std::invalid_argument("evaluate_products: ThrottleCheck.check_every must be >= 1");
  }
  if (std::find(throttle.flags.begin(), throttle.flags.end(), nullptr) != throttle.flags.end()) {
    throw std::invalid_argument("evaluate_products: ThrottleCheck.flags holds a null flag");
  }
  ThrottleProbe probe(throttle.flags);
  SpmvOptions opts;
  opts.chunk_rows = chunk_rows;
  opts.observer = observer;
  if (throttled) {
    opts.callback_every = throttle.check_every;
    opts.on_chunk = [&probe](std::size_t) { probe.check(); };
  }
  spmv(pce.a.view(), w, a, pool, opts);
  spmv(pce.b.view(), w, b, pool, opts);
  spmv(pce.c.view(), w, c, pool, opts);

  ProductStats stats;
  stats.chunks = chunk_count(pce.a, chunk_rows) + chunk_count(pce.b, chunk_rows) + chunk_count(pce.c, chunk_rows);
  stats.checks = probe.checks();
  stats.yields = probe.yields();
  return stats;
}

std::size_t density_words(std::uint32_t aux) { return (std::size_t{aux} + 63) / 64; }

namespace {

// Bits floor(k * aux / count) for k in [0, count): distinct since count <= aux.
void fill_density(std::uint32_t aux, std::uint64_t count, std::span<std::uint64_t> bits) {
  std::fill(bits.begin(), bits.end(), 0);
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t var = k * aux / count;  // k < 2^32 and aux < 2^32: no overflow
    bits[var / 64] |= std::uint64_t{1} << (var % 64);
  }
}

void check_density_args(const char* name, std::uint64_t count, std::uint32_t aux, std::size_t span_words) {
  if (count > aux) {
    throw std::invalid_argument(fmt::format("build_density: {} = {} exceeds aux = {}", name, count, aux));
  }
  if (span_words < density_words(aux)) {
    throw std::invalid_argument(fmt::format("build_density: the {} bitmap has {} words, {} needed for {} aux",
                                            name, span_words, density_words(aux), aux));
  }
}

}  // namespace

void build_density(const PartitionShape& shape, std::span<std::uint64_t> a_density,
                   std::span<std::uint64_t> b_density) {
  check_density_args("srs_a", shape.srs_a, shape.aux, a_density.size());
  check_density_args("srs_b_g2", shape.srs_b_g2, shape.aux, b_density.size());
  fill_density(shape.aux, shape.srs_a, a_density);
  fill_density(shape.aux, shape.srs_b_g2, b_density);
}

}  // namespace zkc::workloads
