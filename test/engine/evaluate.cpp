// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE core.evaluate
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <type_traits>

using namespace ctgrad;
using namespace ctgrad::literals;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

namespace {
int forward_calls = 0;

// A test-only primitive that counts its evaluations: the evaluator must run each distinct
// node once, however many times it appears in the expression.
template <class Z> struct counted_node : node<Z> {
  using shape = shape_of_t<Z>;  // elementwise
  static constexpr print_style style{print_style::call, "counted"};
  static auto forward(auto z) {
    ++forward_calls;
    return z;
  }
  static constexpr auto vjp(Z, counted_node, auto da) { return da; }
};
template <Expression Z> constexpr auto counted(Z) { return counted_node<Z>{}; }
}  // namespace

BOOST_AUTO_TEST_CASE(each_distinct_node_evaluated_once) {
  constexpr auto c = counted(x * y);
  constexpr auto f = exp(c) + c * sin(c) + tanh(c) * x;
  forward_calls = 0;
  (void)eval(f, x = 0.5, y = 2.0);
  BOOST_TEST(forward_calls == 1);

  forward_calls = 0;  // the derivative reuses c as well, in one pass with all of grad
  (void)eval(grad(f, x, y), x = 0.5, y = 2.0);
  BOOST_TEST(forward_calls == 1);
}

BOOST_AUTO_TEST_CASE(workspace_has_one_slot_per_distinct_node) {
  constexpr auto s = sin(x);
  constexpr auto f = s * y + s;  // x, sin(x), y, sin(x)*y, + : five distinct nodes
  static_assert(topological_order_t<decltype(f)>::size == 5);
}

BOOST_AUTO_TEST_CASE(value_type_follows_the_bindings) {
  static_assert(std::is_same_v<decltype(eval(x * y, x = 1.0f, y = 2.0f)), float>);
  static_assert(std::is_same_v<decltype(eval(x * y, x = 1.0, y = 2.0)), double>);
  static_assert(std::is_same_v<decltype(eval(x * y, x = 1.0f, y = 2.0)), double>);
  static_assert(std::is_same_v<decltype(eval(x, x = 2)), double>);  // integers evaluate as double
  static_assert(std::is_same_v<decltype(eval(2_c)), double>);
}

BOOST_AUTO_TEST_CASE(constants_and_unused_bindings) {
  static_assert(eval(constant<1, 4>) == 0.25);
  static_assert(eval(x * 2_c, x = 3.0, y = 100.0) == 6.0);  // y is not in the expression
  static_assert(eval(0.125_c * x, x = 8.0f) == 1.0f);
}

BOOST_AUTO_TEST_CASE(float_and_double_agree) {
  constexpr auto f = sigmoid(x * y) * log(x);
  float const vf = eval(d(f, x), x = 1.5f, y = -0.5f);
  double const vd = eval(d(f, x), x = 1.5, y = -0.5);
  BOOST_TEST(vf == vd, boost::test_tools::tolerance(1e-6));
}
