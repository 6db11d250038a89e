// SPDX-License-Identifier: BSL-1.0
// silu: against PyTorch (float64), central differences of the first and second derivatives,
// large inputs, constant evaluation.
#define BOOST_TEST_MODULE ops.silu
#include "support/derivative_check.hpp"
#include "support/torch_check.hpp"

using namespace ctgrad;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  ::test::check_unary_against_torch<shape<6, 17>>("silu", [](auto z) { return silu(z); });
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(silu(x), x, linspace(-20, 20, 201));
  check_derivative_at(d(silu(x), x), x, linspace(-20, 20, 201));
  check_derivative(silu(x), x, {0.0, 1e-300, 50.0, -50.0});
}

BOOST_AUTO_TEST_CASE(large_inputs_and_constant_evaluation) {
  BOOST_TEST(eval(silu(x), x = 1e4) == 1e4);
  BOOST_TEST(eval(silu(x), x = -1e4) == 0.0);
  BOOST_TEST(eval(d(silu(x), x), x = -1e4) == 0.0);
  static_assert(eval(silu(x), x = 0.0) == 0.0);
  static_assert(eval(d(silu(x), x), x = 0.0) == 0.5);
  static_assert(eval(silu(x), x = -1e4) == 0.0);
}
