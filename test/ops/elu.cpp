// SPDX-License-Identifier: BSL-1.0
// elu (alpha 1 and 1/2): against PyTorch (float64), central differences of the first and
// second derivatives, the slope far below zero (alpha e^z, not a cancelled a + alpha).
#define BOOST_TEST_MODULE ops.elu
#include "support/derivative_check.hpp"
#include "support/torch_check.hpp"

#include <cmath>

using namespace ctgrad;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  ::test::check_unary_against_torch<shape<6, 17>>("elu.alpha1", [](auto z) { return elu(z); });
  ::test::check_unary_against_torch<shape<6, 17>>("elu.alpha0.5",
                                                  [](auto z) { return elu<1, 2>(z); });
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(elu(x), x, linspace(-10, 10, 200));  // 0 itself is the kink
  check_derivative_at(elu<1, 2>(x), x, linspace(-10, 10, 200));
  check_derivative_at(d(elu<1, 2>(x), x), x, linspace(-10, 10, 200));
  BOOST_TEST(to_string(elu<1, 2>(x)) == "elu(x, 1/2)");
}

BOOST_AUTO_TEST_CASE(slope_keeps_its_relative_accuracy_far_below_zero) {
  BOOST_TEST(eval(d(elu(x), x), x = -30.0) == std::exp(-30.0), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(eval(d(elu(x), x), x = 1e4) == 1.0);
  static_assert(eval(d(elu<1, 2>(x), x), x = 0.0) == 0.5);
}
