// SPDX-License-Identifier: BSL-1.0
// select(cond, a, b): the chosen side's value, its gradient to the chosen side only, and
// second derivatives through it (against hand derivations).
#define BOOST_TEST_MODULE ops.select
#include <boost/test/unit_test.hpp>

#include "../support/random.hpp"

#include <ctgrad/ctgrad.hpp>

#include <cmath>

using namespace ctgrad;

BOOST_AUTO_TEST_CASE(value_and_gradient_follow_the_mode) {
  constexpr auto A = param<"A", 2, 3>;
  constexpr auto B = param<"B", 2, 3>;
  constexpr auto M = input<"m">;
  constexpr auto loss = sum(select(M, A * A, exp(B)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 1);
  for (double mode : {1.0, 0.0, -1.0}) {
    auto const r = check::gradcheck(loss, ps, M = mode);
    BOOST_TEST_MESSAGE("mode " << mode << ": " << r);
    BOOST_TEST(r.ok(1e-8));
    auto const g = grad(loss, ps, M = mode);
    for (std::size_t i = 0; i < 6; ++i) {
      BOOST_TEST(g[A].data[i] == (mode > 0 ? 2 * ps[A].data[i] : 0.0));
      BOOST_TEST(g[B].data[i] == (mode > 0 ? 0.0 : std::exp(ps[B].data[i])));
    }
  }
}

BOOST_AUTO_TEST_CASE(second_derivatives) {
  constexpr auto x = var<"x">;
  constexpr auto m = var<"m">;
  constexpr auto f2 = d(d(select(m, x * x * x, sin(x)), x), x);
  BOOST_TEST(eval(f2, x = 0.7, m = 1.0) == 6 * 0.7, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(eval(f2, x = 0.7, m = 0.0) == -std::sin(0.7), boost::test_tools::tolerance(1e-14));
}
