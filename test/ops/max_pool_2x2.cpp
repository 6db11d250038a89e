// SPDX-License-Identifier: BSL-1.0
// kernels/max_pool_2x2.hpp (2 x 2 max pooling, stride 2, through AVX-512 registers) and its
// dispatch from kernels::max_pool / max_pool_grad, against a direct loop written here from
// the rule (taps in row-major order; a later tap wins when greater or NaN): planes of odd and
// even sizes (an uncovered last row and column), widths past one and two vectors of outputs,
// several images and channels, ties, -inf, NaN, dx written everywhere (it starts as NaN).
// test/CMakeLists.txt compiles it with -march=native; without AVX-512 the cases run on
// kernels/pool.hpp's loops and say so.
#define BOOST_TEST_MODULE ops.max_pool_2x2
#include <boost/test/unit_test.hpp>

#include <ctgrad/kernels/pool.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

namespace {

namespace k = ctgrad::kernels;
template <std::size_t B, std::size_t C, std::size_t H, std::size_t W>
using pool2 = k::conv_dims<B, C, H, W, C, 2, 2, 2, 2, 0, 0, 1, 1, C>;

float const nan_f = std::numeric_limits<float>::quiet_NaN();
float const inf_f = std::numeric_limits<float>::infinity();

// Values from a small set, so that ties are common; special values sprinkled in.
std::vector<float> plane_values(std::size_t n, unsigned seed, bool specials) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, 19);
  std::vector<float> v(n);
  for (auto& x : v) {
    int const r = pick(rng);
    if (specials && r == 0)
      x = nan_f;
    else if (specials && r == 1)
      x = -inf_f;
    else if (specials && r == 2)
      x = inf_f;
    else
      x = static_cast<float>(r % 5) - 2.0f;  // -2 ... 2
  }
  return v;
}

// The winning tap's index in x for window (i, j) of plane bc.
template <class D>
std::size_t winner(std::vector<float> const& x, std::size_t bc, std::size_t i, std::size_t j) {
  std::size_t const base = bc * D::height * D::width;
  std::size_t where = base + 2 * i * D::width + 2 * j;
  float best = x[where];
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t q = 0; q < 2; ++q) {
      std::size_t const at = base + (2 * i + p) * D::width + 2 * j + q;
      if (x[at] > best || std::isnan(x[at])) {
        best = x[at];
        where = at;
      }
    }
  return where;
}

bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <class D> void check(unsigned seed, bool specials) {
  constexpr std::size_t nx = D::batch * D::channels * D::height * D::width;
  constexpr std::size_t ny = D::batch * D::channels * D::oh * D::ow;
  auto const x = plane_values(nx, seed, specials);
  auto const dy = plane_values(ny, seed + 1, false);
  auto const y0 = plane_values(ny, seed + 2, false);
  std::vector<float> want_y(ny), want_acc(ny), want_dx(nx, 0.0f);
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc)
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j) {
        std::size_t const o = (bc * D::oh + i) * D::ow + j, w = winner<D>(x, bc, i, j);
        want_y[o] = x[w];
        want_acc[o] = y0[o] + x[w];
        want_dx[w] = dy[o];
      }
  std::vector<float> y(ny, nan_f), acc = y0, dx(nx, nan_f);
  k::max_pool<D, false>(y.data(), x.data());
  k::max_pool<D, true>(acc.data(), x.data());
  k::max_pool_grad<D, false>(dx.data(), x.data(), dy.data());
  std::size_t bad_y = 0, bad_acc = 0, bad_dx = 0;
  for (std::size_t o = 0; o < ny; ++o) {
    bad_y += !same(y[o], want_y[o]);
    bad_acc += !same(acc[o], want_acc[o]);
  }
  for (std::size_t i = 0; i < nx; ++i) bad_dx += !same(dx[i], want_dx[i]);
  BOOST_TEST_CONTEXT("B" << D::batch << " C" << D::channels << " " << D::height << "x" << D::width
                         << (specials ? " with NaN and inf" : "")) {
    BOOST_TEST(bad_y == 0u);
    BOOST_TEST(bad_acc == 0u);
    BOOST_TEST(bad_dx == 0u);
  }
}

template <class D> void both(unsigned seed) {
  check<D>(seed, false);
  check<D>(seed + 10, true);
}

}  // namespace

BOOST_AUTO_TEST_CASE(path) {
  constexpr bool applies = k::max_pool_2x2_applies<pool2<1, 32, 26, 26>, float>;
  BOOST_TEST_MESSAGE("max_pool_2x2 applies to 26 x 26 floats: " << applies);
#if defined(__AVX512F__)
  BOOST_TEST((k::max_pool_2x2_applies<pool2<1, 32, 26, 26>, float>));
#endif
  BOOST_TEST(!(k::max_pool_2x2_applies<pool2<1, 32, 26, 26>, double>));
  BOOST_TEST(!(k::max_pool_2x2_applies<k::conv_dims<1, 2, 6, 6, 2, 2, 2, 1, 1, 0, 0, 1, 1, 2>,
                                       float>));  // stride 1
}

BOOST_AUTO_TEST_CASE(sizes) {
  both<pool2<1, 32, 26, 26>>(1);  // the CNN's first pool
  both<pool2<1, 64, 11, 11>>(2);  // its second: the last row and column uncovered
  both<pool2<2, 3, 7, 5>>(3);
  both<pool2<1, 1, 2, 2>>(4);
  both<pool2<1, 2, 3, 2>>(5);
  both<pool2<2, 2, 4, 33>>(6);  // 16 outputs per row and an uncovered column
  both<pool2<1, 3, 5, 70>>(7);  // 35 outputs per row: two full vectors and 3
  both<pool2<1, 1, 9, 64>>(8);  // 32 outputs: exactly two vectors
}

BOOST_AUTO_TEST_CASE(double_keeps_the_loops) {
  // Doubles take kernels/pool.hpp's loops; the same reference holds (exact: a copy).
  using D = pool2<1, 2, 5, 7>;
  std::vector<double> x(D::channels * D::height * D::width), y(D::channels * D::oh * D::ow);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>((i * 7) % 11);
  k::max_pool<D, false>(y.data(), x.data());
  std::size_t bad = 0;
  for (std::size_t c = 0; c < D::channels; ++c)
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j) {
        double m = -inf_f;
        for (std::size_t p = 0; p < 2; ++p)
          for (std::size_t q = 0; q < 2; ++q)
            m = std::fmax(m, x[(c * D::height + 2 * i + p) * D::width + 2 * j + q]);
        bad += y[(c * D::oh + i) * D::ow + j] != m;
      }
  BOOST_TEST(bad == 0u);
}
