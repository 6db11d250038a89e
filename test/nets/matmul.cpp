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
  static_assert(
      std::is_same_v<decltype(matmul(transpose(A), C)), matmul_node<a_t, c_t, kernels::tn>>);
  static_assert(
      std::is_same_v<decltype(matmul(C, transpose(B))), matmul_node<c_t, b_t, kernels::nt>>);
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
                        sum(pow<2>(matmul(C, transpose(B)))) + sum(exp(sum_to<shape<2>>(C)) * v) +
                        mean(broadcast_to<shape<3, 2>>(v) * C);
  auto ps = params<double>(loss);
  static_assert(decltype(ps)::size == 4);
  test::fill_normal(ps, 2);
  auto const r = check::gradcheck(loss, ps);
  std::cout << r << '\n';
  BOOST_TEST(r.ok(1e-7));
}

// The kernels against a naive triple loop, on sizes that take every path of each layout:
// nt with few rows (partial sums, K below, at and above a multiple of 8) and with many rows
// (transposed copy); Acc adding to what is there.
template <class Layout, std::size_t M, std::size_t K, std::size_t N> void check_kernel() {
  std::array<double, M * K> a{};
  std::array<double, K * N> b{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.25 * static_cast<double>(i % 7) - 0.5;
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = 0.5 - 0.125 * static_cast<double>(i % 5);
  // The operands as the layout reads them: tn's A is [K, M], nt's B is [N, K].
  auto at = [&](std::size_t i, std::size_t k) {
    return __is_same(Layout, kernels::tn) ? a[k * M + i] : a[i * K + k];
  };
  auto bt = [&](std::size_t k, std::size_t j) {
    return __is_same(Layout, kernels::nt) ? b[j * K + k] : b[k * N + j];
  };
  std::array<double, M * N> c{}, acc{};
  acc.fill(1.0);
  kernels::matmul<Layout, false, M, K, N>(c.data(), a.data(), b.data());
  kernels::matmul<Layout, true, M, K, N>(acc.data(), a.data(), b.data());
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < K; ++k) s += at(i, k) * bt(k, j);
      BOOST_TEST(c[i * N + j] == s, boost::test_tools::tolerance(1e-12));
      BOOST_TEST(acc[i * N + j] == 1.0 + s, boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(kernels_match_a_naive_product_on_every_path) {
  check_kernel<kernels::nn, 3, 5, 4>();
  check_kernel<kernels::tn, 3, 5, 4>();
  check_kernel<kernels::tn, 1, 1, 1>();
  check_kernel<kernels::tn, 64, 32, 10>();  // narrow C, accumulated transposed
  check_kernel<kernels::tn, 16, 1, 3>();
  check_kernel<kernels::nt, 1, 7, 3>();   // partial sums, K < 8
  check_kernel<kernels::nt, 2, 16, 3>();  // partial sums, K a multiple of 8
  check_kernel<kernels::nt, 3, 19, 2>();  // partial sums and a tail
  check_kernel<kernels::nt, 4, 19, 5>();  // transposed copy
  check_kernel<kernels::nt, 32, 64, 10>();
}
