// SPDX-License-Identifier: BSL-1.0
// CTGRAD_CHECK_FINITE (opt-in, for the whole program): every forward pass at run time names
// the first node, in evaluation order, whose value went non-finite. Constant evaluation is
// unaffected. (Without the macro nothing is checked: every other test evaluates NaN freely.)
#define CTGRAD_CHECK_FINITE
#define BOOST_TEST_MODULE numerics.check_finite_nodes
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <limits>
#include <stdexcept>
#include <string>

using namespace ctgrad;

namespace {
// The message of the exception f throws ("" if none).
template <class F> std::string thrown(F f) {
  try {
    f();
  } catch (std::runtime_error const& e) {
    return e.what();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(names_the_first_non_finite_node_in_eval_and_grad) {
  constexpr auto W = param<"W", 3>;
  constexpr auto L = sum(exp(sqrt(W)) * W);
  var_set<double, decltype(W)> ps;
  ps[W].data = {1, -1, 4};  // sqrt(-1) is NaN, and everything after it
  std::string const expected =
      "ctgrad: CTGRAD_CHECK_FINITE: the first non-finite node (2 of 5 in evaluation order) is "
      "sqrt(W), entry 1 = nan";
  BOOST_TEST(thrown([&] { eval(L, ps); }) == expected);
  BOOST_TEST(thrown([&] { grad(L, ps); }) == expected);
  var_set<double, decltype(W)> g;
  BOOST_TEST(thrown([&] { grad_into(L, g, ps); }) == expected);
  ps[W].data = {1, 2, 4};
  BOOST_TEST(thrown([&] { eval(L, ps); }) == "");
}

BOOST_AUTO_TEST_CASE(an_input_or_an_overflow_is_named_too) {
  constexpr auto x = var<"x">;
  constexpr auto X = input<"X", 2, 2>;
  tensor<float, shape<2, 2>> v{};
  v.data[3] = -std::numeric_limits<float>::infinity();
  BOOST_TEST(thrown([&] { eval(sum(X * X), X = v); }) ==
             "ctgrad: CTGRAD_CHECK_FINITE: the first non-finite node (1 of 3 in evaluation "
             "order) is X, entry 3 = -inf");
  BOOST_TEST(thrown([&] { eval(sigmoid(exp(x)), x = 100.0f); }).find("is exp(x), entry 0 = inf") !=
             std::string::npos);
  // Constant evaluation is not checked (nor could it throw).
  static_assert(eval(x * x, x = 3.0) == 9.0);
}
