// SPDX-License-Identifier: BSL-1.0
// The derivative law, written once: the compile-time derived d(f, x), evaluated, agrees
// with the central difference (f(x+h) - f(x-h)) / 2h. The tolerance has two parts:
//   truncation: 1e-6 (|analytic| + |numeric|) + h²    (O(h²), and where both are ~0)
//   rounding:  64 ε (|f(x+h)| + |f(x-h)|) / h          (cancellation in the difference,
//              plus the spacing of subnormals)
// so a steep function is held to relative accuracy and a flat one to its rounding floor.
#pragma once

#include <ctgrad/ctgrad.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

namespace ctgrad::test {

struct difference_result {
  double analytic, numeric, allowed;
};

template <class F, class X, class... Others>
difference_result compare_with_central_difference(F f, X x, double at, Others... others) {
  double const h = 1e-6 * (at == 0.0 ? 1.0 : std::fabs(at));
  double const fp = eval(f, x = at + h, others...);
  double const fm = eval(f, x = at - h, others...);
  double const numeric = (fp - fm) / (2 * h);
  double const analytic = eval(d(f, x), x = at, others...);
  double const eps = std::numeric_limits<double>::epsilon();
  // Subnormal values are spaced denorm_min apart, whatever their relative size.
  double const quantum = std::numeric_limits<double>::denorm_min();
  double const allowed = 1e-6 * (std::fabs(analytic) + std::fabs(numeric)) + h * h +
                         (64 * eps * (std::fabs(fp) + std::fabs(fm)) + 2 * quantum) / h;
  return {analytic, numeric, allowed};
}

/// Checks d(f, x) against central differences at every point of a range (other variables
/// bound as given).
template <class F, class X, class Points, class... Others>
void check_derivative_at(F f, X x, Points const& points, Others... others) {
  for (double at : points) {
    auto const r = compare_with_central_difference(f, x, at, others...);
    BOOST_TEST_CONTEXT("d/d" << X::name << " " << to_string(f) << " = " << to_string(d(f, x))
                             << " at " << X::name << " = " << at) {
      BOOST_TEST(std::isfinite(r.analytic));
      BOOST_TEST(std::fabs(r.analytic - r.numeric) <= r.allowed,
                 "analytic " << r.analytic << " numeric " << r.numeric << " allowed " << r.allowed);
    }
  }
}

template <class F, class X, class... Others>
void check_derivative(F f, X x, std::initializer_list<double> points, Others... others) {
  check_derivative_at(f, x, points, others...);
}

/// n evenly spaced points in [lo, hi].
inline std::vector<double> linspace(double lo, double hi, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(lo + (hi - lo) * i / (n - 1));
  return v;
}

}  // namespace ctgrad::test
