#!/usr/bin/env python3
"""Generates ../mont_mul_asm.hpp: x86-64 BMI2/ADX Montgomery multiplication, modular add and sub
for 4 and 6 limbs.

Why generated: the two interleaved carry chains (adcx on CF, adox on OF) cannot be expressed with
GCC intrinsics, and a register-rotating schedule is tedious and error-prone by hand.

Multiplication: CIOS, "no-carry" variant (top modulus limb < 2^63 - 1, so t stays within N+1
words between rows): per row, a reduction pass t = (t + k*m) / 2^64 with k = t0 * inv, then the
product pass t += a * b[i+1], each pass one mulx per limb feeding two independent carry chains
(adox for the low halves, adcx for the high halves). Final conditional subtraction via cmov.
Measured alternative that did not pay: adding product row i+1 into an N+2-word window before
reducing row i (shorter k chain on paper, but 10 more carry fix-ups; no faster, often slower).
Throughput is bound by the adcx/adox count, so fewer uops beat a shorter dependency chain here.

Register budget (6 limbs): 7 window words + lo, hi, rdx + the a and b pointers = 12 GPRs; each
modulus limb, inv and a zero word are memory operands (RIP- or stack-relative once inlined).
The a and b pointers double as scratch for the final subtraction, hence "+&r".

Also for 6 limbs (lazy-reduction Fp2): the plain 384x384 -> 768-bit product and the Montgomery
reduction (REDC) of a 768-bit value.

Run: python3 gen_mont_mul_asm.py > ../mont_mul_asm.hpp
"""


class Asm:
    def __init__(self):
        self.lines = []

    def __call__(self, s):
        self.lines.append(f'      "{s}\\n\\t"')

    def body(self):
        return "\n".join(self.lines)


def mem(op, off):
    # One "m" operand per limb ("%[m1]" -> "8+_ZN...kModulusE(%rip)" once inlined): an offset
    # written in front of a memory operand ("8+%[m]") only assembles for symbol operands.
    return f"%[{op}{off // 8}]" if op == "m" else f"%[{op}]"


def mod_operands(n):
    return ", ".join(f'[m{j}] "m"(m[{j}])' for j in range(n))


def emit_first_row(e, n, R):
    """Row 0 of a product: R(0..n) = a * b[0]. The accumulator starts at zero, so one carry chain suffices."""
    e("movq (%[b]), %%rdx")
    e(f"mulxq (%[a]), {R(0)}, {R(1)}")
    for j in range(1, n):
        e(f"mulxq {8*j}(%[a]), %[lo], {R(j+1)}")
        e(f"{'addq' if j == 1 else 'adcq'} %[lo], {R(j)}")
    e(f"adcq $0, {R(n)}")


def emit_mac_row(e, n, R, operand):
    """R(0..n) += rdx * operand(0..n-1): low halves on the OF chain (adox), high halves on the CF chain
    (adcx). The caller loads rdx and clears both flags first."""
    for j in range(n):
        e(f"mulxq {operand(j)}, %[lo], %[hi]")
        e(f"adoxq %[lo], {R(j)}")
        e(f"adcxq %[hi], {R(j+1)}")
    e(f"adoxq {mem('zero', 0)}, {R(n)}")


def gen_mul(n):
    e = Asm()
    W = [f"%[w{k}]" for k in range(n + 1)]
    t = list(range(n + 1))  # t[p] = register index holding window position p

    def R(p):
        return W[t[p]]

    emit_first_row(e, n, R)
    for i in range(n):
        # Reduction of row i: t += k*m with k = t0 * inv, then drop the (zero) low word.
        e(f"movq {R(0)}, %%rdx")
        e("imulq %[inv], %%rdx")
        e("xorl %k[lo], %k[lo]")  # clears CF and OF
        emit_mac_row(e, n, R, lambda j: mem('m', 8*j))
        t = t[1:] + t[:1]  # the zeroed low word becomes the new top word
        if i + 1 == n:
            break
        # Row i+1: t += a * b[i+1]; the new top word is already zero.
        e(f"movq {8*(i+1)}(%[b]), %%rdx")
        e(f"xorl %k[lo], %k[lo]")  # clears CF and OF
        emit_mac_row(e, n, R, lambda j: f"{8*j}(%[a])")
    return finish_mul(n, e, W, t, R)


def finish_mul(n, e, W, t, R):
    # Result in positions 0..n-1. Final conditional subtraction into spare registers.
    used = set(t[:n])
    spare = [W[k] for k in range(n + 1) if k not in used] + ["%[lo]", "%[hi]", "%%rdx", "%[a]", "%[b]"]
    spare = spare[:n]
    for j in range(n):
        e(f"movq {R(j)}, {spare[j]}")
        e(f"{'subq' if j == 0 else 'sbbq'} {mem('m', 8*j)}, {spare[j]}")
    for j in range(n):
        e(f"cmovncq {spare[j]}, {R(j)}")
    outs = ", ".join(f'[w{k}] "=&r"(w{k})' for k in range(n + 1))
    result = ", ".join(f"w{t[k]}" for k in range(n))
    return f'''
// Montgomery product r = a*b/2^{64*n} mod m for {n} limbs; a, b < m; r fully reduced.
[[gnu::always_inline]] inline void mont_mul_asm_{n}(W<{n}>& r, const W<{n}>& a, const W<{n}>& b,
                                                 const W<{n}>& m, u64 m_inv) {{
  u64 {", ".join(f"w{k}" for k in range(n + 1))}, lo, hi, rdx;
  const u64* ap = a.data();
  const u64* bp = b.data();
  const u64 zero = 0;
  asm(
{e.body()}
      : {outs}, [lo] "=&r"(lo), [hi] "=&r"(hi), "=&d"(rdx), [a] "+&r"(ap), [b] "+&r"(bp)
      : {mod_operands(n)}, [inv] "m"(m_inv), [zero] "m"(zero)
      // "memory": a and b are read through ap/bp. Declaring them as "m" inputs instead can need two
      // registers each (base + index inside loops), which this register budget cannot afford.
      : "cc", "memory");
  (void)rdx;
  r = W<{n}>{{{result}}};
}}
'''


def modular_op_wrapper(op, formula, n, e):
    """The C++ function around an add/sub asm body: r{k} results, s{k} scratch, a/b pointers reused as scratch."""
    outs = ", ".join(f'[r{k}] "=&r"(r{k})' for k in range(n))
    souts = ", ".join(f'[s{k}] "=&r"(s{k})' for k in range(n - 2))
    return f'''
// r = {formula} mod m for {n} limbs (a, b < m).
[[gnu::always_inline]] inline void {op}_mod_asm_{n}(W<{n}>& r, const W<{n}>& a, const W<{n}>& b,
                                                const W<{n}>& m) {{
  u64 {", ".join(f"r{k}" for k in range(n))}, {", ".join(f"s{k}" for k in range(n - 2))};
  const u64* ap = a.data();
  const u64* bp = b.data();
  asm(
{e.body()}
      : {outs}, {souts}, [a] "+&r"(ap), [b] "+&r"(bp)
      : {mod_operands(n)}
      : "cc", "memory");  // a and b are read through ap/bp, see mont_mul_asm
  r = W<{n}>{{{", ".join(f"r{k}" for k in range(n))}}};
}}
'''


def gen_add(n):
    e = Asm()
    r = [f"%[r{k}]" for k in range(n)]
    s = [f"%[s{k}]" for k in range(n - 2)] + ["%[a]", "%[b]"]  # the pointers are dead by then
    e("movq (%[a]), %[r0]")
    e("addq (%[b]), %[r0]")
    for j in range(1, n):
        e(f"movq {8*j}(%[a]), {r[j]}")
        e(f"adcq {8*j}(%[b]), {r[j]}")
    # No carry out: a, b < m < 2^(64n-1). s = r - m; keep s unless it borrowed.
    for j in range(n):
        e(f"movq {r[j]}, {s[j]}")
        e(f"{'subq' if j == 0 else 'sbbq'} {mem('m', 8*j)}, {s[j]}")
    for j in range(n):
        e(f"cmovncq {s[j]}, {r[j]}")
    return modular_op_wrapper("add", "a + b", n, e)


def gen_sub(n):
    e = Asm()
    r = [f"%[r{k}]" for k in range(n)]
    s = [f"%[s{k}]" for k in range(n - 2)] + ["%[a]", "%[b]"]
    e("movq (%[a]), %[r0]")
    e("subq (%[b]), %[r0]")
    for j in range(1, n):
        e(f"movq {8*j}(%[a]), {r[j]}")
        e(f"sbbq {8*j}(%[b]), {r[j]}")
    # On borrow add m back: s[j] = borrow ? m[j] : 0 (mov and cmov keep the flags), then r += s.
    for j in range(n):
        e(f"movl $0, %k{s[j][1:]}")  # "%[x]" -> "%k[x]": the 32-bit name
        e(f"cmovcq {mem('m', 8*j)}, {s[j]}")
    e(f"addq {s[0]}, {r[0]}")
    for j in range(1, n):
        e(f"adcq {s[j]}, {r[j]}")
    return modular_op_wrapper("sub", "a - b", n, e)


def gen_mul_wide(n):
    """Plain (non-Montgomery) product: out[0..2n) = a * b, for lazy-reduction Fp2 arithmetic."""
    e = Asm()
    W = [f"%[w{k}]" for k in range(n + 1)]
    t = list(range(n + 1))

    def R(p):
        return W[t[p]]

    emit_first_row(e, n, R)
    for i in range(1, n):
        e(f"movq {R(0)}, {8*(i-1)}(%[out])")
        t = t[1:] + t[:1]
        e(f"movq {8*i}(%[b]), %%rdx")
        e(f"xorl %k[w{t[n]}], %k[w{t[n]}]")  # fresh top word; clears CF and OF
        emit_mac_row(e, n, R, lambda j: f"{8*j}(%[a])")
    for p in range(n + 1):
        e(f"movq {R(p)}, {8*(n-1+p)}(%[out])")
    outs = ", ".join(f'[w{k}] "=&r"(w{k})' for k in range(n + 1))
    return f'''
// out = a * b as a {2*n}-word integer (a, b < 2^{64*n}).
[[gnu::always_inline]] inline void mul_wide_asm_{n}(W<{2*n}>& out, const W<{n}>& a, const W<{n}>& b) {{
  u64 {", ".join(f"w{k}" for k in range(n + 1))}, lo, hi, rdx;
  const u64 zero = 0;
  // volatile: the result leaves through memory ("memory" clobber), not through the outputs.
  asm volatile(
{e.body()}
      : {outs}, [lo] "=&r"(lo), [hi] "=&r"(hi), "=&d"(rdx)
      : [a] "r"(a.data()), [b] "r"(b.data()), [out] "r"(out.data()), [zero] "m"(zero)
      : "cc", "memory");
  (void)rdx;
}}
'''


def gen_redc(n):
    """Montgomery reduction r = T / 2^(64n) mod m of a 2n-word T < m * 2^(64n)."""
    e = Asm()
    W = [f"%[w{k}]" for k in range(n + 1)]
    t = list(range(n + 1))

    def R(p):
        return W[t[p]]

    for p in range(n):
        e(f"movq {8*p}(%[T]), {R(p)}")
    for i in range(n):
        e(f"movq {R(0)}, %%rdx")
        e("imulq %[inv], %%rdx")
        e(f"xorl %k[w{t[n]}], %k[w{t[n]}]")  # fresh top word (the last zeroed low word); clears flags
        emit_mac_row(e, n, R, lambda j: mem('m', 8*j))
        t = t[1:] + t[:1]
    # U = (T_low + K*m) / 2^(64n) <= m; add the high half (< m): the sum is < 2m, one subtraction.
    e(f"addq {8*n}(%[T]), {R(0)}")
    for p in range(1, n):
        e(f"adcq {8*(n+p)}(%[T]), {R(p)}")
    spare = [W[t[n]], "%[lo]", "%[hi]", "%%rdx", "%[T]", "%[x]"][:n]
    for j in range(n):
        e(f"movq {R(j)}, {spare[j]}")
        e(f"{'subq' if j == 0 else 'sbbq'} {mem('m', 8*j)}, {spare[j]}")
    for j in range(n):
        e(f"cmovncq {spare[j]}, {R(j)}")
    outs = ", ".join(f'[w{k}] "=&r"(w{k})' for k in range(n + 1))
    return f'''
// r = T / 2^{64*n} mod m (Montgomery reduction) for a {2*n}-word T < m * 2^{64*n}; r fully reduced.
[[gnu::always_inline]] inline void redc_asm_{n}(W<{n}>& r, const W<{2*n}>& T, const W<{n}>& m,
                                             u64 m_inv) {{
  u64 {", ".join(f"w{k}" for k in range(n + 1))}, lo, hi, rdx, x;
  const u64* tp = T.data();
  const u64 zero = 0;
  asm(
{e.body()}
      : {outs}, [lo] "=&r"(lo), [hi] "=&r"(hi), "=&d"(rdx), [x] "=&r"(x), [T] "+&r"(tp)
      : {mod_operands(n)}, [inv] "m"(m_inv), [zero] "m"(zero)
      : "cc", "memory");
  (void)rdx;
  (void)x;
  r = W<{n}>{{{", ".join(f"w{t[k]}" for k in range(n))}}};
}}
'''


print("""// GENERATED by kernels/field/gen/gen_mont_mul_asm.py -- do not edit by hand.
// x86-64 BMI2/ADX Montgomery multiplication (two interleaved carry chains, adcx/adox) and
// modular add/sub with the final correction done by cmov, for 4 and 6 limbs.
#pragma once

// Included from limb_arith.hpp after the portable primitives it uses.

#if ZKC_FIELD_ASM && defined(__x86_64__)
namespace zkc::field::detail {""")
for n in (4, 6):
    print(gen_mul(n))
for n in (4, 6):
    print(gen_add(n))
    print(gen_sub(n))
print(gen_mul_wide(6))
print(gen_redc(6))
print("""}  // namespace zkc::field::detail
#endif""")
