// PartitionShape: the sizes of one partition of the circuit, scaled from the seed system's full-scale
// numbers by one factor so small profiles keep the real ratios between stages.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zkc::workloads {

// One partition of the real circuit (PoRep C2), as in ../shared/seeds/README.md. Config keys
// workload.full.* override these.
struct FullScaleShape {
  std::uint64_t constraints = 130'278'869;
  std::uint64_t aux = 130'169'893;  // aux (private) variables
  std::uint64_t inputs = 328;       // public inputs, the constant one included; never scaled
  std::uint64_t nnz_a = 309'405'051;
  std::uint64_t nnz_b = 130'327'340;
  std::uint64_t nnz_c = 282'656'500;
  unsigned domain_log2 = 27;
  // SRS sections, in points: H and L (G1, GPU only), A and B_G1 (G1), B_G2 (G2).
  std::uint64_t srs_h = (std::uint64_t{1} << 27) - 1;
  std::uint64_t srs_l = 130'169'893;
  std::uint64_t srs_a = 129'750'000;
  std::uint64_t srs_b_g1 = 33'110'000;
  std::uint64_t srs_b_g2 = 33'110'000;
};

// Scaled sizes. Every count is >= 1; srs_a, srs_b_g1, srs_b_g2 and srs_l are <= aux.
struct PartitionShape {
  std::uint32_t constraints = 0;  // rows of A, B, C; length of a, b, c
  std::uint32_t inputs = 0;
  std::uint32_t aux = 0;
  std::uint64_t nnz_a = 0, nnz_b = 0, nnz_c = 0;
  unsigned domain_log2 = 0;  // >= ceil(log2(constraints))
  std::uint64_t srs_h = 0, srs_l = 0, srs_a = 0, srs_b_g1 = 0, srs_b_g2 = 0;

  std::uint32_t witness_len() const { return inputs + aux; }  // columns of A, B, C
  std::uint64_t domain_size() const { return std::uint64_t{1} << domain_log2; }
};

// Scales every count of `full` but `inputs` by `scale` (in (0, 1]), rounding to nearest and keeping
// each >= 1; the domain is 2^domain_log2 * scale rounded up to a power of two, and at least the next
// power of two >= constraints. Throws std::invalid_argument when scale is out of range, the full
// shape is inconsistent (an SRS section larger than aux, nnz per row above the witness length), or
// a scaled size does not fit the u32 CSR indices.
PartitionShape scale_shape(const FullScaleShape& full, double scale);

// Byte sizes of the large per-partition and shared buffers (what the memory estimate adds up).
struct ShapeBytes {
  std::uint64_t csr_shared;       // A, B, C: u32 row pointers + u32 columns + 32-byte values
  std::uint64_t witness;          // unified witness (inputs + aux) x 32 B
  std::uint64_t aux;              // aux witness x 32 B
  std::uint64_t abc;              // a, b, c: 3 x constraints x 32 B
  std::uint64_t density;          // A and B density bitmaps over aux
  std::uint64_t split_vectors;    // prep_msm output: bitmaps, tail scalars, tail bases (worst case)
  std::uint64_t srs_pinned;       // H + L + A + B_G1 (G1 affine) + B_G2 (G2 affine)
  std::uint64_t gpu_staging;      // pinned staging for a/b/c uploads: 3 x domain x 32 B
};
ShapeBytes shape_bytes(const PartitionShape& shape);

}  // namespace zkc::workloads
