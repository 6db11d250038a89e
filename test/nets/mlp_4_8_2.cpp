// SPDX-License-Identifier: BSL-1.0
// The lesson's exercise 3: a 4-8-2 MLP with random weights, the derived gradient against
// central differences. Relative error < 1e-7 in double and < 1e-5 in float, batch 1 and 5.
#define BOOST_TEST_MODULE nets.mlp_4_8_2
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <iostream>

using namespace ctgrad;

template <std::size_t B> struct mlp {
  static constexpr auto X = input<"X", B, 4>;
  static constexpr auto Y = input<"Y", B, 2>;
  static constexpr auto W1 = param<"W1", 4, 8>;
  static constexpr auto b1 = param<"b1", 8>;
  static constexpr auto W2 = param<"W2", 8, 2>;
  static constexpr auto b2 = param<"b2", 2>;
  static constexpr auto z1 = dense(X, W1, b1);
  static constexpr auto a1 = relu(z1);
  static constexpr auto z2 = dense(a1, W2, b2);
  static constexpr auto loss = cross_entropy(softmax(z2), Y);

  template <class T> static check::report run(unsigned seed) {
    auto ps = params<T>(loss);
    test::fill_normal(ps, seed);
    auto const x = test::normal_tensor<T, shape<B, 4>>(seed + 1);
    auto const y = test::one_hot<T, B, 2>(seed);
    auto const r = check::gradcheck(loss, ps, X = x, Y = y);
    std::cout << "4-8-2 B=" << B << " " << (sizeof(T) == 4 ? "float: " : "double: ") << r << '\n';
    return r;
  }
};

BOOST_AUTO_TEST_CASE(parameter_set_follows_the_network) {
  using set = param_set<float, decltype(mlp<1>::loss)>;
  static_assert(set::size == 4);
  static_assert(set::scalar_count == 4 * 8 + 8 + 8 * 2 + 2);
  static_assert(
      std::is_same_v<std::remove_cvref_t<decltype(set{}[mlp<1>::W2])>, tensor<float, shape<8, 2>>>);
  std::string names;
  set{}.for_each([&](auto var, auto&) { names += std::string(var.name) + " "; });
  BOOST_TEST(names == "W1 b1 W2 b2 ");
}

BOOST_AUTO_TEST_CASE(double_batch_1) {
  for (unsigned seed : {1u, 2u, 3u}) BOOST_TEST(mlp<1>::run<double>(seed).ok(1e-7));
}
BOOST_AUTO_TEST_CASE(double_batch_5) {
  for (unsigned seed : {4u, 5u, 6u}) BOOST_TEST(mlp<5>::run<double>(seed).ok(1e-7));
}
BOOST_AUTO_TEST_CASE(float_batch_1) {
  for (unsigned seed : {7u, 8u, 9u}) BOOST_TEST(mlp<1>::run<float>(seed).ok(1e-5));
}
BOOST_AUTO_TEST_CASE(float_batch_5) {
  for (unsigned seed : {10u, 11u, 12u}) BOOST_TEST(mlp<5>::run<float>(seed).ok(1e-5));
}

BOOST_AUTO_TEST_CASE(batch_gradient_is_the_mean_of_per_sample_gradients) {
  // The loss is a mean over rows, so the batch gradient is the mean of the rows' gradients.
  auto ps = params<double>(mlp<3>::loss);
  test::fill_normal(ps, 21);
  auto const x = test::normal_tensor<double, shape<3, 4>>(22);
  auto const y = test::one_hot<double, 3, 2>(1);
  auto const g = grad(mlp<3>::loss, ps, mlp<3>::X = x, mlp<3>::Y = y);

  param_set<double, decltype(mlp<1>::loss)> one;  // same names and shapes: copy the values
  one.tensors = ps.tensors;
  tensor<double, shape<4, 8>> mean_dW1{};
  for (std::size_t r = 0; r < 3; ++r) {
    tensor<double, shape<1, 4>> xr{};
    tensor<double, shape<1, 2>> yr{};
    for (std::size_t j = 0; j < 4; ++j) xr(0, j) = x(r, j);
    for (std::size_t j = 0; j < 2; ++j) yr(0, j) = y(r, j);
    auto const gr = grad(mlp<1>::loss, one, mlp<1>::X = xr, mlp<1>::Y = yr);
    for (std::size_t i = 0; i < 32; ++i) mean_dW1.data[i] += gr[mlp<1>::W1].data[i] / 3;
  }
  BOOST_TEST(check::relative_error(g[mlp<3>::W1], mean_dW1) < 1e-14);
}

BOOST_AUTO_TEST_CASE(forward_and_central_differences) {
  auto ps = params<double>(mlp<2>::loss);
  test::fill_normal(ps, 31);
  auto const x = test::normal_tensor<double, shape<2, 4>>(32);
  auto const y = test::one_hot<double, 2, 2>(0);
  auto const g = grad(mlp<2>::loss, ps, mlp<2>::X = x, mlp<2>::Y = y);
  auto const central = check::numeric_grad(mlp<2>::loss, ps, mlp<2>::X = x, mlp<2>::Y = y);
  auto const forward = check::numeric_grad(mlp<2>::loss, ps, {1e-6, check::difference::forward},
                                           mlp<2>::X = x, mlp<2>::Y = y);
  double const e_central = check::relative_error(g, central);
  double const e_forward = check::relative_error(g, forward);
  BOOST_TEST_MESSAGE("central " << e_central << ", forward " << e_forward);
  BOOST_TEST(e_central < 1e-8);
  BOOST_TEST(e_forward < 1e-4);
  BOOST_TEST(e_central < e_forward);  // O(h^2) against O(h)
}

BOOST_AUTO_TEST_CASE(gradcheck_names_a_wrong_gradient) {
  // A check that cannot fail proves nothing: corrupt one entry and look at the report.
  auto ps = params<double>(mlp<1>::loss);
  test::fill_normal(ps, 41);
  auto const x = test::normal_tensor<double, shape<1, 4>>(42);
  auto const y = test::one_hot<double, 1, 2>(0);
  auto g = grad(mlp<1>::loss, ps, mlp<1>::X = x, mlp<1>::Y = y);
  auto const n = check::numeric_grad(mlp<1>::loss, ps, mlp<1>::X = x, mlp<1>::Y = y);
  BOOST_TEST(check::relative_error(g, n) < 1e-8);
  g[mlp<1>::b2](1) += 0.1;
  BOOST_TEST(check::relative_error(g, n) > 1e-3);
}
