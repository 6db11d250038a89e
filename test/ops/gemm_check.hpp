// SPDX-License-Identifier: BSL-1.0
// The body of ops.gemm and ops.gemm_portable: the matrix-product kernels (kernels/gemm.hpp,
// and kernels::matmul / kernels::dense, which dispatch to them) against a naive triple loop
// summed in long double, for shapes that are not multiples of the tile or of the vector width
// (1, 3, 7, 17, 33, 100, 129, 784), K past one block of gemm_kc, float and double, Acc off and
// on (adding to C's previous values), and the dense layer's bias row.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/kernels/dense.hpp>
#include <ctgrad/kernels/gemm.hpp>
#include <ctgrad/kernels/matmul.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace gemm_test {

namespace k = ctgrad::kernels;

template <class T> std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<T> u(T(-1), T(1));
  std::vector<T> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// A(i, k) and B(k, j) as the layout stores them: nn a[M,K] b[K,N]; tn a[K,M]; nt b[N,K].
template <class Layout> struct at {
  static std::size_t a(std::size_t i, std::size_t kk, std::size_t M, std::size_t K) {
    return __is_same(Layout, k::tn) ? kk * M + i : i * K + kk;
  }
  static std::size_t b(std::size_t kk, std::size_t j, std::size_t K, std::size_t N) {
    return __is_same(Layout, k::nt) ? j * K + kk : kk * N + j;
  }
};

// c (the kernel's result) against c0 (C before the call, if Acc) + bias + A B, each entry
// within 4 K eps of sum_k |A(i,k) B(k,j)| (+ |c0| + |bias|): the bound of a sum of K products
// rounded in any order, with room to spare.
template <class Layout, bool Acc, class T>
void expect_product(std::string const& what, std::size_t M, std::size_t K, std::size_t N,
                    std::vector<T> const& a, std::vector<T> const& b, std::vector<T> const& c0,
                    T const* bias, std::vector<T> const& c) {
  double const eps = std::numeric_limits<T>::epsilon();
  std::size_t bad = 0;
  double worst = 0;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      long double s = 0, mag = 0;
      if (Acc) s += c0[i * N + j], mag += std::fabs(c0[i * N + j]);
      if (bias) s += bias[j], mag += std::fabs(bias[j]);
      for (std::size_t kk = 0; kk < K; ++kk) {
        long double const p = static_cast<long double>(a[at<Layout>::a(i, kk, M, K)]) *
                              static_cast<long double>(b[at<Layout>::b(kk, j, K, N)]);
        s += p;
        mag += std::fabs(p);
      }
      double const err = static_cast<double>(std::fabs(s - c[i * N + j]));
      double const bound = 4.0 * static_cast<double>(K + 2) * eps * static_cast<double>(mag);
      if (!(err <= bound)) ++bad;  // also catches NaN (an entry never written)
      if (mag > 0 && err / static_cast<double>(mag) > worst) worst = err / static_cast<double>(mag);
    }
  BOOST_TEST_CONTEXT(what << " M=" << M << " K=" << K << " N=" << N << " worst |err|/sum|ab| "
                          << worst) {
    BOOST_TEST(bad == 0u);
  }
}

template <class Layout, bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
void check_layout(unsigned seed) {
  auto const a = random_values<T>(M * K, seed);
  auto const b = random_values<T>(K * N, seed + 1);
  // C starts as NaN unless Acc: an entry the kernel does not write fails the comparison.
  std::vector<T> const c0 = Acc ? random_values<T>(M * N, seed + 2)
                                : std::vector<T>(M * N, std::numeric_limits<T>::quiet_NaN());
  char const* const name = __is_same(Layout, k::nn) ? "nn" : __is_same(Layout, k::tn) ? "tn" : "nt";
  std::string const tag =
      std::string(name) + (Acc ? " acc " : " ") + (std::is_same_v<T, float> ? "float" : "double");
  // The register-tiled kernel itself, whatever gemm_pays says about these sizes.
  if constexpr (!__is_same(Layout, k::nt) || k::gemm_nt_fits<M, K, T>) {
    auto c = c0;
    if constexpr (__is_same(Layout, k::nn)) k::gemm_nn<Acc, M, K, N>(c.data(), a.data(), b.data());
    if constexpr (__is_same(Layout, k::tn)) k::gemm_tn<Acc, M, K, N>(c.data(), a.data(), b.data());
    if constexpr (__is_same(Layout, k::nt)) k::gemm_nt<Acc, M, K, N>(c.data(), a.data(), b.data());
    expect_product<Layout, Acc>("gemm " + tag, M, K, N, a, b, c0, static_cast<T const*>(nullptr),
                                c);
  }
  // kernels::matmul, which takes the register-tiled kernel or its own loops.
  auto c = c0;
  k::matmul<Layout, Acc, M, K, N>(c.data(), a.data(), b.data());
  expect_product<Layout, Acc>("matmul " + tag, M, K, N, a, b, c0, static_cast<T const*>(nullptr),
                              c);
}

template <bool Acc, std::size_t M, std::size_t K, std::size_t N, class T>
void check_dense(unsigned seed) {
  auto const x = random_values<T>(M * K, seed);
  auto const w = random_values<T>(K * N, seed + 1);
  auto const bias = random_values<T>(N, seed + 3);
  std::vector<T> const z0 = Acc ? random_values<T>(M * N, seed + 2)
                                : std::vector<T>(M * N, std::numeric_limits<T>::quiet_NaN());
  std::string const tag =
      std::string(Acc ? "acc " : "") + (std::is_same_v<T, float> ? "float" : "double");
  auto z = z0;
  k::gemm_nn<Acc, M, K, N>(z.data(), x.data(), w.data(), bias.data());
  expect_product<k::nn, Acc>("gemm_nn + bias " + tag, M, K, N, x, w, z0, bias.data(), z);
  z = z0;
  k::dense<Acc, M, K, N>(z.data(), x.data(), w.data(), bias.data());
  expect_product<k::nn, Acc>("dense " + tag, M, K, N, x, w, z0, bias.data(), z);
}

template <std::size_t M, std::size_t K, std::size_t N, class T> void check_all(unsigned seed) {
  check_layout<k::nn, false, M, K, N, T>(seed);
  check_layout<k::nn, true, M, K, N, T>(seed + 10);
  check_layout<k::tn, false, M, K, N, T>(seed + 20);
  check_layout<k::tn, true, M, K, N, T>(seed + 30);
  check_layout<k::nt, false, M, K, N, T>(seed + 40);
  check_layout<k::nt, true, M, K, N, T>(seed + 50);
}

}  // namespace gemm_test

BOOST_AUTO_TEST_CASE(ragged_shapes_float) {
  using namespace gemm_test;
  check_all<1, 1, 1, float>(1);
  check_all<3, 7, 17, float>(2);
  check_all<7, 3, 33, float>(3);
  check_all<17, 33, 7, float>(4);
  check_all<33, 17, 100, float>(5);
  check_all<100, 33, 3, float>(6);
  check_all<33, 129, 17, float>(7);
  check_all<17, 784, 33, float>(8);
  check_all<3, 17, 784, float>(9);
  check_all<784, 7, 10, float>(10);
}

BOOST_AUTO_TEST_CASE(ragged_shapes_double) {
  using namespace gemm_test;
  check_all<1, 1, 1, double>(11);
  check_all<3, 7, 17, double>(12);
  check_all<7, 3, 33, double>(13);
  check_all<17, 33, 7, double>(14);
  check_all<33, 17, 100, double>(15);
  check_all<33, 129, 17, double>(16);
  check_all<17, 784, 33, double>(17);
  check_all<784, 7, 10, double>(18);
}

BOOST_AUTO_TEST_CASE(network_shapes) {
  // The products of the benchmark's 784-128-10 (batch 32) and 784-256-128-10 (batch 64) nets.
  using namespace gemm_test;
  check_all<32, 784, 128, float>(21);
  check_all<32, 128, 10, float>(22);
  check_layout<k::tn, false, 784, 64, 256, float>(23);
  check_layout<k::nt, false, 64, 128, 256, float>(24);
}

BOOST_AUTO_TEST_CASE(dense_with_bias) {
  using namespace gemm_test;
  check_dense<false, 1, 1, 1, float>(31);
  check_dense<false, 7, 33, 17, float>(32);
  check_dense<true, 7, 33, 17, float>(33);
  check_dense<false, 33, 784, 100, float>(34);
  check_dense<true, 33, 129, 10, double>(35);
  check_dense<false, 32, 784, 128, float>(36);
  check_dense<false, 17, 3, 33, double>(37);
}

BOOST_AUTO_TEST_CASE(few_rows_nt) {
  // kernels::matmul's nt with one to three rows of A (nt_dots_simd: vector dot products, each
  // summed across its lanes by vec::sum): the CNN's dense input adjoint at batch 1
  // (1 x 128 x 1600), and ragged K (a masked last vector) in both types.
  using namespace gemm_test;
  check_layout<k::nt, false, 1, 128, 1600, float>(41);
  check_layout<k::nt, true, 1, 128, 1600, float>(42);
  check_layout<k::nt, false, 1, 129, 33, double>(43);
  check_layout<k::nt, true, 3, 37, 301, float>(44);
  check_layout<k::nt, false, 2, 45, 130, double>(45);
}
