// SPDX-License-Identifier: BSL-1.0
// gelu (exact and tanh forms), normal_cdf, normal_pdf: against PyTorch (float64), central
// differences of the first and (exact form) second derivatives, constant evaluation, and
// the constexpr erf against <cmath>.
#define BOOST_TEST_MODULE ops.gelu
#include "support/derivative_check.hpp"
#include "support/torch_check.hpp"
#include "support/ulp.hpp"

#include <cmath>

using namespace ctgrad;
using ctgrad::test::check_derivative;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  ::test::check_unary_against_torch<shape<6, 17>>("gelu.erf", [](auto z) { return gelu(z); });
  ::test::check_unary_against_torch<shape<6, 17>>("gelu.tanh", [](auto z) { return gelu_tanh(z); });
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  check_derivative_at(gelu(x), x, linspace(-8, 8, 161));
  check_derivative_at(gelu_tanh(x), x, linspace(-8, 8, 161));
  check_derivative_at(d(gelu(x), x), x, linspace(-8, 8, 161));  // second derivative
  check_derivative_at(normal_cdf(x), x, linspace(-8, 8, 81));
  check_derivative_at(normal_pdf(x), x, linspace(-8, 8, 81));
  check_derivative(gelu(x), x, {0.0, 1e-300, 30.0, -30.0});
  BOOST_TEST(to_string(d(gelu(x), x)) == "normal_cdf(x) + x*normal_pdf(x)");
}

BOOST_AUTO_TEST_CASE(constant_evaluation) {
  static_assert(eval(gelu(x), x = 0.0) == 0.0);
  static_assert(eval(d(gelu(x), x), x = 0.0) == 0.5);
  constexpr double at_one = eval(gelu(x), x = 1.0);
  BOOST_TEST(at_one == eval(
                           gelu(x), x =
                                        [] {
                                          volatile double one = 1.0;
                                          return one;
                                        }()),
             boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(constexpr_erf_is_within_2_ulp_of_cmath) {
  int worst = 0;
  for (double v : linspace(-7, 7, 2801)) {
    double const ct = math::ct::erf(v);
    double const rt = std::erf(v);
    int const ulps = static_cast<int>(ctgrad::test::ulp_distance(ct, rt));
    worst = std::max(worst, ulps);
  }
  BOOST_TEST_MESSAGE("constexpr erf: worst " << worst << " ulp from std::erf on [-7, 7]");
  BOOST_TEST(worst <= 2);
  BOOST_TEST(std::isnan(math::ct::erf(std::nan(""))));
}
