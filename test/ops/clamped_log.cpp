// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE ops.clamped_log
#include "support/derivative_check.hpp"

#include <cmath>
#include <limits>

using namespace ctgrad;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto p = var<"p">;

BOOST_AUTO_TEST_CASE(rule) {
  BOOST_TEST(to_string(clamped_log(p)) == "clamped_log(p)");
  BOOST_TEST(to_string(d(clamped_log(p), p)) == "1 / max(p, 1e-12)");
}

// From 1e-12 up it is ln p with derivative 1/p (below, the derivative is held at 1e12: see
// clamp).
BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(clamped_log(p), p, linspace(0.01, 100, 200));
  check_derivative(clamped_log(p), p, {1e-11, 1e-10, 1.0, 1e300});
}

BOOST_AUTO_TEST_CASE(clamp) {
  BOOST_TEST(eval(clamped_log(p), p = 0.0) == -100.0);
  BOOST_TEST(eval(clamped_log(p), p = -0.0) == -100.0);
  BOOST_TEST(eval(clamped_log(p), p = 1e-50) == -100.0);  // ln 1e-50 = -115.1
  BOOST_TEST(eval(clamped_log(p), p = 0.0f) == -100.0f);
  // The derivative keeps its sign and is at most 1e12 (it pushes p up, without inf).
  BOOST_TEST(eval(d(clamped_log(p), p), p = 0.0) == 1e12);
  BOOST_TEST(eval(d(clamped_log(p), p), p = 1e-20) == 1e12);  // as torch's BCELoss: not 1e20
  BOOST_TEST(eval(d(clamped_log(p), p), p = 0.5) == 2.0);
  BOOST_TEST(eval(d(clamped_log(p), p), p = 0.0f) == 1e12f);
}

BOOST_AUTO_TEST_CASE(nan_and_infinity) {
  double const nan = std::numeric_limits<double>::quiet_NaN();
  double const inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(std::isnan(eval(clamped_log(p), p = nan)));
  BOOST_TEST(std::isnan(eval(d(clamped_log(p), p), p = nan)));
  BOOST_TEST(std::isnan(eval(clamped_log(p), p = -1.0)));
  BOOST_TEST(eval(clamped_log(p), p = inf) == inf);
  BOOST_TEST(eval(d(clamped_log(p), p), p = inf) == 0.0);
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(clamped_log(p), p = 1.0) == 0.0);
  static_assert(eval(clamped_log(p), p = 0.0) == -100.0);
  static_assert(eval(d(clamped_log(p), p), p = 0.25) == 4.0);
}
