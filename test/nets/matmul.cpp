// SPDX-License-Identifier: BSL-1.0
// matmul in its three layouts, transpose, sum_to and broadcast_to used directly (not only
// inside dense): gradients against central differences, and the layout rules.
#define BOOST_TEST_MODULE nets.matmul
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <iostream>

using namespace ctgrad;

constexpr auto A = param<"A", 3, 4>;
constexpr auto B = param<"B", 4, 2>;
constexpr auto C = param<"C", 3, 2>;
constexpr auto v = param<"v", 2>;

BOOST_AUTO_TEST_CASE(transposed_operands_are_read_in_place) {
  using a_t = std::remove_cv_t<decltype(A)>;
  using c_t = std::remove_cv_t<decltype(C)>;
  using b_t = std::remove_cv_t<decltype(B)>;
  static_assert(std::is_same_v<decltype(matmul(transpose(A), C)), matmul_node<a_t, c_t, kernels::tn>>);
  static_assert(std::is_same_v<decltype(matmul(C, transpose(B))), matmul_node<c_t, b_t, kernels::nt>>);
  static_assert(std::is_same_v<decltype(transpose(transpose(A))), a_t>);
  BOOST_TEST(to_string(matmul(transpose(A), C)) == "A^T @ C");
}

BOOST_AUTO_TEST_CASE(values) {
  var_set<double, std::remove_cv_t<decltype(A)>, std::remove_cv_t<decltype(B)>> s;
  test::fill_normal(s, 1);
  auto const p = eval(matmul(A, B), s);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      double e = 0;
      for (std::size_t k = 0; k < 4; ++k) e += s[A](i, k) * s[B](k, j);
      BOOST_TEST(p(i, j) == e, boost::test_tools::tolerance(1e-14));
    }
  auto const t = eval(transpose(A), s);
  BOOST_TEST(t(3, 1) == s[A](1, 3));
}

BOOST_AUTO_TEST_CASE(gradients_of_every_layout) {
  // nn: A @ B; tn: A^T @ C; nt: C @ B^T; plus sum_to (rows) and broadcast_to of a bias.
  constexpr auto loss = sum(tanh(matmul(A, B) + v)) + sum(sin(matmul(transpose(A), C))) +
                        sum(pow<2>(matmul(C, transpose(B)))) +
                        sum(exp(sum_to<shape<2>>(C)) * v) + mean(broadcast_to<shape<3, 2>>(v) * C);
  auto ps = params<double>(loss);
  static_assert(decltype(ps)::size == 4);
  test::fill_normal(ps, 2);
  auto const r = check::gradcheck(loss, ps);
  std::cout << r << '\n';
  BOOST_TEST(r.ok(1e-7));
}
