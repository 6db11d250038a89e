// SPDX-License-Identifier: BSL-1.0
// Wide formulas (issue 19): a product of 100 factors, f = (x + 1)(x + 2)...(x + 100), whose
// derivative is f * (1/(x + 1) + ... + 1/(x + 100)), computed here by loops, not by ctgrad.
#define BOOST_TEST_MODULE engine.wide_product
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <utility>

using namespace ctgrad;
constexpr auto x = var<"x">;

namespace {
template <std::size_t... Ks> constexpr auto factors(std::index_sequence<Ks...>) {
  return (... * (x + constant<Ks + 1>));
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_product_of_100_factors) {
  constexpr auto f = factors(std::make_index_sequence<100>{});
  for (double v : {0.5, -0.25, 3.0}) {
    double product = 1, reciprocals = 0;
    for (int k = 1; k <= 100; ++k) {
      product *= v + k;
      reciprocals += 1 / (v + k);
    }
    BOOST_TEST(eval(f, x = v) == product, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(eval(d(f, x), x = v) == product * reciprocals, boost::test_tools::tolerance(1e-11));
  }
}
