// DeviceNttDomain and the device NTTs (cuda_kernels.hpp): host tables from ntt_tables.hpp, kernels
// from ntt_kernels.cu in the order ntt_body.cuh describes.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/cuda_kernels.hpp"
#include "kernels/cuda/dev_convert.hpp"
#include "kernels/cuda/kernel_launch.hpp"
#include "kernels/cuda/ntt_tables.hpp"

namespace zkc::cuda {
namespace {

// Entries of a PowerTable over exponents below 2^bits (build_power_table's split).
std::size_t power_table_entries(unsigned bits) {
  const unsigned lo = (bits + 1) / 2;
  return (std::size_t{1} << lo) + (std::size_t{1} << (bits - lo));
}

std::size_t table_entries(unsigned log_n) {
  const std::size_t stages = std::min<std::size_t>(std::size_t{1} << log_n, std::size_t{1} << dev::kNttBlockLog);
  const unsigned log_top = log_n == 0 ? 0 : log_n - 1;
  return 2 * stages + 2 * power_table_entries(log_top) + 2 * power_table_entries(log_n);
}

dev::FrDev* dev_ptr(Fr* p) { return reinterpret_cast<dev::FrDev*>(p); }
const dev::FrDev* dev_ptr(const Fr* p) { return reinterpret_cast<const dev::FrDev*>(p); }

dev::PowerTableDev power_table(const Fr* lo, const Fr* hi, unsigned lo_bits) {
  return {dev_ptr(lo), dev_ptr(hi), lo_bits};
}

void require_data(const Fr* d_data, const char* what) {
  if (d_data == nullptr) throw std::invalid_argument(std::string(what) + ": device data is null");
}

// Bit reverse, the shared-memory stages, then one launch per remaining stage.
void transform(const DeviceNttDomain& domain, Fr* d_data, bool inverse, const Stream& stream) {
  const auto& t = domain.tables();
  const unsigned log_n = domain.log_size();
  dev::FrDev* a = dev_ptr(d_data);
  check(launch::ntt_bit_reverse(a, log_n, stream.handle()), "ntt_bit_reverse kernel launch");
  check(launch::ntt_block_stages(a, log_n, dev_ptr(inverse ? t.inverse_stages : t.forward_stages), stream.handle()),
        "ntt_block_stages kernel launch");
  const dev::PowerTableDev top = inverse ? power_table(t.inverse_top_lo, t.inverse_top_hi, t.top_lo_bits)
                                         : power_table(t.forward_top_lo, t.forward_top_hi, t.top_lo_bits);
  for (unsigned log_h = std::min(log_n, dev::kNttBlockLog); log_h < log_n; ++log_h) {
    check(launch::ntt_global_stage(a, log_n, log_h, top, stream.handle()), "ntt_global_stage kernel launch");
  }
}

void scale(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream) {
  check(launch::fr_scale(dev_ptr(d_data), domain.size(), to_dev(domain.size_inverse()), stream.handle()),
        "fr_scale kernel launch");
}

void scale_by_powers(const DeviceNttDomain& domain, Fr* d_data, bool inverse, const Stream& stream) {
  const auto& t = domain.tables();
  const dev::PowerTableDev p = inverse ? power_table(t.shift_inverse_lo, t.shift_inverse_hi, t.shift_lo_bits)
                                       : power_table(t.shift_lo, t.shift_hi, t.shift_lo_bits);
  check(launch::fr_scale_by_powers(dev_ptr(d_data), domain.size(), p, stream.handle()),
        "fr_scale_by_powers kernel launch");
}

}  // namespace

DeviceNttDomain::DeviceNttDomain(unsigned log_n, const Stream& stream, const Fr& coset_shift)
    : log_n_(log_n), shift_(coset_shift) {
  const NttTables t = build_ntt_tables(log_n, coset_shift);
  size_inverse_ = t.size_inverse;
  vanishing_inverse_ = t.vanishing_inverse;

  // One upload: the tables back to back, in the order of Tables' fields.
  std::vector<Fr> packed;
  packed.reserve(table_entries(log_n));
  std::vector<std::size_t> offsets;
  for (const std::vector<Fr>* part :
       {&t.forward_stages, &t.inverse_stages, &t.forward_top.lo, &t.forward_top.hi, &t.inverse_top.lo,
        &t.inverse_top.hi, &t.shift_powers.lo, &t.shift_powers.hi, &t.shift_inverse_powers.lo,
        &t.shift_inverse_powers.hi}) {
    offsets.push_back(packed.size());
    packed.insert(packed.end(), part->begin(), part->end());
  }
  if (packed.size() != table_entries(log_n)) {
    throw std::logic_error("DeviceNttDomain: the tables have " + std::to_string(packed.size()) +
                           " entries, device_bytes() counts " + std::to_string(table_entries(log_n)));
  }
  buffer_ = DeviceBuffer(packed.size() * sizeof(Fr), stream);
  copy_to_device(buffer_.data(), packed.data(), packed.size() * sizeof(Fr), stream);
  stream.synchronize();  // `packed` goes away with this constructor

  const Fr* base = buffer_.as<const Fr>();
  tables_.forward_stages = base + offsets[0];
  tables_.inverse_stages = base + offsets[1];
  tables_.forward_top_lo = base + offsets[2];
  tables_.forward_top_hi = base + offsets[3];
  tables_.inverse_top_lo = base + offsets[4];
  tables_.inverse_top_hi = base + offsets[5];
  tables_.top_lo_bits = t.forward_top.lo_bits;
  tables_.shift_lo = base + offsets[6];
  tables_.shift_hi = base + offsets[7];
  tables_.shift_inverse_lo = base + offsets[8];
  tables_.shift_inverse_hi = base + offsets[9];
  tables_.shift_lo_bits = t.shift_powers.lo_bits;
}

std::size_t DeviceNttDomain::device_bytes(unsigned log_n) {
  if (log_n > dev::kNttMaxLog) {
    throw std::invalid_argument("DeviceNttDomain: log_n = " + std::to_string(log_n) + " > 31");
  }
  return table_entries(log_n) * sizeof(Fr);
}

void ntt_forward(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream) {
  require_data(d_data, "ntt_forward");
  transform(domain, d_data, false, stream);
}

void ntt_inverse(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream) {
  require_data(d_data, "ntt_inverse");
  transform(domain, d_data, true, stream);
  scale(domain, d_data, stream);
}

void coset_ntt_forward(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream) {
  require_data(d_data, "coset_ntt_forward");
  scale_by_powers(domain, d_data, false, stream);
  transform(domain, d_data, false, stream);
}

void coset_ntt_inverse(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream) {
  require_data(d_data, "coset_ntt_inverse");
  transform(domain, d_data, true, stream);
  scale(domain, d_data, stream);
  scale_by_powers(domain, d_data, true, stream);
}

void ntt_h_pointwise(const DeviceNttDomain& domain, Fr* d_a, const Fr* d_b, const Fr* d_c, const Stream& stream) {
  require_data(d_a, "ntt_h_pointwise");
  require_data(d_b, "ntt_h_pointwise");
  require_data(d_c, "ntt_h_pointwise");
  check(launch::ntt_h_pointwise(dev_ptr(d_a), dev_ptr(d_b), dev_ptr(d_c), domain.size(),
                                to_dev(domain.vanishing_inverse()), stream.handle()),
        "ntt_h_pointwise kernel launch");
}

Scalar256* fr_to_canonical(Fr* d_data, std::size_t n, const Stream& stream) {
  if (n != 0) require_data(d_data, "fr_to_canonical");
  check(launch::fr_to_canonical(dev_ptr(d_data), n, stream.handle()), "fr_to_canonical kernel launch");
  return reinterpret_cast<Scalar256*>(d_data);
}

}  // namespace zkc::cuda
