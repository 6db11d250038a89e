// SPDX-License-Identifier: BSL-1.0
// Wide formulas (issue 19): a sum of 300 terms, f = sin(x) + sin(2x) + ... + sin(300x), about
// 1200 nodes and 1500 in its derivative, differentiates and evaluates with both compilers
// (it once took 256 s and 3.4 GB with g++ and stopped clang). The value is checked against
// the derivative summed here by a loop, not by ctgrad.
#define BOOST_TEST_MODULE engine.wide_sum
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <utility>

using namespace ctgrad;
constexpr auto x = var<"x">;

namespace {
// Two folds of 150 terms (clang 14 refuses a fold of more than 256 in the test's own code).
template <std::size_t First, std::size_t... Ks> constexpr auto sines(std::index_sequence<Ks...>) {
  return (... + sin(constant<First + Ks + 1> * x));
}
constexpr auto sine_sum() {
  return sines<0>(std::make_index_sequence<150>{}) + sines<150>(std::make_index_sequence<150>{});
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_sum_of_300_sines) {
  constexpr auto f = sine_sum();
  // x, 299 constants, 299 products, 300 sines and 10 add_n nodes (ops/add_n.hpp: each half is
  // 5 nodes of at most 32 terms; the second half is the first's last term), not 299 binary +.
  static_assert(topological_order_t<std::remove_cv_t<decltype(f)>>::size == 909);
  for (double v : {0.1, -1.3}) {
    double by_hand = 0;
    for (int k = 1; k <= 300; ++k) by_hand += k * std::cos(k * v);
    BOOST_TEST(eval(d(f, x), x = v) == by_hand, boost::test_tools::tolerance(1e-11));
  }
}
