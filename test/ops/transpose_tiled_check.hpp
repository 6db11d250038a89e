// SPDX-License-Identifier: BSL-1.0
// The body of ops.transpose_tiled and ops.transpose_tiled_avx2: kernels::transpose_tiled
// against the definition dst[j ldd + i] = src[i lds + j], at sizes below, at and past the
// register block (16 x 16 floats with AVX-512, 8 x 8 with AVX2), with row pitches wider than
// the rows, float and double, stored and added (Acc); the entries of dst outside the
// transposed block must keep their values.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/kernels/transpose_tiled.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace transpose_test {

template <class T> std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<T> u(T(-1), T(1));
  std::vector<T> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// Rows x Cols from src (pitch Lds) into dst (pitch Ldd); with Acc, dst starts random.
template <class T, bool Acc, std::size_t Rows, std::size_t Cols, std::size_t Lds, std::size_t Ldd>
void check(unsigned seed) {
  static_assert(Lds >= Cols && Ldd >= Rows);
  auto const src = random_values<T>(Rows * Lds, seed);
  auto const dst0 = random_values<T>(Cols * Ldd, seed + 1);
  auto dst = dst0;
  ctgrad::kernels::transpose_tiled<Acc, Rows, Cols>(dst.data(), Ldd, src.data(), Lds);
  std::size_t bad = 0;
  for (std::size_t j = 0; j < Cols; ++j)
    for (std::size_t i = 0; i < Ldd; ++i) {
      // Exact: a copy, or one addition of the same two values in either order.
      T const want = i >= Rows ? dst0[j * Ldd + i]
                               : (Acc ? dst0[j * Ldd + i] + src[i * Lds + j] : src[i * Lds + j]);
      if (!(dst[j * Ldd + i] == want)) ++bad;
    }
  BOOST_TEST_CONTEXT((std::is_same_v<T, float> ? "float " : "double ")
                     << (Acc ? "acc " : "") << Rows << " x " << Cols << " pitches " << Lds << ", "
                     << Ldd) {
    BOOST_TEST(bad == 0u);
  }
}

template <class T, bool Acc> void sizes(unsigned seed) {
  check<T, Acc, 1, 1, 1, 1>(seed);
  check<T, Acc, 3, 5, 7, 4>(seed + 1);
  check<T, Acc, 8, 8, 8, 8>(seed + 2);
  check<T, Acc, 16, 16, 16, 16>(seed + 3);
  check<T, Acc, 16, 16, 19, 21>(seed + 4);
  check<T, Acc, 17, 33, 40, 18>(seed + 5);
  check<T, Acc, 64, 121, 121, 64>(seed + 6);  // conv2's dy^T at batch 1
  check<T, Acc, 32, 494, 676, 32>(seed + 7);  // conv1's dy^T, 19 rows of 26
  check<T, Acc, 128, 64, 64, 288>(seed + 8);  // conv2's dw from [taps, O]
  check<T, Acc, 9, 32, 32, 9>(seed + 9);      // conv1's dw
  check<T, Acc, 31, 15, 15, 33>(seed + 10);
}

}  // namespace transpose_test

BOOST_AUTO_TEST_CASE(float_sizes) {
  transpose_test::sizes<float, false>(1);
  transpose_test::sizes<float, true>(100);
}

BOOST_AUTO_TEST_CASE(double_sizes) {
  transpose_test::sizes<double, false>(200);
  transpose_test::sizes<double, true>(300);
}
