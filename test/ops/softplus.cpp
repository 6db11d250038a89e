// SPDX-License-Identifier: BSL-1.0
// softplus: against PyTorch (float64) including its threshold at 20 (values and slopes
// just below, at and above it), central differences of the first and second derivatives,
// large inputs, constant evaluation.
#define BOOST_TEST_MODULE ops.softplus
#include "support/derivative_check.hpp"
#include "support/torch_check.hpp"

#include <cmath>

using namespace ctgrad;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  ::test::check_unary_against_torch<shape<6, 17>>("softplus", [](auto z) { return softplus(z); });
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(softplus(x), x, linspace(-30, 19.5, 200));
  check_derivative_at(d(softplus(x), x), x, linspace(-30, 19.5, 200));
}

BOOST_AUTO_TEST_CASE(threshold_large_inputs_and_constant_evaluation) {
  BOOST_TEST(eval(softplus(x), x = 20.5) == 20.5);
  BOOST_TEST(eval(d(softplus(x), x), x = 20.5) == 1.0);
  BOOST_TEST(eval(softplus(x), x = -800.0) == 0.0);
  BOOST_TEST(eval(softplus(x), x = 2.0) == std::log1p(std::exp(2.0)));
  static_assert(eval(d(softplus(x), x), x = 0.0) == 0.5);
  static_assert(eval(softplus(x), x = 1e4) == 1e4);
}
