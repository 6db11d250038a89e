// SPDX-License-Identifier: BSL-1.0
//
// Elementary functions usable in constant expressions. clang 14 has no
// constexpr <cmath>, so ct:: implements them with + - * / and comparisons
// only; the dispatchers below use ct:: during constant evaluation and <cmath>
// at run time.
//
// Methods (error-free transformations TwoSum/TwoProduct keep the last bits):
//   exp, expm1  x = k*ln2 + r (Cody-Waite, ln2 in three parts), Taylor series
//               in |r| <= ln2/2, exact scaling by 2^k with gradual underflow;
//   log, log1p  x = 2^e*(1+f), sqrt(1/2) <= 1+f < sqrt(2), log(1+f) from the
//               atanh series in s = f/(2+f) (fdlibm's arrangement);
//   sin, cos    x = n*pi/2 + y, pi/2 in four parts, Taylor kernels on
//               |y| <= pi/4;
//   tanh        t/(t+2) with t = expm1(2|x|), division in double-word;
//   sqrt        Newton iteration, then Tuckerman's exact rounding test.
// float is evaluated in double and rounded once at the end, so the final
// rounding is the only noticeable error and no float coefficients are needed.
//
// Measured largest difference to glibc 2.36 <cmath> in ulp, double / float
// (test/math/elementary.cpp; identical with g++ 12 and clang 14):
//   exp 1/1  expm1 1/1  log 1/1  log1p 1/1  sin 1/1  cos 1/1  tanh 2/2
//   sqrt 0/0  fabs 0/0
// Against exact values (200-bit reference, random samples) the double
// results are within 0.66 ulp (0.74 ulp for exp with a subnormal result,
// rounded twice), the float results within 0.5 ulp, i.e. correctly rounded
// in every sample; glibc's tanh itself is off by up to 2 ulp.
// sin and cos are that accurate for |x| <= 2^19*pi (about 1.6e6). Beyond, x is
// reduced exactly modulo the double nearest 2*pi, whose error grows with x
// (about |x|*4e-17 absolute): results stay finite and within [-1, 1] but lose
// accuracy, and carry no information for |x| beyond about 1e15.
//
// long double runs the same algorithms in long double (x87: within 2 ulp of
// glibc in an informal check); only float and double are tested.
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <type_traits>

namespace ctgrad::math {

namespace detail {

template <class T> using work_t = std::conditional_t<std::is_same_v<T, float>, double, T>;

template <class W> inline constexpr int digits = std::numeric_limits<W>::digits;

// The constants are double literals, exact in every working type. Parts
// named hi or pio2_1..3 have trailing zero bits so that their product with
// a reduction multiple k (|k| < 2^20) is exact.
inline constexpr double ln2 = 0x1.62e42fefa39efp-1;
inline constexpr double inv_ln2 = 0x1.71547652b82fep+0;
inline constexpr double ln2_hi = 0x1.62e42fee00000p-1;
inline constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
inline constexpr double ln2_lo2 = 0x1.cc01f97b57a08p-87;
inline constexpr double inv_pio2 = 0x1.45f306dc9c883p-1;
inline constexpr double pio4 = 0x1.921fb54442d18p-1;
inline constexpr double pio2_1 = 0x1.921fb54400000p+0;
inline constexpr double pio2_2 = 0x1.0b4611a600000p-34;
inline constexpr double pio2_3 = 0x1.3198a2e000000p-69;
inline constexpr double pio2_3t = 0x1.b839a252049c1p-104;
inline constexpr double two_pi = 0x1.921fb54442d18p+2;
// 2^19*pi: below it n = round(x*2/pi) < 2^20 and n*pio2_i stays exact.
inline constexpr double medium_limit = 0x1.921fb54442d18p+20;
inline constexpr double sqrt2 = 0x1.6a09e667f3bcdp+0;
inline constexpr double sqrt2_m1 = 0x1.a827999fcef32p-2;
inline constexpr double sqrt_half_m1 = -0x1.2bec333018867p-2;

template <class W> constexpr bool is_nan(W x) { return x != x; }

template <class W> constexpr W magnitude(W x) { return x < 0 ? -x : x; }

// Exact 2^n for n in [min_exponent - digits, max_exponent - 1]. The base is
// squared only while bits of n remain, so no intermediate overflows: gcc
// rejects overflow in constant evaluation.
template <class W> constexpr W pow2(int n) {
  W base = n < 0 ? W(0.5) : W(2);
  unsigned m = n < 0 ? static_cast<unsigned>(-n) : static_cast<unsigned>(n);
  W result = 1;
  while (m != 0) {
    if ((m & 1u) != 0) {
      result *= base;
    }
    m >>= 1;
    if (m != 0) {
      base *= base;
    }
  }
  return result;
}

// Unevaluated sum hi + lo.
template <class W> struct dw {
  W hi;
  W lo;
};

// Knuth's TwoSum: hi + lo == a + b exactly.
template <class W> constexpr dw<W> two_sum(W a, W b) {
  const W s = a + b;
  const W bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

// Dekker's Fast2Sum, exact when |a| >= |b|.
template <class W> constexpr dw<W> fast_two_sum(W a, W b) {
  const W s = a + b;
  return {s, b - (s - a)};
}

// Dekker's TwoProduct with Veltkamp splitting, because fma is not constexpr
// on clang 14: hi + lo == a * b exactly (barring overflow/underflow).
template <class W> constexpr dw<W> split(W a) {
  const W c = (pow2<W>((digits<W> + 1) / 2) + 1) * a;
  const W hi = c - (c - a);
  return {hi, a - hi};
}

template <class W> constexpr dw<W> two_prod(W a, W b) {
  const W p = a * b;
  const dw<W> as = split(a);
  const dw<W> bs = split(b);
  return {p, ((as.hi * bs.hi - p) + as.hi * bs.lo + as.lo * bs.hi) + as.lo * bs.lo};
}

template <class W> constexpr int nearest_int(W t) {
  return static_cast<int>(t < 0 ? t - W(0.5) : t + W(0.5));
}

// x == m * 2^e with m in [1, 2), for finite x > 0. Exact: comparisons with
// 2^(2^i) find the exponent bit by bit, scaling by powers of two.
template <class W> struct mant_exp {
  W m;
  int e;
};

template <class W> constexpr mant_exp<W> decompose(W x) {
  using lim = std::numeric_limits<W>;
  int e = 0;
  if (x < lim::min()) {
    x *= pow2<W>(digits<W>);
    e = -digits<W>;
  }
  W up[16]{};
  W down[16]{};
  up[0] = W(2);
  down[0] = W(0.5);
  int top = 0;
  while ((2 << top) < lim::max_exponent) {
    up[top + 1] = up[top] * up[top];
    down[top + 1] = down[top] * down[top];
    ++top;
  }
  for (int i = top; i >= 0; --i) {
    if (x >= up[i]) {
      x *= down[i];
      e += 1 << i;
    }
  }
  for (int i = top; i >= 0; --i) {
    if (x < 2 * down[i]) {
      x *= up[i];
      e -= 1 << i;
    }
  }
  return {x, e};
}

template <class W> struct coefficient_table { W v[40]; };

template <class W> constexpr coefficient_table<W> make_inv_factorials() {
  coefficient_table<W> t{};
  W f = 1;
  t.v[0] = 1;
  for (int n = 1; n < 40; ++n) {
    f *= W(n);
    t.v[n] = W(1) / f;
  }
  return t;
}

// inv_factorial<W>.v[n] == 1/n!, correctly rounded up to n == 22 (n! exact).
template <class W> inline constexpr coefficient_table<W> inv_factorial = make_inv_factorials<W>();

// Number of terms kept of sum_j b^(step*j) * offset!/(offset + step*j)! (the
// Taylor series of exp: offset 0, step 1; sin(x)/x: 1, 2; cos: 0, 2) at
// |argument| <= b, so that the first omitted term is below 2^-(digits+3).
template <class W> constexpr int taylor_length(W b, int offset, int step) {
  const W tol = pow2<W>(-(digits<W> + 3));
  W term = 1;
  int n = 0;
  while (term >= tol) {
    ++n;
    for (int i = 1; i <= step; ++i) {
      term *= b / W(offset + step * (n - 1) + i);
    }
  }
  return n;
}

// The reduced arguments are slightly larger than ln2/2 and pi/4 when
// round(x/c) is off by one near a half-way point.
template <class W> inline constexpr int exp_terms = taylor_length<W>(W(0.35), 0, 1);
template <class W> inline constexpr int sin_terms = taylor_length<W>(W(0.79), 1, 2);
template <class W> inline constexpr int cos_terms = taylor_length<W>(W(0.79), 0, 2);

// Terms kept of log(1+f)/(2s) = sum_j s^(2j)/(2j+1), |s| <= (sqrt2-1)/(sqrt2+1).
template <class W> constexpr int atanh_length() {
  const W tol = pow2<W>(-(digits<W> + 3));
  const W s2 = W(0.1716) * W(0.1716);
  W power = 1;
  int n = 0;
  while (power / W(2 * n + 1) >= tol) {
    ++n;
    power *= s2;
  }
  return n;
}

template <class W> inline constexpr int log_terms = atanh_length<W>();

// Rounds the double result of a float function once, saturating explicitly
// instead of relying on an out-of-range conversion.
template <class T, class W> constexpr T narrow(W v) {
  if constexpr (std::is_same_v<T, W>) {
    return v;
  } else {
    using lim = std::numeric_limits<T>;
    if (is_nan(v)) {
      return lim::quiet_NaN();
    }
    // Half-way between max and 2^max_exponent rounds (to even) to infinity.
    constexpr W overflow = W(lim::max()) + pow2<W>(lim::max_exponent - lim::digits - 1);
    if (magnitude(v) >= overflow) {
      return v < 0 ? -lim::infinity() : lim::infinity();
    }
    if (magnitude(v) > W(lim::max())) {
      return v < 0 ? -lim::max() : lim::max();
    }
    return static_cast<T>(v);
  }
}

// exp(x) == 2^k * (1 + r + th + tl) with |r| <= ~ln2/2, th = fl(r*r/2) and
// tl the small remainder; needs |k| < 2^20 (exact k*ln2_hi).
template <class W> struct exp_parts {
  int k;
  W r;
  W th;
  W tl;
};

template <class W> constexpr exp_parts<W> exp_reduce(W x) {
  const int k = nearest_int(x * W(inv_ln2));
  const W kw = W(k);
  // Exact: kw*ln2_hi has at most 52 bits and cancels against x (Sterbenz).
  const W hi = x - kw * W(ln2_hi);
  const W lo = kw * W(ln2_lo) + kw * W(ln2_lo2);
  const dw<W> r = two_sum(hi, -lo);
  const dw<W> sq = two_prod(r.hi, r.hi);
  // p = sum_{n>=3} r^(n-3)/n!
  W p = 0;
  for (int n = exp_terms<W> - 1; n >= 3; --n) {
    p = p * r.hi + inv_factorial<W>.v[n];
  }
  // exp(r.hi + r.lo) ~ exp(r.hi) * (1 + r.lo)
  const W tl = (W(0.5) * sq.lo + r.hi * sq.hi * p) + r.lo * (1 + r.hi);
  return {k, r.hi, W(0.5) * sq.hi, tl};
}

// 1 + r + th + tl rounded once, for |r| <= ~ln2/2.
template <class W> constexpr W exp_mantissa(const exp_parts<W>& e, W extra) {
  const dw<W> a = fast_two_sum(W(1), e.r);
  const dw<W> b = two_sum(a.hi, e.th);
  return b.hi + ((a.lo + b.lo) + (e.tl + extra));
}

// v * 2^k for v in [0.7, 1.5] with a single rounding: when the result may be
// subnormal, v is first scaled exactly into the normal range.
template <class W> constexpr W exp_scale(W v, int k) {
  using lim = std::numeric_limits<W>;
  constexpr int d = digits<W>;
  if (k > lim::max_exponent) {
    return lim::infinity();
  }
  if (k >= lim::max_exponent - 2) {
    const W y = v * pow2<W>(k - 3);
    return y > lim::max() / 8 ? lim::infinity() : y * 8;
  }
  if (k < lim::min_exponent - d - 1) {
    // below half the smallest subnormal
    return W(0);
  }
  if (k <= lim::min_exponent) {
    return (v * pow2<W>(k + d + 2)) * pow2<W>(-(d + 2));
  }
  return v * pow2<W>(k);
}

template <class W> constexpr W exp_overflow_bound() {
  return W(std::numeric_limits<W>::max_exponent + 1) * W(ln2);
}

template <class W> constexpr W exp_impl(W x) {
  using lim = std::numeric_limits<W>;
  if (is_nan(x)) {
    return x;
  }
  if (x > exp_overflow_bound<W>()) {
    return lim::infinity();
  }
  if (x < W(lim::min_exponent - digits<W> - 2) * W(ln2)) {
    return W(0);
  }
  const exp_parts<W> e = exp_reduce(x);
  return exp_scale(exp_mantissa(e, W(0)), e.k);
}

// expm1 as a double-word, for finite x in [-(digits+2)*ln2, overflow bound].
template <class W> constexpr dw<W> expm1_dw(W x) {
  constexpr int d = digits<W>;
  const exp_parts<W> e = exp_reduce(x);
  if (e.k > d) {
    // 2^k*(1 + r + t - 2^-k): the -1 only touches the last bits.
    return {exp_scale(exp_mantissa(e, -pow2<W>(-e.k)), e.k), W(0)};
  }
  if (e.k < -d) {
    return {W(-1) + exp_scale(exp_mantissa(e, W(0)), e.k), W(0)};
  }
  // (2^k - 1) + 2^k*r + 2^k*th + 2^k*tl, where 2^k - 1 is exact for |k| <= digits.
  const W scale = pow2<W>(e.k);
  const dw<W> a = two_sum(scale - 1, e.r * scale);
  const dw<W> b = two_sum(a.hi, e.th * scale);
  return fast_two_sum(b.hi, (a.lo + b.lo) + e.tl * scale);
}

template <class W> constexpr W expm1_impl(W x) {
  using lim = std::numeric_limits<W>;
  constexpr int d = digits<W>;
  if (is_nan(x)) {
    return x;
  }
  if (x > exp_overflow_bound<W>()) {
    return lim::infinity();
  }
  // exp(x) below half an ulp of 1 from below: the result rounds to -1.
  if (x < -W(d + 2) * W(ln2)) {
    return W(-1);
  }
  // x*x/2 below half an ulp of x (also keeps the sign of zero).
  if (magnitude(x) < pow2<W>(-(d + 1))) {
    return x;
  }
  return expm1_dw(x).hi;
}

// e*ln2 + log(1+f) + c for f in [sqrt(1/2) - 1, sqrt(2) - 1] and a small
// correction c. With s = f/(2+f), log(1+f) = 2*atanh(s) = 2s + s*R and
// 2s = f - f^2/2 + s*f^2/2, so the exact leading term f comes first.
template <class W> constexpr W log_kernel(int e, W f, W c) {
  const W s = f / (2 + f);
  const W z = s * s;
  // R = sum_{j>=1} 2 z^j/(2j+1)
  W big_r = 0;
  for (int j = log_terms<W> - 1; j >= 1; --j) {
    big_r = z * (W(2) / W(2 * j + 1) + big_r);
  }
  const dw<W> f2 = two_prod(f, f);
  const W hfsq = W(0.5) * f2.hi;
  const W ew = W(e);
  const W small = ((s * (hfsq + big_r) - W(0.5) * f2.lo) + (ew * W(ln2_lo) + ew * W(ln2_lo2))) + c;
  const dw<W> a = two_sum(f, -hfsq);
  const dw<W> b = two_sum(ew * W(ln2_hi), a.hi);
  return b.hi + ((b.lo + a.lo) + small);
}

template <class W> constexpr W log_impl(W x) {
  using lim = std::numeric_limits<W>;
  if (is_nan(x)) {
    return x;
  }
  if (x < 0) {
    return lim::quiet_NaN();
  }
  if (x == 0) {
    return -lim::infinity();
  }
  if (x == lim::infinity()) {
    return x;
  }
  mant_exp<W> me = decompose(x);
  if (me.m > W(sqrt2)) {
    me.m *= W(0.5);
    ++me.e;
  }
  // exact: m - 1 is in the same or an adjacent binade of m
  return log_kernel(me.e, me.m - 1, W(0));
}

template <class W> constexpr W log1p_impl(W x) {
  using lim = std::numeric_limits<W>;
  if (is_nan(x)) {
    return x;
  }
  if (x < -1) {
    return lim::quiet_NaN();
  }
  if (x == -1) {
    return -lim::infinity();
  }
  if (x == lim::infinity()) {
    return x;
  }
  if (magnitude(x) < pow2<W>(-(digits<W> + 1))) {
    return x;
  }
  if (x > W(sqrt_half_m1) && x < W(sqrt2_m1)) {
    return log_kernel(0, x, W(0));
  }
  // 1 + x == u + err exactly; log(u + err) ~ log(u) + err/u
  const dw<W> u = two_sum(W(1), x);
  mant_exp<W> me = decompose(u.hi);
  if (me.m > W(sqrt2)) {
    me.m *= W(0.5);
    ++me.e;
  }
  return log_kernel(me.e, me.m - 1, u.lo / u.hi);
}

// sin(x + y) for |x| <= ~pi/4 and |y| <= ulp(x)/2, in fdlibm's arrangement:
// x + y - x^3/6 + x^5*r - x^2*y/2, where the leading x is added last.
template <class W> constexpr W ksin(W x, W y) {
  const W z = x * x;
  const W v = z * x;
  // r = sum_{j>=2} (-1)^j z^(j-2)/(2j+1)!
  W r = 0;
  for (int j = sin_terms<W> - 1; j >= 2; --j) {
    const W c = inv_factorial<W>.v[2 * j + 1];
    r = r * z + (j % 2 == 0 ? c : -c);
  }
  return x - ((z * (W(0.5) * y - v * r) - y) + v * inv_factorial<W>.v[3]);
}

// cos(x + y) for |x| <= ~pi/4 and |y| <= ulp(x)/2. x*x is exact (TwoProduct)
// and the rounding error of 1 - x*x/2 is recovered, so only the final
// addition rounds noticeably.
template <class W> constexpr W kcos(W x, W y) {
  const dw<W> z = two_prod(x, x);
  // r = sum_{j>=2} (-1)^j z^(j-2)/(2j)!
  W r = 0;
  for (int j = cos_terms<W> - 1; j >= 2; --j) {
    const W c = inv_factorial<W>.v[2 * j];
    r = r * z.hi + (j % 2 == 0 ? c : -c);
  }
  const W hz = W(0.5) * z.hi;
  const W w = 1 - hz;
  return w + (((1 - w) - hz) + ((z.hi * z.hi * r - x * y) - W(0.5) * z.lo));
}

// Exact x mod C for the working-precision C nearest 2*pi: every subtraction
// of C*2^i satisfies Sterbenz's lemma. Only used beyond medium_limit.
template <class W> constexpr W reduce_two_pi(W ax) {
  const W c = W(two_pi);
  W y = c;
  while (y <= W(0.5) * ax) {
    y *= 2;
  }
  while (y >= c) {
    if (ax >= y) {
      ax -= y;
    }
    y *= W(0.5);
  }
  return ax;
}

// ax == n*pi/2 + y0 + y1 (modulo 2*pi) with n in [0, 3], |y0| <= ~pi/4 and
// |y1| <= ulp(y0)/2, for finite ax >= 0. pi/2 = pio2_1 + pio2_2 + pio2_3 +
// pio2_3t carries 152 bits; the products n*pio2_i are exact and each
// subtraction's rounding error is kept (TwoSum), so the massive cancellation
// near multiples of pi/2 loses nothing.
template <class W> struct reduced {
  int n;
  W y0;
  W y1;
};

template <class W> constexpr reduced<W> rem_pio2(W ax) {
  if (ax > W(medium_limit)) {
    ax = reduce_two_pi(ax);
  }
  if (ax <= W(pio4)) {
    return {0, ax, W(0)};
  }
  const int n = nearest_int(ax * W(inv_pio2));
  const W fn = W(n);
  const W r1 = ax - fn * W(pio2_1);
  const dw<W> r2 = two_sum(r1, -(fn * W(pio2_2)));
  const dw<W> r3 = two_sum(r2.hi, -(fn * W(pio2_3)));
  const W tail = (r2.lo + r3.lo) - fn * W(pio2_3t);
  const W y0 = r3.hi + tail;
  return {n & 3, y0, (r3.hi - y0) + tail};
}

// Below 2^-(digits/2+1), sin x == x, tanh x == x and cos x == 1 after rounding.
template <class W> constexpr W taylor_tiny() { return pow2<W>(-(digits<W> / 2 + 1)); }

template <class W> constexpr W sin_impl(W x) {
  using lim = std::numeric_limits<W>;
  if (is_nan(x)) {
    return x;
  }
  const W ax = magnitude(x);
  if (ax == lim::infinity()) {
    return lim::quiet_NaN();
  }
  if (ax < taylor_tiny<W>()) {
    return x;
  }
  const reduced<W> red = rem_pio2(ax);
  W s = 0;
  switch (red.n) {
    case 0:
      s = ksin(red.y0, red.y1);
      break;
    case 1:
      s = kcos(red.y0, red.y1);
      break;
    case 2:
      s = -ksin(red.y0, red.y1);
      break;
    default:
      s = -kcos(red.y0, red.y1);
      break;
  }
  return x < 0 ? -s : s;
}

template <class W> constexpr W cos_impl(W x) {
  using lim = std::numeric_limits<W>;
  if (is_nan(x)) {
    return x;
  }
  const W ax = magnitude(x);
  if (ax == lim::infinity()) {
    return lim::quiet_NaN();
  }
  if (ax < taylor_tiny<W>()) {
    return W(1);
  }
  const reduced<W> red = rem_pio2(ax);
  switch (red.n) {
    case 0:
      return kcos(red.y0, red.y1);
    case 1:
      return -ksin(red.y0, red.y1);
    case 2:
      return -kcos(red.y0, red.y1);
    default:
      return ksin(red.y0, red.y1);
  }
}

// tanh|x| = t/(t+2) with t = expm1(2|x|): no cancellation anywhere, and the
// quotient of the double-words is corrected once. Saturates where
// 2*exp(-2|x|) is below half an ulp of 1, so exp never overflows.
template <class W> constexpr W tanh_impl(W x) {
  if (is_nan(x)) {
    return x;
  }
  const W ax = magnitude(x);
  if (ax > W(digits<W> + 3) * W(0.5) * W(ln2)) {
    return x < 0 ? W(-1) : W(1);
  }
  if (ax < taylor_tiny<W>()) {
    return x;
  }
  const dw<W> t = expm1_dw(2 * ax);
  const dw<W> d0 = two_sum(t.hi, W(2));
  const dw<W> d = fast_two_sum(d0.hi, d0.lo + t.lo);
  const W q0 = t.hi / d.hi;
  const dw<W> p = two_prod(q0, d.hi);
  const W q1 = ((((t.hi - p.hi) - p.lo) + t.lo) - q0 * d.lo) / d.hi;
  const W q = q0 + q1;
  return x < 0 ? -q : q;
}

template <class W> constexpr W sqrt_impl(W x) {
  using lim = std::numeric_limits<W>;
  constexpr int d = digits<W>;
  if (is_nan(x)) {
    return x;
  }
  if (x < 0) {
    return lim::quiet_NaN();
  }
  if (x == 0 || x == lim::infinity()) {
    return x;
  }
  mant_exp<W> me = decompose(x);
  if (me.e % 2 != 0) {
    me.m *= 2;
    --me.e;
  }
  const W m = me.m;  // in [1, 4)
  // Linear start within 0.5 %; four Newton steps square that error
  // below 2^-140.
  W y = W(0.83462) + W(0.29508) * m;
  for (int i = 0; i < 4; ++i) {
    y = W(0.5) * (y + m / y);
  }
  if (y < 1) {
    y = 1;
  }
  if (y > 2) {
    y = 2;
  }
  // Tuckerman: y == RN(sqrt m) iff pred(y)*y < m <= y*succ(y). The
  // products are exact double-words and m - p.hi is exact (Sterbenz), so
  // each test is exact.
  const W ulp = pow2<W>(1 - d);
  for (int i = 0; i < 4; ++i) {
    const W up = y == 2 ? y + 2 * ulp : y + ulp;
    const dw<W> hi = two_prod(y, up);
    if (m - hi.hi > hi.lo) {
      y = up;
      continue;
    }
    const W down = y == 1 ? y - W(0.5) * ulp : y - ulp;
    const dw<W> lo = two_prod(down, y);
    if (!(m - lo.hi > lo.lo)) {
      y = down;
      continue;
    }
    break;
  }
  return y * pow2<W>(me.e / 2);
}

}  // namespace detail

namespace detail {
// The public functions below all have one of two shapes: ct::f runs f's algorithm in the
// working precision and rounds once; f dispatches to ct::f during constant evaluation and
// to <cmath> at run time.
template <class T, class Impl> constexpr T in_work(T x, Impl impl) {
  return narrow<T>(impl(static_cast<work_t<T>>(x)));
}
template <class T, class Ct, class Std> constexpr T dispatch(T x, Ct ct, Std run_time) {
  if (std::is_constant_evaluated()) return ct(x);
  return run_time(x);
}
}  // namespace detail

namespace ct {

// Plain constexpr functions, also callable at run time.

/// True for a NaN (x != x).
template <std::floating_point T> constexpr bool isnan(T x) { return x != x; }

/// True for +inf or -inf.
template <std::floating_point T> constexpr bool isinf(T x) {
  return x == std::numeric_limits<T>::infinity() || x == -std::numeric_limits<T>::infinity();
}

/// The absolute value; a NaN is returned unchanged (its sign bit is not cleared).
template <std::floating_point T> constexpr T fabs(T x) {
  if (x < 0) return -x;
  return x == 0 ? T(0) : x;
}

/// Defines ctgrad::math::ct::f(x), the constexpr implementation of f, for f = exp, expm1,
/// log, log1p, sin, cos, tanh, sqrt (within 1-2 ulp of `<cmath>`); undefined after use.
#define CTGRAD_MATH_CT(f)                                                        \
  template <std::floating_point T> constexpr T f(T x) {                          \
    return detail::in_work(x, [](auto work) { return detail::f##_impl(work); }); \
  }
CTGRAD_MATH_CT(exp)
CTGRAD_MATH_CT(expm1)
CTGRAD_MATH_CT(log)
CTGRAD_MATH_CT(log1p)
CTGRAD_MATH_CT(sin)
CTGRAD_MATH_CT(cos)
CTGRAD_MATH_CT(tanh)
// Correctly rounded (for float: double rounding is innocuous for sqrt since 53 >= 2*24 + 2).
CTGRAD_MATH_CT(sqrt)
#undef CTGRAD_MATH_CT

}  // namespace ct

/// Dispatchers: ct:: during constant evaluation, `<cmath>` at run time. Defines
/// ctgrad::math::f(x) for f = exp, expm1, log, log1p, sin, cos, tanh, sqrt, fabs; undefined after
/// use.
#define CTGRAD_MATH_DISPATCH(f)                                                  \
  template <std::floating_point T> constexpr T f(T x) {                          \
    return detail::dispatch(                                                     \
        x, [](T arg) { return ct::f(arg); }, [](T arg) { return std::f(arg); }); \
  }
CTGRAD_MATH_DISPATCH(exp)
CTGRAD_MATH_DISPATCH(expm1)
CTGRAD_MATH_DISPATCH(log)
CTGRAD_MATH_DISPATCH(log1p)
CTGRAD_MATH_DISPATCH(sin)
CTGRAD_MATH_DISPATCH(cos)
CTGRAD_MATH_DISPATCH(tanh)
CTGRAD_MATH_DISPATCH(sqrt)
CTGRAD_MATH_DISPATCH(fabs)
#undef CTGRAD_MATH_DISPATCH

}  // namespace ctgrad::math
