// SPDX-License-Identifier: BSL-1.0
// Networks that are DAGs, not chains: a residual connection h + f(h), a value used twice,
// a parameter shared by two layers, and gradients for inputs on request.
#define BOOST_TEST_MODULE nets.graphs
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <iostream>

using namespace ctgrad;

template <class Loss, class Set, class... Bindings>
double gradcheck_error(Loss loss, Set const& s, Bindings const&... b) {
  auto const r = check::gradcheck(loss, s, b...);
  std::cout << r << '\n';
  return r.max_relative_error;
}

template <std::size_t B> void residual_mlp(unsigned seed) {
  constexpr auto X = input<"X", B, 6>;
  constexpr auto Y = input<"Y", B, 3>;
  constexpr auto W1 = param<"W1", 6, 6>;
  constexpr auto b1 = param<"b1", 6>;
  constexpr auto W2 = param<"W2", 6, 6>;
  constexpr auto b2 = param<"b2", 6>;
  constexpr auto W3 = param<"W3", 6, 3>;
  constexpr auto b3 = param<"b3", 3>;
  constexpr auto h = tanh(dense(X, W1, b1));
  constexpr auto r = h + relu(dense(h, W2, b2));  // residual: h reaches the output twice
  constexpr auto loss = cross_entropy(softmax(dense(r, W3, b3)), Y);
  auto ps = params<double>(loss);
  test::fill_normal(ps, seed);
  auto const x = test::normal_tensor<double, shape<B, 6>>(seed + 1);
  auto const y = test::one_hot<double, B, 3>(seed);
  BOOST_TEST(gradcheck_error(loss, ps, X = x, Y = y) < 1e-7);
}

BOOST_AUTO_TEST_CASE(residual_connection) {
  residual_mlp<1>(1);
  residual_mlp<4>(2);
}

BOOST_AUTO_TEST_CASE(fan_out_and_shared_parameters) {
  constexpr auto X = input<"X", 3, 4>;
  constexpr auto Y = input<"Y", 3, 4>;
  constexpr auto W = param<"W", 4, 4>;  // used by two layers
  constexpr auto b = param<"b", 4>;
  constexpr auto c = param<"c", 4>;
  constexpr auto z = dense(X, W, b);
  constexpr auto a = sigmoid(z);
  constexpr auto u = a * z + exp(-a) * a;  // a and z each used several times
  constexpr auto loss = mse(dense(u, W, c), Y) + mean(a * a);
  auto ps = params<double>(loss);
  static_assert(decltype(ps)::size == 3);  // W once, though the net uses it twice
  test::fill_normal(ps, 5);
  auto const x = test::normal_tensor<double, shape<3, 4>>(6);
  auto const y = test::normal_tensor<double, shape<3, 4>>(7);
  BOOST_TEST(gradcheck_error(loss, ps, X = x, Y = y) < 1e-7);
}

BOOST_AUTO_TEST_CASE(input_gradient_on_request) {
  constexpr auto X = input<"X", 2, 3>;
  constexpr auto W = param<"W", 3, 2>;
  constexpr auto b = param<"b", 2>;
  constexpr auto loss = sum(tanh(dense(X, W, b)));
  var_set<double, decltype(X), decltype(W), decltype(b)> wrt;  // dL/dX as well as dL/dW
  test::fill_normal(wrt, 9, 1.0);
  BOOST_TEST(gradcheck_error(loss, wrt) < 1e-7);

  // Only the parameters: the input's gradient is not computed at all.
  auto ps = params<double>(loss);
  ps[W] = wrt[W];
  ps[b] = wrt[b];
  auto const g = grad(loss, ps, X = wrt[X]);
  auto const full = grad(loss, wrt);
  BOOST_TEST(check::relative_error(g[W], full[W]) == 0.0);
}

BOOST_AUTO_TEST_CASE(parameter_without_influence_gets_zero) {
  constexpr auto X = input<"X", 1, 2>;
  constexpr auto W = param<"W", 2, 2>;
  constexpr auto b = param<"b", 2>;
  constexpr auto loss = sum(step(dense(X, W, b)));  // step: derivative zero everywhere
  var_set<double, decltype(W), decltype(b)> wrt;
  test::fill_normal(wrt, 3);
  tensor<double, shape<1, 2>> x{};
  x(0, 0) = 1;
  var_set<double, decltype(W), decltype(b)> g;
  g[W](0, 0) = 42;  // must be overwritten
  g[b](1) = 42;
  double const L = grad_into(loss, g, wrt, X = x);
  BOOST_TEST(L == eval(loss, wrt, X = x));
  for (double v : g[W]) BOOST_TEST(v == 0.0);
  for (double v : g[b]) BOOST_TEST(v == 0.0);
}
