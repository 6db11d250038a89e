// SPDX-License-Identifier: BSL-1.0
// The numerics policy (README, "Numerics policy") for the elementwise primitives: value and
// derivative at ±0, the smallest subnormal, ±1e4, ±max, ±inf and NaN, in float and double,
// at run time and (where the compiler allows: no division by zero) in constant evaluation.
#define BOOST_TEST_MODULE numerics.elementwise
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/ulp.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string_view>
#include <tuple>

using namespace ctgrad;
constexpr auto x = var<"x">;

namespace {

constexpr std::size_t n_inputs = 10;
constexpr std::array<std::string_view, n_inputs> labels{"+0",  "-0",   "denorm_min", "1e4",  "-1e4",
                                                        "max", "-max", "+inf",       "-inf", "NaN"};

template <class T> struct special {
  using lim = std::numeric_limits<T>;
  static constexpr T inf = lim::infinity();
  static constexpr T nan = lim::quiet_NaN();
  static constexpr T max = lim::max();
  static constexpr T tiny = lim::denorm_min();
  static constexpr std::array<T, n_inputs> inputs{T(0), T(-0.0), tiny, T(1e4), T(-1e4),
                                                  max,  -max,    inf,  -inf,   nan};
};

std::size_t pairs = 0;  // (primitive, input) pairs checked, both types together

// Checks f(x) and d(f, x) at every special input against the policy's values; NaN must be
// NaN, infinities must match exactly, finite values within `ulps` (the references are
// computed in the same type with <cmath>, ±0 count as equal).
template <class T, class F>
void expect_policy(std::string_view name, F f, std::array<T, n_inputs> const& value,
                   std::array<T, n_inputs> const& slope, std::uint64_t ulps = 2) {
  for (std::size_t i = 0; i < n_inputs; ++i) {
    T const at = special<T>::inputs[i];
    T const v = eval(f, x = at);
    T const g = eval(d(f, x), x = at);
    BOOST_TEST_CONTEXT(name << " at x = " << labels[i] << " (" << sizeof(T) * 8 << "-bit)") {
      BOOST_TEST(test::ulp_distance(v, value[i]) <= ulps, "value " << v << ", policy " << value[i]);
      BOOST_TEST(test::ulp_distance(g, slope[i]) <= ulps,
                 "derivative " << g << ", policy " << slope[i]);
    }
    ++pairs;
  }
}

}  // namespace

using float_types = std::tuple<float, double>;

BOOST_AUTO_TEST_CASE_TEMPLATE(exp_log_sqrt, T, float_types) {
  using s = special<T>;
  T const inf = s::inf, nan = s::nan, max = s::max, tiny = s::tiny;
  // exp overflows to +inf and underflows to 0; its derivative is its value.
  expect_policy<T>("exp", exp(x), {1, 1, 1, inf, 0, inf, 0, inf, 0, nan},
                   {1, 1, 1, inf, 0, inf, 0, inf, 0, nan});
  // log: -inf at ±0, NaN below 0; the derivative 1/z as IEEE computes it (±inf at ±0,
  // +inf where 1/denorm_min overflows, the formula's value below 0 as PyTorch).
  expect_policy<T>(
      "log", log(x),
      {-inf, -inf, std::log(tiny), std::log(T(1e4)), nan, std::log(max), nan, inf, nan, nan},
      {inf, -inf, inf, T(1) / T(1e4), T(-1) / T(1e4), T(1) / max, T(-1) / max, 0, 0, nan});
  // sqrt: keeps -0, NaN below 0; derivative 1/(2 sqrt z): ±inf at ±0, 0 at +inf.
  expect_policy<T>("sqrt", sqrt(x),
                   {0, 0, std::sqrt(tiny), 100, nan, std::sqrt(max), nan, inf, nan, nan},
                   {inf, -inf, T(1) / (T(2) * std::sqrt(tiny)), T(0.005), nan,
                    T(1) / (T(2) * std::sqrt(max)), nan, 0, nan, nan});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sigmoid_and_tanh_saturate, T, float_types) {
  using s = special<T>;
  T const nan = s::nan, tiny = s::tiny;
  // Exactly 0 or 1 (±1) from |z| = 1e4 on, derivative exactly 0, never NaN for any
  // non-NaN input, infinities included.
  expect_policy<T>("sigmoid", sigmoid(x), {T(0.5), T(0.5), T(0.5), 1, 0, 1, 0, 1, 0, nan},
                   {T(0.25), T(0.25), T(0.25), 0, 0, 0, 0, 0, 0, nan});
  expect_policy<T>("tanh", tanh(x), {0, 0, tiny, 1, -1, 1, -1, 1, -1, nan},
                   {1, 1, 1, 0, 0, 0, 0, 0, 0, nan});
  // Exactly 0, not a NaN from 0 * inf, in the saturated derivatives.
  BOOST_TEST(std::signbit(eval(tanh(x), x = T(-0.0))));
  BOOST_TEST(eval(d(sigmoid(x), x), x = T(-1e4)) == T(0));
  BOOST_TEST(eval(d(tanh(x), x), x = -s::max) == T(0));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(piecewise_linear, T, float_types) {
  using s = special<T>;
  T const inf = s::inf, nan = s::nan, max = s::max, tiny = s::tiny;
  // relu(NaN) is NaN; its derivative (z > 0) is 0 at ±0 and at NaN (as PyTorch).
  expect_policy<T>("relu", relu(x), {0, 0, tiny, T(1e4), 0, max, 0, inf, 0, nan},
                   {0, 0, 1, 1, 0, 1, 0, 1, 0, 0});
  T const c = T(1) / T(100);
  expect_policy<T>("leaky_relu", leaky_relu(x),
                   {0, 0, tiny, T(1e4), T(-100), max, -max * c, inf, -inf, nan},
                   {c, c, 1, 1, c, 1, c, 1, c, c});
  // abs: derivative sign(z), 0 at ±0 and NaN at NaN.
  expect_policy<T>("abs", abs(x), {0, 0, tiny, T(1e4), T(1e4), max, max, inf, inf, nan},
                   {0, 0, 1, 1, -1, 1, -1, 1, -1, nan});
  // square: overflows to +inf; derivative 2z overflows to ±inf.
  expect_policy<T>("pow<2>", pow<2>(x), {0, 0, 0, T(1e8), T(1e8), inf, inf, inf, inf, nan},
                   {0, 0, 2 * tiny, T(2e4), T(-2e4), inf, -inf, inf, -inf, nan});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sin_and_cos, T, float_types) {
  using s = special<T>;
  T const nan = s::nan, max = s::max, tiny = s::tiny;
  T const big = T(1e4);
  // Finite for every finite input, NaN at ±inf.
  expect_policy<T>(
      "sin", sin(x),
      {0, 0, tiny, std::sin(big), std::sin(-big), std::sin(max), std::sin(-max), nan, nan, nan},
      {1, 1, 1, std::cos(big), std::cos(-big), std::cos(max), std::cos(-max), nan, nan, nan});
  expect_policy<T>(
      "cos", cos(x),
      {1, 1, 1, std::cos(big), std::cos(-big), std::cos(max), std::cos(-max), nan, nan, nan},
      {0, 0, -tiny, -std::sin(big), -std::sin(-big), -std::sin(max), -std::sin(-max), nan, nan,
       nan});
}

// Constant evaluation gives the same values (math::ct), except where an operation divides
// by zero or overflows from finite operands, which both compilers reject, or (clang 14
// only) produces a NaN from any operand.
namespace ce {
using D = std::numeric_limits<double>;
using F = std::numeric_limits<float>;
constexpr bool is_nan(double v) { return v != v; }
static_assert(eval(sigmoid(x), x = -1e4) == 0.0 && eval(sigmoid(x), x = 1e4) == 1.0);
static_assert(eval(d(sigmoid(x), x), x = -D::infinity()) == 0.0);
static_assert(eval(sigmoid(x), x = -F::infinity()) == 0.0f);
static_assert(eval(sigmoid(x), x = -1e4f) == 0.0f && eval(d(sigmoid(x), x), x = 1e4f) == 0.0f);
static_assert(eval(sigmoid(x), x = D::denorm_min()) == 0.5);
static_assert(eval(tanh(x), x = -D::max()) == -1.0 && eval(d(tanh(x), x), x = 1e4) == 0.0);
static_assert(eval(tanh(x), x = 1e4f) == 1.0f && eval(d(tanh(x), x), x = -1e4f) == 0.0f);
#ifndef __clang__
static_assert(is_nan(eval(sigmoid(x), x = D::quiet_NaN())));
static_assert(is_nan(eval(d(tanh(x), x), x = D::quiet_NaN())));
#endif
static_assert(eval(exp(x), x = 1e4) == D::infinity() && eval(exp(x), x = -1e4) == 0.0);
static_assert(eval(d(exp(x), x), x = D::infinity()) == D::infinity());
static_assert(eval(log(x), x = 0.0) == -D::infinity() && is_nan(eval(log(x), x = -1.0)));
static_assert(eval(relu(x), x = -D::infinity()) == 0.0);
static_assert(is_nan(eval(relu(x), x = D::quiet_NaN())));
}  // namespace ce

// Runs last (declaration order): how many pairs the cases above checked.
BOOST_AUTO_TEST_CASE(count) {
  std::cout << "numerics.elementwise: " << pairs
            << " (primitive, input) pairs checked at run time, value and derivative\n";
}
