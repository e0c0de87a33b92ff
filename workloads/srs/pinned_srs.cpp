#include "workloads/srs/pinned_srs.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

#include "kernels/curve/point_gen.hpp"
#include "kernels/random/splitmix.hpp"

namespace zkc::workloads {
namespace {

// Distinct seeds per section, so H, L, A and B_G1 do not hold the same points.
std::uint64_t section_seed(std::uint64_t seed, std::uint64_t section) { return derive_seed(seed, section); }

// Fills `out` with min(n, kDistinctPoints) distinct points repeated: the copy moves the same bytes
// a real SRS load would, without the cost of generating every point.
template <class P>
void fill_section(std::span<AffinePoint<P>> out, std::uint64_t seed, ThreadPool* pool) {
  if (out.empty()) return;
  const std::size_t distinct = std::min(out.size(), PinnedSrs::kDistinctPoints);
  const std::vector<AffinePoint<P>> pts = generate_points<P>(distinct, seed, pool);
  const std::size_t tiles = (out.size() + distinct - 1) / distinct;
  auto copy_tiles = [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const std::size_t first = t * distinct;
      const std::size_t n = std::min(distinct, out.size() - first);
      std::copy_n(pts.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(first));
    }
  };
  if (pool != nullptr && pool->size() > 1 && tiles > 1) {
    pool->parallel_for(tiles, 1, copy_tiles);
  } else {
    copy_tiles(0, tiles);
  }
}

std::string format_limit(rlim_t v) {
  if (v == RLIM_INFINITY) return "unlimited";
  constexpr rlim_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
  if (v >= kGiB && v % kGiB == 0) return fmt::format("{} GiB", v / kGiB);
  if (v >= kMiB && v % kMiB == 0) return fmt::format("{} MiB", v / kMiB);
  if (v >= kKiB && v % kKiB == 0) return fmt::format("{} KiB", v / kKiB);
  return fmt::format("{} bytes", v);
}

std::string memlock_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_MEMLOCK, &lim) != 0) {
    return fmt::format("RLIMIT_MEMLOCK unknown: getrlimit: {}", std::generic_category().message(errno));
  }
  return fmt::format("RLIMIT_MEMLOCK {}", format_limit(lim.rlim_cur));
}

}  // namespace

PinnedSrs PinnedSrs::build(const PartitionShape& shape, std::uint64_t seed, ThreadPool* pool) {
  PinnedSrs srs;
  srs.h_ = HostArray<G1Affine>(shape.srs_h, "SRS H");
  srs.l_ = HostArray<G1Affine>(shape.srs_l, "SRS L");
  srs.a_ = HostArray<G1Affine>(shape.srs_a, "SRS A");
  srs.b_g1_ = HostArray<G1Affine>(shape.srs_b_g1, "SRS B_G1");
  srs.b_g2_ = HostArray<G2Affine>(shape.srs_b_g2, "SRS B_G2");
  fill_section<G1Params>(srs.h_.span(), section_seed(seed, 0), pool);
  fill_section<G1Params>(srs.l_.span(), section_seed(seed, 1), pool);
  fill_section<G1Params>(srs.a_.span(), section_seed(seed, 2), pool);
  fill_section<G1Params>(srs.b_g1_.span(), section_seed(seed, 3), pool);
  fill_section<G2Params>(srs.b_g2_.span(), section_seed(seed, 4), pool);

  // All or nothing: a partly pinned SRS would make pinned() ambiguous. munmap unlocks what was
  // locked, so undoing a partial pin only matters while the SRS lives.
  const HostRegion* regions[] = {&srs.h_.region(), &srs.l_.region(), &srs.a_.region(), &srs.b_g1_.region(),
                                 &srs.b_g2_.region()};
  std::size_t locked = 0;
  for (const HostRegion* r : regions) {
    if (r->data() != nullptr && ::mlock(r->data(), r->mapped_bytes()) != 0) {
      const int err = errno;
      srs.pin_note_ = fmt::format("mlock: {} ({}; {} maps {} bytes)", std::generic_category().message(err),
                                  memlock_limit(), r->what(), r->mapped_bytes());
      for (std::size_t i = 0; i < locked; ++i) {
        if (::munlock(regions[i]->data(), regions[i]->mapped_bytes()) != 0) {
          srs.pin_note_ += fmt::format("; munlock of {}: {}", regions[i]->what(),
                                       std::generic_category().message(errno));
        }
      }
      srs.pinned_ = false;
      return srs;
    }
    ++locked;
  }
  srs.pinned_ = true;
  return srs;
}

std::span<const G1Affine> PinnedSrs::h() const { return h_.span(); }
std::span<const G1Affine> PinnedSrs::l() const { return l_.span(); }
std::span<const G1Affine> PinnedSrs::a() const { return a_.span(); }
std::span<const G1Affine> PinnedSrs::b_g1() const { return b_g1_.span(); }
std::span<const G2Affine> PinnedSrs::b_g2() const { return b_g2_.span(); }

std::uint64_t PinnedSrs::bytes() const {
  return h_.bytes() + l_.bytes() + a_.bytes() + b_g1_.bytes() + b_g2_.bytes();
}

}  // namespace zkc::workloads
