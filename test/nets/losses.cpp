// SPDX-License-Identifier: BSL-1.0
// The losses: values against hand computations, gradients against central differences,
// and the rules: mse's 2/n, softmax + cross-entropy fused to p - y, sigmoid + binary
// cross-entropy fused to a - y.
#define BOOST_TEST_MODULE nets.losses
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <cmath>
#include <iostream>

using namespace ctgrad;

constexpr auto Z = input<"z", 2, 3>;
constexpr auto Y = input<"y", 2, 3>;

BOOST_AUTO_TEST_CASE(mse_is_the_mean_and_its_gradient_has_two_over_n) {
  constexpr auto A = param<"a", 2, 3>;
  constexpr auto L = mse(A, Y);
  BOOST_TEST(to_string(d(L, A)) == "1/3*(a - y)");  // 2/n with n = 6
  var_set<double, decltype(A)> a;
  for (std::size_t i = 0; i < 6; ++i) a[A].data[i] = 0.5 * double(i);
  tensor<double, shape<2, 3>> y{};
  y(1, 2) = 1.0;
  double expected = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    double const diff = a[A].data[i] - y.data[i];
    expected += diff * diff / 6;
  }
  BOOST_TEST(eval(L, a, Y = y) == expected, boost::test_tools::tolerance(1e-15));
  auto const g = grad(L, a, Y = y);
  for (std::size_t i = 0; i < 6; ++i)
    BOOST_TEST(g[A].data[i] == 2.0 / 6 * (a[A].data[i] - y.data[i]),
               boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(softmax_cross_entropy_is_fused_to_p_minus_y) {
  constexpr auto L = cross_entropy(softmax(Z), Y);
  // The user wrote cross_entropy(softmax(z), y); the engine derived the fused gradient.
  BOOST_TEST(to_string(d(L, Z)) == "1/2*(softmax(z) - y)");
  using z_t = std::remove_cv_t<decltype(Z)>;
  using y_t = std::remove_cv_t<decltype(Y)>;
  static_assert(std::is_same_v<std::remove_cv_t<decltype(L)>,
                               softmax_cross_entropy_node<z_t, softmax_node<z_t>, y_t>>);
  auto const z = test::normal_tensor<double, shape<2, 3>>(1, 3.0);
  auto const y = test::one_hot<double, 2, 3>(0);
  auto const p = eval(softmax(Z), Z = z);
  double expected = 0;
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t j = 0; j < 3; ++j) expected -= y(r, j) * std::log(p(r, j)) / 2;
  BOOST_TEST(eval(L, Z = z, Y = y) == expected, boost::test_tools::tolerance(1e-14));
  // The unfused form gives the same value and gradient.
  constexpr auto unfused = -(sum(Y * log(softmax(Z))) * constant<1, 2>);
  BOOST_TEST(eval(unfused, Z = z, Y = y) == expected, boost::test_tools::tolerance(1e-14));
  var_set<double, decltype(Z)> zs;
  zs[Z] = z;
  auto const g = grad(L, zs, Y = y);
  auto const gu = grad(unfused, zs, Y = y);
  for (std::size_t i = 0; i < 6; ++i) {
    BOOST_TEST(g[Z].data[i] == (p.data[i] - y.data[i]) / 2, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(gu[Z].data[i] == g[Z].data[i], boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(fused_cross_entropy_is_finite_where_log_softmax_underflows) {
  constexpr auto L = cross_entropy(softmax(Z), Y);
  tensor<double, shape<2, 3>> z{};
  z(0, 0) = 1000;  // p(0, 1) = exp(-1000) underflows to 0: log(p) would be -inf
  tensor<double, shape<2, 3>> y{};
  y(0, 1) = 1;
  y(1, 2) = 1;
  double const value = eval(L, Z = z, Y = y);
  BOOST_TEST(std::isfinite(value));
  BOOST_TEST(value == (1000 + std::log(3.0)) / 2, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(sigmoid_binary_cross_entropy_is_fused_to_a_minus_y) {
  constexpr auto L = binary_cross_entropy(sigmoid(Z), Y);
  BOOST_TEST(to_string(d(L, Z)) == "1/6*(sigmoid(z) - y)");
  auto const z = test::normal_tensor<double, shape<2, 3>>(2, 2.0);
  auto const y = test::uniform01<double, shape<2, 3>>(3);
  auto const a = eval(sigmoid(Z), Z = z);
  double expected = 0;
  for (std::size_t i = 0; i < 6; ++i)
    expected -= (y.data[i] * std::log(a.data[i]) + (1 - y.data[i]) * std::log(1 - a.data[i])) / 6;
  BOOST_TEST(eval(L, Z = z, Y = y) == expected, boost::test_tools::tolerance(1e-13));
  constexpr auto A = input<"a", 2, 3>;
  BOOST_TEST(eval(binary_cross_entropy(A, Y), A = a, Y = y) == expected,
             boost::test_tools::tolerance(1e-13));
  tensor<double, shape<2, 3>> big{};
  big(0, 0) = 1e4;
  big(0, 1) = -1e4;
  BOOST_TEST(std::isfinite(eval(L, Z = big, Y = y)));
}

// Each loss on top of a small network, with a gradient for the targets as well.
template <class LossFn> double check_loss(LossFn make, unsigned seed) {
  constexpr auto X = input<"X", 3, 4>;
  constexpr auto T = input<"T", 3, 3>;
  constexpr auto W = param<"W", 4, 3>;
  constexpr auto b = param<"b", 3>;
  constexpr auto loss = make(dense(X, W, b), T);
  var_set<double, decltype(W), decltype(b), decltype(T)> wrt;  // targets too, on request
  test::fill_normal(wrt, seed, 1.0);
  wrt[T] = test::uniform01<double, shape<3, 3>>(seed);
  for (std::size_t r = 0; r < 3; ++r) {  // rows of distributions, for the cross-entropies
    double s = 0;
    for (std::size_t j = 0; j < 3; ++j) s += wrt[T](r, j);
    for (std::size_t j = 0; j < 3; ++j) wrt[T](r, j) /= s;
  }
  auto const x = test::normal_tensor<double, shape<3, 4>>(seed + 1);
  auto const r = check::gradcheck(loss, wrt, X = x);
  std::cout << r << '\n';
  return r.max_relative_error;
}

BOOST_AUTO_TEST_CASE(every_loss_passes_gradcheck) {
  auto const mse_ = [](auto z, auto t) { return mse(z, t); };
  auto const ce = [](auto z, auto t) { return cross_entropy(softmax(z), t); };
  auto const ce_unfused = [](auto z, auto t) { return cross_entropy(sigmoid(z), t); };
  auto const bce = [](auto z, auto t) { return binary_cross_entropy(sigmoid(z), t); };
  auto const bce_unfused = [](auto z, auto t) {
    return binary_cross_entropy(
        constant<1, 2> * (tanh(z) + one_t{}) * constant<9, 10> + constant<1, 20>, t);
  };
  for (unsigned seed : {1u, 2u, 3u}) {
    BOOST_TEST(check_loss(mse_, seed) < 1e-7);
    BOOST_TEST(check_loss(ce, seed) < 1e-7);
    BOOST_TEST(check_loss(ce_unfused, seed) < 1e-7);
    BOOST_TEST(check_loss(bce, seed) < 1e-7);
    BOOST_TEST(check_loss(bce_unfused, seed) < 1e-7);
  }
}
