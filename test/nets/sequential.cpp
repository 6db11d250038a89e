// SPDX-License-Identifier: BSL-1.0
// sequential(x, layers...) builds the same expression type as the DAG form, names its
// parameters W1, b1, W2, ... and trains like any other net.
#define BOOST_TEST_MODULE nets.sequential
#include <boost/test/unit_test.hpp>

#include "../support/random.hpp"

#include <ctgrad/ctgrad.hpp>

#include <type_traits>

using namespace ctgrad;

constexpr auto X = input<"X", 5, 4>;
constexpr auto Y = input<"Y", 5, 2>;
constexpr auto W1 = param<"W1", 4, 8>;
constexpr auto b1 = param<"b1", 8>;
constexpr auto W2 = param<"W2", 8, 2>;
constexpr auto b2 = param<"b2", 2>;

constexpr auto net = sequential(X, layer::dense<8>, layer::relu, layer::dense<2>);

static_assert(std::is_same_v<std::remove_cv_t<decltype(net)>,
                             decltype(dense(relu(dense(X, W1, b1)), W2, b2))>,
              "sequential is the DAG form, parameters named W1, b1, W2, b2");

static_assert(std::is_same_v<decltype(sequential<"enc.">(X, layer::dense<3>, layer::tanh)),
                             decltype(tanh(dense(X, param<"enc.W1", 4, 3>, param<"enc.b1", 3>)))>,
              "a prefix goes in front of every parameter name");

// Layer counts above 9 spell their index in decimal.
constexpr auto deep =
    sequential(input<"x", 1, 2>, layer::dense<2>, layer::dense<2>, layer::dense<2>, layer::dense<2>,
               layer::dense<2>, layer::dense<2>, layer::dense<2>, layer::dense<2>, layer::dense<2>,
               layer::dense<2>, layer::dense<2>, layer::dense<2>);
static_assert(param_set<float, std::remove_cv_t<decltype(deep)>>::size == 24);
static_assert(detail::contains_v<params_of_t<std::remove_cv_t<decltype(deep)>>,
                                 std::remove_cv_t<decltype(param<"W12", 2, 2>)>>);
static_assert(detail::contains_v<params_of_t<std::remove_cv_t<decltype(deep)>>,
                                 std::remove_cv_t<decltype(param<"b10", 2>)>>);

BOOST_AUTO_TEST_CASE(any_callable_is_a_layer_and_the_gradient_checks) {
  constexpr auto residual = [](auto h) { return h + leaky_relu(h); };
  constexpr auto loss = cross_entropy(
      softmax(sequential(X, layer::dense<8>, layer::tanh, residual, layer::dense<2>)), Y);
  auto ps = params<double>(loss);
  test::fill_normal(ps, 7);
  auto const x = test::normal_tensor<double, shape<5, 4>>(8);
  auto const y = test::one_hot<double, 5, 2>(3);
  auto const r = check::gradcheck(loss, ps, X = x, Y = y);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(r.entries_checked == decltype(ps)::scalar_count);
}
