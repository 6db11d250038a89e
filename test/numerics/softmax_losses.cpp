// SPDX-License-Identifier: BSL-1.0
// The numerics policy (README, "Numerics policy") for softmax, log_softmax and the losses:
// one entry of the input takes each special value (±0, the smallest subnormal, ±1e4, ±max,
// ±inf, NaN) and value and gradient are compared with the policy, in float and double.
// References are computed in long double from the definitions, with max subtraction.
#define BOOST_TEST_MODULE numerics.softmax_losses
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/ulp.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string_view>
#include <tuple>

using namespace ctgrad;

namespace {

constexpr std::size_t n_inputs = 10;
constexpr std::array<std::string_view, n_inputs> labels{"+0",  "-0",   "denorm_min", "1e4",  "-1e4",
                                                        "max", "-max", "+inf",       "-inf", "NaN"};

template <class T> constexpr std::array<T, n_inputs> specials() {
  using lim = std::numeric_limits<T>;
  return {T(0),       T(-0.0),     lim::denorm_min(), T(1e4),           T(-1e4),
          lim::max(), -lim::max(), lim::infinity(),   -lim::infinity(), lim::quiet_NaN()};
}

using ld = long double;
using vec = std::array<ld, 3>;
constexpr ld nan_ld = std::numeric_limits<ld>::quiet_NaN();
constexpr ld inf_ld = std::numeric_limits<ld>::infinity();

std::size_t pairs = 0;  // (primitive or loss, input) pairs checked

// Every entry within `ulps` of the reference (NaN matches NaN only, infinities exactly).
// With absolute > 0, also within that distance (for results of a cancellation).
template <class T, std::size_t N>
void expect_near(std::string_view what, std::array<T, N> const& got, std::array<ld, N> const& want,
                 ld absolute = 0) {
  for (std::size_t j = 0; j < N; ++j) {
    T const w = static_cast<T>(want[j]);
    bool const near = test::ulp_distance(got[j], w) <= 8 ||
                      std::fabs(static_cast<ld>(got[j]) - want[j]) <= absolute;
    BOOST_TEST(near, what << "[" << j << "] = " << got[j] << ", policy " << w);
  }
}

template <class T> std::array<T, 1> scalar(T v) { return {v}; }
std::array<ld, 1> scalar_ld(ld v) { return {v}; }

// softmax of a row by the definition with the largest entry subtracted; +inf or NaN
// anywhere gives a NaN row (inf - inf), -inf entries are 0.
vec softmax_ref(vec z) {
  ld m = z[0];
  for (ld v : z) {
    if (std::isnan(v) || v == inf_ld) return {nan_ld, nan_ld, nan_ld};
    m = std::max(m, v);
  }
  vec e{};
  ld s = 0;
  for (std::size_t j = 0; j < 3; ++j) s += e[j] = std::exp(z[j] - m);
  for (ld& v : e) v /= s;
  return e;
}

ld logsumexp_ref(vec z) {
  vec const p = softmax_ref(z);
  if (std::isnan(p[0])) return nan_ld;
  ld m = std::max({z[0], z[1], z[2]});
  ld s = 0;
  for (ld v : z) s += std::exp(v - m);
  return m + std::log(s);
}

constexpr std::array<ld, 3> weights{1, 2, 4};  // upstream gradient of sum(c * f(z))

}  // namespace

using float_types = std::tuple<float, double>;

constexpr auto Z = param<"z", 3>;
constexpr auto C = input<"c", 3>;
constexpr auto Y = input<"y", 3>;

// softmax: max subtracted, so ±1e4 and ±max give exact 0 and 1; a -inf entry is 0 (a mask);
// +inf or NaN anywhere makes the row NaN. Gradient of sum(c * softmax(z)): p (c - c·p).
BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_rows, T, float_types) {
  constexpr auto f = sum(softmax(Z) * C);
  tensor<T, shape<3>> c{};
  for (std::size_t j = 0; j < 3; ++j) c.data[j] = static_cast<T>(weights[j]);
  for (std::size_t i = 0; i < n_inputs; ++i) {
    T const s = specials<T>()[i];
    var_set<T, decltype(Z)> zs;
    zs[Z].data = {s, T(0), T(1)};
    vec const p = softmax_ref({s, 0, 1});
    ld dot = 0;
    for (std::size_t j = 0; j < 3; ++j) dot += weights[j] * p[j];
    vec dz{};
    for (std::size_t j = 0; j < 3; ++j) dz[j] = p[j] * (weights[j] - dot);
    BOOST_TEST_CONTEXT("softmax([" << labels[i] << ", 0, 1]) (" << sizeof(T) * 8 << "-bit)") {
      expect_near("p", eval(softmax(Z), zs).data, p);
      expect_near("dz", grad(f, zs, C = c)[Z].data, dz);
    }
    ++pairs;
  }
}

// log_softmax: z - logsumexp(z) with the max subtracted: exact at ±1e4 and ±max (entries
// far below the max are z - max, -inf where that overflows), -inf where z is -inf; +inf or
// NaN anywhere makes the row NaN. Gradient of sum(c * log_softmax(z)): c - p * sum(c).
BOOST_AUTO_TEST_CASE_TEMPLATE(log_softmax_rows, T, float_types) {
  constexpr auto f = sum(log_softmax(Z) * C);
  tensor<T, shape<3>> c{};
  for (std::size_t j = 0; j < 3; ++j) c.data[j] = static_cast<T>(weights[j]);
  for (std::size_t i = 0; i < n_inputs; ++i) {
    T const s = specials<T>()[i];
    var_set<T, decltype(Z)> zs;
    zs[Z].data = {s, T(0), T(1)};
    vec const z{s, 0, 1};
    vec const p = softmax_ref(z);
    ld const lse = logsumexp_ref(z);
    vec a{}, dz{};
    for (std::size_t j = 0; j < 3; ++j) {
      // In T, z_j - lse rounds (or overflows to -inf) once: the reference does the same.
      a[j] = static_cast<T>(z[j]) - static_cast<T>(lse);
      dz[j] = weights[j] - p[j] * 7;
    }
    BOOST_TEST_CONTEXT("log_softmax([" << labels[i] << ", 0, 1]) (" << sizeof(T) * 8 << "-bit)") {
      expect_near("a", eval(log_softmax(Z), zs).data, a);
      // c_j - p_j * 7 cancels: held to a few rounding errors of its terms (at most 7).
      expect_near("dz", grad(f, zs, C = c)[Z].data, dz, 32 * std::numeric_limits<T>::epsilon());
    }
    ++pairs;
  }
}

// cross_entropy(softmax(z), y), fused: L = logsumexp(z) - y·z, dL/dz = p - y. A term with
// y_j = 0 adds 0 even at z_j = -inf (a masked class); a masked true class gives +inf with a
// finite gradient; +inf or NaN logits give NaN.
BOOST_AUTO_TEST_CASE_TEMPLATE(softmax_cross_entropy, T, float_types) {
  constexpr auto L = cross_entropy(softmax(Z), Y);
  for (std::size_t target : {0u, 1u}) {
    tensor<T, shape<3>> y{};
    y.data[target] = 1;
    for (std::size_t i = 0; i < n_inputs; ++i) {
      T const s = specials<T>()[i];
      var_set<T, decltype(Z)> zs;
      zs[Z].data = {s, T(0), T(1)};
      vec const z{s, 0, 1};
      vec const p = softmax_ref(z);
      ld const lse = logsumexp_ref(z);
      // In T: lse rounded, then lse - z_target (for z_target = -inf: +inf).
      ld const value = std::isnan(lse)
                           ? nan_ld
                           : static_cast<ld>(static_cast<T>(lse) - static_cast<T>(z[target]));
      vec dz{};
      for (std::size_t j = 0; j < 3; ++j) dz[j] = p[j] - (j == target ? 1 : 0);
      BOOST_TEST_CONTEXT("cross_entropy(softmax([" << labels[i] << ", 0, 1]), e" << target << ") ("
                                                   << sizeof(T) * 8 << "-bit)") {
        expect_near("L", scalar(eval(L, zs, Y = y)), scalar_ld(value));
        expect_near("dz", grad(L, zs, Y = y)[Z].data, dz);
      }
      ++pairs;
    }
  }
}

namespace {
// The probability losses' log: max(ln p, -100), derivative 1 / max(p, 1e-12); NaN stays NaN.
ld clamped_log_ref(ld p) {
  ld const l = std::log(p);
  return std::isnan(l) ? l : std::max(l, ld(-100));
}
template <class T> ld clamped_log_slope_ref(T p) {
  return std::isnan(p) ? nan_ld : 1 / static_cast<ld>(std::max(p, T(1e-12)));
}
}  // namespace

// cross_entropy(p, y) on probabilities: -sum_j y_j clamped_log(p_j) over the rows (one row
// here); p = 0 gives 100 for the true class and 0 for the others, gradient -y / max(p, 1e-12).
BOOST_AUTO_TEST_CASE_TEMPLATE(cross_entropy_of_probabilities, T, float_types) {
  constexpr auto L = cross_entropy(Z, Y);
  for (std::size_t target : {0u, 1u}) {
    tensor<T, shape<3>> y{};
    y.data[target] = 1;
    for (std::size_t i = 0; i < n_inputs; ++i) {
      T const s = specials<T>()[i];
      var_set<T, decltype(Z)> ps;
      ps[Z].data = {s, T(0.25), T(0.75)};
      std::array<T, 3> const p = ps[Z].data;
      ld value = 0;
      vec dp{};
      for (std::size_t j = 0; j < 3; ++j) {
        ld const yj = j == target ? 1 : 0;
        value -= yj * clamped_log_ref(static_cast<T>(p[j]));  // 0 * NaN is NaN: propagates
        dp[j] = -yj * clamped_log_slope_ref(p[j]);
      }
      BOOST_TEST_CONTEXT("cross_entropy([" << labels[i] << ", 0.25, 0.75], e" << target << ") ("
                                           << sizeof(T) * 8 << "-bit)") {
        expect_near("L", scalar(eval(L, ps, Y = y)), scalar_ld(value));
        expect_near("dp", grad(L, ps, Y = y)[Z].data, dp);
      }
      ++pairs;
    }
  }
  // The cases the policy exists for, spelled out: log 0 is -100, 0 * log 0 is 0.
  var_set<T, decltype(Z)> ps;
  ps[Z].data = {T(0), T(1), T(0)};
  tensor<T, shape<3>> y{};
  y.data = {T(1), T(0), T(0)};
  BOOST_TEST(eval(L, ps, Y = y) == T(100));
  BOOST_TEST(grad(L, ps, Y = y)[Z].data[0] == T(-1e12));
  y.data = {T(0), T(1), T(0)};
  BOOST_TEST(eval(L, ps, Y = y) == T(0));
  BOOST_TEST(grad(L, ps, Y = y)[Z].data[0] == T(0));
}

// binary_cross_entropy(a, y) on probabilities: each log clamped as above; a = 0 or 1 gives
// a finite loss and gradient -y / max(a, 1e-12) + (1 - y) / max(1 - a, 1e-12), over n.
BOOST_AUTO_TEST_CASE_TEMPLATE(binary_cross_entropy_of_probabilities, T, float_types) {
  constexpr auto L = binary_cross_entropy(Z, Y);
  for (T t : {T(0), T(1)}) {
    tensor<T, shape<3>> y{};
    y.data = {t, T(1), T(0)};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      T const s = specials<T>()[i];
      var_set<T, decltype(Z)> ps;
      ps[Z].data = {s, T(0.25), T(0.75)};
      ld value = 0;
      vec da{};
      for (std::size_t j = 0; j < 3; ++j) {
        T const a = ps[Z].data[j];
        ld const yj = y.data[j];
        T const one_minus_a = T(1) - a;
        value -= (yj * clamped_log_ref(a) + (1 - yj) * clamped_log_ref(one_minus_a)) / 3;
        da[j] =
            (-yj * clamped_log_slope_ref(a) + (1 - yj) * clamped_log_slope_ref(one_minus_a)) / 3;
      }
      BOOST_TEST_CONTEXT("binary_cross_entropy([" << labels[i] << ", 0.25, 0.75], [" << t
                                                  << ", 1, 0]) (" << sizeof(T) * 8 << "-bit)") {
        expect_near("L", scalar(eval(L, ps, Y = y)), scalar_ld(value));
        expect_near("da", grad(L, ps, Y = y)[Z].data, da);
      }
      ++pairs;
    }
  }
  var_set<T, decltype(Z)> ps;
  ps[Z].data = {T(0), T(1), T(0.5)};
  tensor<T, shape<3>> y{};
  y.data = {T(0), T(1), T(1)};  // a = y where a is 0 or 1: those terms are exactly 0
  BOOST_TEST(eval(L, ps, Y = y) == T(std::log(2.0L) / 3), boost::test_tools::tolerance(T(1e-6)));
  y.data = {T(1), T(0), T(1)};  // a = 0 for y = 1 and a = 1 for y = 0: 100 each
  BOOST_TEST(eval(L, ps, Y = y) == T((200 + std::log(2.0L)) / 3),
             boost::test_tools::tolerance(T(1e-6)));
}

// binary_cross_entropy(sigmoid(z), y), fused: max(z, 0) - z y + log1p(exp(-|z|)), finite for
// every finite z (±max included); ±inf logits give NaN (inf - inf or inf * 0, as PyTorch)
// except z = -inf with y = 1, +inf; dL/dz is (sigmoid(z) - y) / n, finite for ±inf too.
BOOST_AUTO_TEST_CASE_TEMPLATE(sigmoid_binary_cross_entropy, T, float_types) {
  constexpr auto L = binary_cross_entropy(sigmoid(Z), Y);
  for (T t : {T(0), T(1)}) {
    tensor<T, shape<3>> y{};
    y.data = {t, T(1), T(0)};
    for (std::size_t i = 0; i < n_inputs; ++i) {
      T const s = specials<T>()[i];
      var_set<T, decltype(Z)> zs;
      zs[Z].data = {s, T(0.5), T(-0.5)};
      ld value = 0;
      vec dz{};
      for (std::size_t j = 0; j < 3; ++j) {
        ld const z = zs[Z].data[j];
        ld const yj = y.data[j];
        // max(z, 0) - z y in T's IEEE arithmetic: inf - inf or inf * 0 is NaN at ±inf,
        // except z = -inf with y = 1: 0 + inf, the limit.
        T const zt = zs[Z].data[j];
        ld const linear = (zt > 0 ? zt : T(0)) - zt * y.data[j];
        value += (linear + std::log1p(std::exp(-std::fabs(z)))) / 3;
        ld const a = std::isnan(z) ? nan_ld : 1 / (1 + std::exp(-z));
        dz[j] = (a - yj) / 3;
      }
      BOOST_TEST_CONTEXT("binary_cross_entropy(sigmoid([" << labels[i] << ", 0.5, -0.5]), [" << t
                                                          << ", 1, 0]) (" << sizeof(T) * 8
                                                          << "-bit)") {
        expect_near("L", scalar(eval(L, zs, Y = y)), scalar_ld(value));
        expect_near("dz", grad(L, zs, Y = y)[Z].data, dz);
      }
      ++pairs;
    }
  }
}

// mse: mean((a - y)^2), IEEE: overflows to +inf at ±max, gradient 2/n (a - y) finite there.
BOOST_AUTO_TEST_CASE_TEMPLATE(mse_extremes, T, float_types) {
  constexpr auto L = mse(Z, Y);
  tensor<T, shape<3>> y{};
  y.data = {T(0), T(1), T(0)};
  for (std::size_t i = 0; i < n_inputs; ++i) {
    T const s = specials<T>()[i];
    var_set<T, decltype(Z)> as;
    as[Z].data = {s, T(1), T(0.5)};
    T const sq = s * s;  // overflows to +inf in T, as the loss does
    ld const value = (static_cast<ld>(sq) + 0.25L) / 3;
    vec const da{static_cast<ld>(s) * 2 / 3, 0, 1.0L / 3};
    BOOST_TEST_CONTEXT("mse([" << labels[i] << ", 1, 0.5], [0, 1, 0]) (" << sizeof(T) * 8
                               << "-bit)") {
      expect_near("L", scalar(eval(L, as, Y = y)), scalar_ld(value));
      expect_near("da", grad(L, as, Y = y)[Z].data, da);
    }
    ++pairs;
  }
}

// Runs last (declaration order): how many pairs the cases above checked.
BOOST_AUTO_TEST_CASE(count) {
  std::cout << "numerics.softmax_losses: " << pairs
            << " (primitive or loss, input) pairs checked, value and gradient\n";
}
