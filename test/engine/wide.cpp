// SPDX-License-Identifier: BSL-1.0
// Wide formulas (issue 19): expressions of hundreds of nodes differentiate with both compilers
// (clang once stopped at folds of 256 elements over a graph's nodes). Values against hand
// derivatives computed here by loops, not by ctgrad.
#define BOOST_TEST_MODULE engine.wide
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <utility>

using namespace ctgrad;
using namespace ctgrad::literals;
constexpr auto x = var<"x">;

namespace {
// f = sin(x) + sin(2x) + ... + sin(75x): 298 nodes (x, sin(x), then a constant, a product,
// a sine and a sum for each further term).
template <std::size_t... Ks> constexpr auto sine_sum(std::index_sequence<Ks...>) {
  return (... + sin(constant<Ks + 1> * x));
}
// p = x + x^2 + ... + x^50, a degree-50 polynomial.
template <std::size_t... Ks> constexpr auto polynomial(std::index_sequence<Ks...>) {
  return (... + pow<static_cast<int>(Ks + 1)>(x));
}
constexpr double dp_by_hand(double v) {  // sum of k v^(k-1)
  double s = 0, power = 1;
  for (int k = 1; k <= 50; ++k, power *= v) s += k * power;
  return s;
}
}  // namespace

// The polynomial's derivative at 1/2 is a sum of dyadic fractions that double holds exactly.
static_assert(eval(d(polynomial(std::make_index_sequence<50>{}), x), x = 0.5) == dp_by_hand(0.5));

BOOST_AUTO_TEST_CASE(a_sum_of_75_sines_has_227_nodes) {
  constexpr auto f = sine_sum(std::make_index_sequence<75>{});
  // x, 74 constants k, 74 products k*x (1*x is x), 75 sines, and the sum as 3 add_n nodes
  // (ops/add_n.hpp: 32 terms, then the first node and 31 terms, then the second and 12): not
  // 74 binary + nodes, one per term.
  static_assert(topological_order_t<std::remove_cv_t<decltype(f)>>::size == 227);
  double by_hand = 0;
  for (int k = 1; k <= 75; ++k) by_hand += k * std::cos(k * 0.1);
  BOOST_TEST(eval(d(f, x), x = 0.1) == by_hand, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(a_degree_50_polynomial) {
  constexpr auto p = polynomial(std::make_index_sequence<50>{});
  BOOST_TEST(eval(d(p, x), x = -0.7) == dp_by_hand(-0.7), boost::test_tools::tolerance(1e-12));
}
