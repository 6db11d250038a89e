// SPDX-License-Identifier: BSL-1.0
// add_n (ops/add_n.hpp): a sum of 8 or more terms of one shape is one node; values, the chain
// rule (every term's adjoint is the sum's) through d and through the reverse sweep, like terms
// collected into it and removed from it, and where a negative result goes.
#define BOOST_TEST_MODULE ops.add_n
#include "support/derivative_check.hpp"
#include "support/random.hpp"

#include <cmath>

using namespace ctgrad;
using namespace ctgrad::literals;
using ctgrad::test::check_derivative_at;
using ctgrad::test::linspace;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// Nine scalar terms: the chain reaches 8 terms and becomes one add_n node.
constexpr auto nine =
    sin(x) + cos(x) + exp(x) + tanh(x) + x * y + pow<3>(x) + sin(y * x) + cos(x * x) + exp(y * x);

BOOST_AUTO_TEST_CASE(eight_terms_make_one_node) {
  static_assert(detail::is_add_n_c<std::remove_cv_t<decltype(nine)>>::value);
  static_assert(children_t<std::remove_cv_t<decltype(nine)>>::size == 9);
  // Seven terms stay binary +.
  constexpr auto seven = sin(x) + cos(x) + exp(x) + tanh(x) + x * y + pow<3>(x) + sin(y * x);
  static_assert(!detail::is_add_n_c<std::remove_cv_t<decltype(seven)>>::value);
  BOOST_TEST(to_string(nine) ==
             "sin(x) + cos(x) + exp(x) + tanh(x) + x*y + x^3 + sin(y*x) + cos(x^2) + exp(y*x)");
}

BOOST_AUTO_TEST_CASE(like_terms_are_collected_and_removed) {
  BOOST_TEST(to_string(nine + 2_c * cos(x)) ==
             "sin(x) + 3*cos(x) + exp(x) + tanh(x) + x*y + x^3 + sin(y*x) + cos(x^2) + exp(y*x)");
  BOOST_TEST(to_string(nine - exp(x)) ==
             "sin(x) + cos(x) + tanh(x) + x*y + x^3 + sin(y*x) + cos(x^2) + exp(y*x)");
  // A negative result leaves the node and is subtracted, as binary - prints it.
  BOOST_TEST(to_string(nine - 3_c * tanh(x)) ==
             "sin(x) + cos(x) + exp(x) + x*y + x^3 + sin(y*x) + cos(x^2) + exp(y*x) - 2*tanh(x)");
}

BOOST_AUTO_TEST_CASE(value_and_derivative) {
  double const xv = 0.3, yv = -0.7;
  double const by_hand = std::sin(xv) + std::cos(xv) + std::exp(xv) + std::tanh(xv) + xv * yv +
                         xv * xv * xv + std::sin(yv * xv) + std::cos(xv * xv) + std::exp(yv * xv);
  BOOST_TEST(eval(nine, x = xv, y = yv) == by_hand, boost::test_tools::tolerance(1e-15));
  check_derivative_at(nine, x, linspace(-2, 2, 21), y = yv);
  check_derivative_at(nine, y, linspace(-2, 2, 21), x = xv);
  check_derivative_at(nine - 3_c * tanh(x), x, linspace(-2, 2, 21), y = yv);
}

// Tensors of one shape: the reverse sweep (grad) runs the node's forward and rule.
constexpr auto a = param<"a", 3, 4>;
constexpr auto b = param<"b", 3, 4>;
constexpr auto c = param<"c", 3, 4>;
constexpr auto e = param<"e", 3, 4>;
constexpr auto f = param<"f", 3, 4>;
constexpr auto g = param<"g", 3, 4>;
constexpr auto h = param<"h", 3, 4>;
constexpr auto k = param<"k", 3, 4>;
constexpr auto s = a + b + c + e + f + g + h + k + a;  // a twice: 2*a
constexpr auto loss = sum(s * s);

BOOST_AUTO_TEST_CASE(tensor_sum_through_the_sweep) {
  static_assert(detail::is_add_n_c<std::remove_cv_t<decltype(s)>>::value);
  auto ps = params<double>(loss);
  ::test::fill_normal(ps, 7);
  auto const gr = grad(loss, ps);
  for (std::size_t i = 0; i < 12; ++i) {
    double const total = 2 * ps[a].data[i] + ps[b].data[i] + ps[c].data[i] + ps[e].data[i] +
                         ps[f].data[i] + ps[g].data[i] + ps[h].data[i] + ps[k].data[i];
    // d sum(s^2) / d t = 2 s for each term t, and 2 * 2 s for a (counted twice).
    BOOST_TEST(gr[b].data[i] == 2 * total, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(gr[k].data[i] == 2 * total, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(gr[a].data[i] == 4 * total, boost::test_tools::tolerance(1e-14));
  }
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST(r.ok(1e-7));
}
