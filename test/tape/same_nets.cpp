// SPDX-License-Identifier: BSL-1.0
// The tape's gradients of networks equal ctgrad's compile-time ones (grad_into), loss and
// every parameter's gradient, to the bit (see same_as_ctgrad.hpp): 4-8-2 ReLU softmax
// cross-entropy (batch 1 and 5, double and float), 2-16-16-1 sigmoid MSE, a residual block
// (a fan-out whose adjoints add in the same order), 784-128-10 batch 32 in float.
#define BOOST_TEST_MODULE tape.same_nets
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape.hpp>

#include "support/random.hpp"
#include "tape/same_as_ctgrad.hpp"

#include <memory>

using namespace ctgrad;
namespace tp = ctgrad::tape;

template <class T> constexpr double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;

// Compares t's gradient of each parameter handle with ctgrad's, parameter by parameter.
template <class T, class Set, class... Vars, class... Handles>
void expect_same_gradients(tp::recorder<T>& t, Set const& g, std::tuple<Vars...> vars,
                           std::tuple<Handles...> handles) {
  auto one = [&](auto i) {
    constexpr std::size_t I = decltype(i)::value;
    BOOST_TEST_CONTEXT("parameter " << I) {
      auto const& expected = g[std::get<I>(vars)];
      tape_test::expect_same(t.grad(std::get<I>(handles)), expected.data, expected.size,
                             tolerance<T>);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (one(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::index_sequence_for<Vars...>{});
}

template <class T, std::size_t B> void mlp_4_8_2(unsigned seed) {
  constexpr auto X = input<"X", B, 4>;
  constexpr auto Y = input<"Y", B, 2>;
  constexpr auto W1 = param<"W1", 4, 8>;
  constexpr auto b1 = param<"b1", 8>;
  constexpr auto W2 = param<"W2", 8, 2>;
  constexpr auto b2 = param<"b2", 2>;
  constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  auto ps = params<T>(loss);
  test::fill_normal(ps, seed);
  auto const x = test::normal_tensor<T, shape<B, 4>>(seed + 1);
  auto const y = test::one_hot<T, B, 2>(seed);
  auto g = ps;
  T const expected = grad_into(loss, g, ps, X = x, Y = y);

  tp::recorder<T> t;
  auto w1 = t.param(ps[W1]);
  auto c1 = t.param(ps[b1]);
  auto w2 = t.param(ps[W2]);
  auto c2 = t.param(ps[b2]);
  auto const h = relu(dense(t.input(x), w1, c1));
  T const L = t.backward(cross_entropy(softmax(dense(h, w2, c2)), t.input(y)));
  tape_test::expect_same(&L, &expected, 1, tolerance<T>);
  expect_same_gradients(t, g, std::tuple{W1, b1, W2, b2}, std::tuple{w1, c1, w2, c2});
}

BOOST_AUTO_TEST_CASE(mlp_4_8_2_relu_softmax_cross_entropy) {
  mlp_4_8_2<double, 1>(1);
  mlp_4_8_2<double, 5>(2);
  mlp_4_8_2<float, 1>(3);
  mlp_4_8_2<float, 5>(4);
}

BOOST_AUTO_TEST_CASE(mlp_2_16_16_1_sigmoid_mse) {
  constexpr auto X = input<"X", 1, 2>;
  constexpr auto Y = input<"Y", 1, 1>;
  constexpr auto W1 = param<"W1", 2, 16>;
  constexpr auto b1 = param<"b1", 16>;
  constexpr auto W2 = param<"W2", 16, 16>;
  constexpr auto b2 = param<"b2", 16>;
  constexpr auto W3 = param<"W3", 16, 1>;
  constexpr auto b3 = param<"b3", 1>;
  constexpr auto loss = mse(dense(sigmoid(dense(sigmoid(dense(X, W1, b1)), W2, b2)), W3, b3), Y);
  for (unsigned seed : {5u, 6u}) {
    auto ps = params<float>(loss);
    test::fill_normal(ps, seed);
    auto const x = test::normal_tensor<float, shape<1, 2>>(seed + 1);
    auto const y = test::normal_tensor<float, shape<1, 1>>(seed + 2);
    auto g = ps;
    float const expected = grad_into(loss, g, ps, X = x, Y = y);

    tp::recorder<float> t;
    auto w1 = t.param(ps[W1]);
    auto c1 = t.param(ps[b1]);
    auto w2 = t.param(ps[W2]);
    auto c2 = t.param(ps[b2]);
    auto w3 = t.param(ps[W3]);
    auto c3 = t.param(ps[b3]);
    auto h1 = sigmoid(dense(t.input(x), w1, c1));
    auto h2 = sigmoid(dense(h1, w2, c2));
    float const L = t.backward(mse(dense(h2, w3, c3), t.input(y)));
    tape_test::expect_same(&L, &expected, 1, tolerance<float>);
    expect_same_gradients(t, g, std::tuple{W1, b1, W2, b2, W3, b3},
                          std::tuple{w1, c1, w2, c2, w3, c3});
  }
}

// h = relu(x W1 + b1); r = h + tanh(h W2 + b2); loss = CE(softmax(r W3 + b3), y): h's
// adjoint is the sum of two contributions.
BOOST_AUTO_TEST_CASE(residual_block) {
  constexpr auto X = input<"X", 4, 4>;
  constexpr auto Y = input<"Y", 4, 3>;
  constexpr auto W1 = param<"W1", 4, 8>;
  constexpr auto b1 = param<"b1", 8>;
  constexpr auto W2 = param<"W2", 8, 8>;
  constexpr auto b2 = param<"b2", 8>;
  constexpr auto W3 = param<"W3", 8, 3>;
  constexpr auto b3 = param<"b3", 3>;
  constexpr auto h = relu(dense(X, W1, b1));
  constexpr auto loss = cross_entropy(softmax(dense(h + tanh(dense(h, W2, b2)), W3, b3)), Y);
  auto ps = params<double>(loss);
  test::fill_normal(ps, 7);
  auto const x = test::normal_tensor<double, shape<4, 4>>(8);
  auto const y = test::one_hot<double, 4, 3>(1);
  auto g = ps;
  double const expected = grad_into(loss, g, ps, X = x, Y = y);

  tp::recorder<double> t;
  auto w1 = t.param(ps[W1]);
  auto c1 = t.param(ps[b1]);
  auto w2 = t.param(ps[W2]);
  auto c2 = t.param(ps[b2]);
  auto w3 = t.param(ps[W3]);
  auto c3 = t.param(ps[b3]);
  auto th = relu(dense(t.input(x), w1, c1));
  auto const r = th + tanh(dense(th, w2, c2));
  double const L = t.backward(cross_entropy(softmax(dense(r, w3, c3)), t.input(y)));
  tape_test::expect_same(&L, &expected, 1, tolerance<double>);
  expect_same_gradients(t, g, std::tuple{W1, b1, W2, b2, W3, b3},
                        std::tuple{w1, c1, w2, c2, w3, c3});
}

BOOST_AUTO_TEST_CASE(mlp_784_128_10_batch_32_float) {
  constexpr auto X = input<"X", 32, 784>;
  constexpr auto Y = input<"Y", 32, 10>;
  constexpr auto W1 = param<"W1", 784, 128>;
  constexpr auto b1 = param<"b1", 128>;
  constexpr auto W2 = param<"W2", 128, 10>;
  constexpr auto b2 = param<"b2", 10>;
  constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  using set = param_set<float, decltype(loss)>;
  auto ps = std::make_unique<set>();
  test::fill_normal(*ps, 9, 0.05);
  using batch = tensor<float, shape<32, 784>>;
  auto const x = std::make_unique<batch>(test::normal_tensor<float, shape<32, 784>>(10));
  auto const y = test::one_hot<float, 32, 10>(2);
  auto g = std::make_unique<set>();
  float const expected = grad_into(loss, *g, *ps, X = *x, Y = y);

  tp::recorder<float> t;
  auto w1 = t.param((*ps)[W1]);
  auto c1 = t.param((*ps)[b1]);
  auto w2 = t.param((*ps)[W2]);
  auto c2 = t.param((*ps)[b2]);
  auto const h = relu(dense(t.input(*x), w1, c1));
  float const L = t.backward(cross_entropy(softmax(dense(h, w2, c2)), t.input(y)));
  tape_test::expect_same(&L, &expected, 1, tolerance<float>);
  expect_same_gradients(t, *g, std::tuple{W1, b1, W2, b2}, std::tuple{w1, c1, w2, c2});
}
