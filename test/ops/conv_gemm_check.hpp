// SPDX-License-Identifier: BSL-1.0
// The body of ops.conv_gemm and ops.conv_gemm_portable: the GEMM convolution kernels
// (kernels/conv_gemm.hpp) and the dispatch of kernels::conv / conv_input_grad /
// conv_weight_grad against a direct loop summed in long double, at odd sizes (planes and
// channel counts that are not multiples of the vector width or of the tile), with padding,
// dilation and groups, float and double, Acc off and on, with and without bias.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ctgrad/kernels/conv.hpp>
#include <ctgrad/kernels/conv_gemm.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace conv_gemm_test {

namespace k = ctgrad::kernels;

template <class T> std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<T> u(T(-1), T(1));
  std::vector<T> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// The input index a tap reads for output (i, j), or -1 in the zero padding.
template <class D>
long input_at(std::size_t b, std::size_t c, std::size_t i, std::size_t j, std::size_t p,
              std::size_t q) {
  long const r = static_cast<long>(i * D::sh + p * D::dh) - static_cast<long>(D::ph);
  long const s = static_cast<long>(j * D::sw + q * D::dw) - static_cast<long>(D::pw);
  if (r < 0 || s < 0 || r >= static_cast<long>(D::height) || s >= static_cast<long>(D::width))
    return -1;
  return static_cast<long>(((b * D::channels + c) * D::height) * D::width) +
         r * static_cast<long>(D::width) + s;
}

// Visits every product of the convolution: f(y index, x index, w index).
template <class D, class F> void each_product(F f) {
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t o = 0; o < D::outputs; ++o) {
      std::size_t const g = o / D::out_per_group;
      for (std::size_t i = 0; i < D::oh; ++i)
        for (std::size_t j = 0; j < D::ow; ++j)
          for (std::size_t cl = 0; cl < D::in_per_group; ++cl)
            for (std::size_t p = 0; p < D::kh; ++p)
              for (std::size_t q = 0; q < D::kw; ++q) {
                long const xi = input_at<D>(b, g * D::in_per_group + cl, i, j, p, q);
                if (xi < 0) continue;
                f(((b * D::outputs + o) * D::oh + i) * D::ow + j, static_cast<std::size_t>(xi),
                  ((o * D::in_per_group + cl) * D::kh + p) * D::kw + q);
              }
    }
}

// got against start + sum of terms, each entry within 4 (n + 2) eps sum |term| (any order of a
// sum of n products); a NaN (an entry never written) fails too.
template <class T>
void expect_sums(std::string const& what, std::vector<T> const& got,
                 std::vector<long double> const& sum, std::vector<long double> const& mag,
                 std::size_t terms) {
  double const eps = std::numeric_limits<T>::epsilon();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    double const err = static_cast<double>(std::fabs(sum[i] - got[i]));
    double const bound = 4.0 * static_cast<double>(terms + 2) * eps * static_cast<double>(mag[i]) +
                         std::numeric_limits<T>::min();
    if (!(err <= bound)) ++bad;
  }
  BOOST_TEST_CONTEXT(what) { BOOST_TEST(bad == 0u); }
}

enum class path { gemm, dispatch };

// A dy like one that comes through max pooling and a ReLU: each entry kept with probability
// 1 / keep (0: all kept), the first output channel's planes all zero, each plane's last entry
// kept (the edges of the sparse adjoints' plane).
template <class D, class T> std::vector<T> upstream(unsigned seed, unsigned keep) {
  auto dy = random_values<T>(D::batch * D::outputs * D::oh * D::ow, seed);
  if (keep == 0) return dy;
  std::mt19937 rng(seed + 100);
  std::uniform_int_distribution<unsigned> pick(0, keep - 1);
  constexpr std::size_t n = D::oh * D::ow;
  for (std::size_t i = 0; i < dy.size(); ++i) {
    bool const first = (i / n) % D::outputs == 0, last = i % n == n - 1;
    if (first || (!last && pick(rng) != 0)) dy[i] = T{};
  }
  return dy;
}

template <class D, class T, bool Acc, bool HasBias>
void check(unsigned seed, path how, unsigned keep = 0) {
  constexpr std::size_t nx = D::batch * D::channels * D::height * D::width;
  constexpr std::size_t ny = D::batch * D::outputs * D::oh * D::ow;
  constexpr std::size_t nw = D::outputs * D::in_per_group * D::kh * D::kw;
  auto const x = random_values<T>(nx, seed);
  auto const w = random_values<T>(nw, seed + 1);
  auto const dy = upstream<D, T>(seed + 2, keep);
  auto const bias = random_values<T>(D::outputs, seed + 3);
  T const nan = std::numeric_limits<T>::quiet_NaN();
  auto const y0 = Acc ? random_values<T>(ny, seed + 4) : std::vector<T>(ny, nan);
  auto const dx0 = Acc ? random_values<T>(nx, seed + 5) : std::vector<T>(nx, nan);
  auto const dw0 = Acc ? random_values<T>(nw, seed + 6) : std::vector<T>(nw, nan);

  std::vector<long double> ys(ny, 0), ym(ny, 0), dxs(nx, 0), dxm(nx, 0), dws(nw, 0), dwm(nw, 0);
  for (std::size_t i = 0; i < ny; ++i) {
    long double const start =
        (Acc ? y0[i] : T{}) + (HasBias ? bias[(i / (D::oh * D::ow)) % D::outputs] : T{});
    ys[i] = start;
    ym[i] = std::fabs(start);
  }
  if (Acc) {
    for (std::size_t i = 0; i < nx; ++i) dxs[i] = dx0[i], dxm[i] = std::fabs(dx0[i]);
    for (std::size_t i = 0; i < nw; ++i) dws[i] = dw0[i], dwm[i] = std::fabs(dw0[i]);
  }
  each_product<D>([&](std::size_t yi, std::size_t xi, std::size_t wi) {
    long double const f = static_cast<long double>(w[wi]) * x[xi];
    ys[yi] += f;
    ym[yi] += std::fabs(f);
    long double const gx = static_cast<long double>(w[wi]) * dy[yi];
    dxs[xi] += gx;
    dxm[xi] += std::fabs(gx);
    long double const gw = static_cast<long double>(x[xi]) * dy[yi];
    dws[wi] += gw;
    dwm[wi] += std::fabs(gw);
  });

  auto y = y0;
  auto dx = dx0;
  auto dw = dw0;
  T const* const b = HasBias ? bias.data() : nullptr;
  if (how == path::gemm) {
    // Each kernel where its scratch fits (the others keep NaN/their start and are not checked).
    if constexpr (k::conv_gemm_fits<D, T>)
      k::conv_gemm<D, Acc, HasBias>(y.data(), x.data(), w.data(), b);
    if constexpr (k::conv_gemm_input_fits<D, T>)
      k::conv_gemm_input_grad<D, Acc>(dx.data(), dy.data(), w.data());
    if constexpr (k::conv_gemm_weight_fits<D, T>)
      k::conv_gemm_weight_grad<D, Acc>(dw.data(), x.data(), dy.data());
  } else {
    k::conv<D, Acc, HasBias>(y.data(), x.data(), w.data(), b);
    k::conv_input_grad<D, Acc>(dx.data(), dy.data(), w.data());
    k::conv_weight_grad<D, Acc>(dw.data(), x.data(), dy.data());
  }
  std::string const tag =
      std::string(how == path::gemm ? "conv_gemm" : "kernels::conv") +
      (std::is_same_v<T, float> ? " float" : " double") + (Acc ? " acc" : "") +
      (HasBias ? " bias" : "") + (keep != 0 ? " sparse dy" : "") + " B" + std::to_string(D::batch) +
      " C" + std::to_string(D::channels) + " " + std::to_string(D::height) + "x" +
      std::to_string(D::width) + " O" + std::to_string(D::outputs) + " k" + std::to_string(D::kh) +
      "x" + std::to_string(D::kw) + " p" + std::to_string(D::ph) + "," + std::to_string(D::pw) +
      " d" + std::to_string(D::dh) + "," + std::to_string(D::dw) + " g" + std::to_string(D::groups);
  bool const all = how == path::dispatch;
  if (all || k::conv_gemm_fits<D, T>)
    expect_sums<T>(tag + ": y", y, ys, ym, D::in_per_group * D::kh * D::kw);
  if (all || k::conv_gemm_input_fits<D, T>)
    expect_sums<T>(tag + ": dx", dx, dxs, dxm, D::out_per_group * D::kh * D::kw);
  if (all || k::conv_gemm_weight_fits<D, T>)
    expect_sums<T>(tag + ": dw", dw, dws, dwm, D::batch * D::oh * D::ow);
}

// Stride 1 (the GEMM path's domain): B, C, H, W, O, KH, KW, PH, PW, DH, DW, G.
template <std::size_t B, std::size_t C, std::size_t H, std::size_t W, std::size_t O, std::size_t KH,
          std::size_t KW, std::size_t PH, std::size_t PW, std::size_t DH, std::size_t DW,
          std::size_t G>
using dims1 = k::conv_dims<B, C, H, W, O, KH, KW, 1, 1, PH, PW, DH, DW, G>;

template <class D, class T> void check_all(unsigned seed) {
  static_assert(k::conv_gemm_fits<D, T> && k::conv_gemm_weight_fits<D, T>);
  check<D, T, false, true>(seed, path::gemm);
  check<D, T, true, true>(seed + 10, path::gemm);
  check<D, T, false, false>(seed + 20, path::gemm);
  check<D, T, true, false>(seed + 30, path::dispatch);
  check<D, T, false, true>(seed + 40, path::dispatch);
}

// The sparse adjoints' cases: dy with about one entry in keep, through the kernels and the
// dispatch; where detail::sparse_plan fits, conv_gemm's adjoints take their sparse path for it
// (and not for a dense dy).
template <class D, class T> void check_sparse(unsigned seed, unsigned keep) {
  static_assert(k::conv_gemm_fits<D, T> && k::conv_gemm_weight_fits<D, T>);
  if constexpr (k::detail::sparse_plan<D, T>::fits) {
    BOOST_TEST(k::detail::sparse_pays<D>(upstream<D, T>(seed + 2, keep).data()));
    BOOST_TEST(!k::detail::sparse_pays<D>(upstream<D, T>(seed, 0).data()));
  }
  check<D, T, false, true>(seed, path::gemm, keep);
  check<D, T, true, false>(seed + 10, path::gemm, keep);
  check<D, T, true, true>(seed + 20, path::dispatch, keep);
}

}  // namespace conv_gemm_test

BOOST_AUTO_TEST_CASE(odd_sizes_float) {
  using namespace conv_gemm_test;
  check_all<dims1<1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1>, float>(1);
  check_all<dims1<2, 3, 7, 5, 5, 3, 3, 0, 0, 1, 1, 1>, float>(2);
  check_all<dims1<3, 5, 9, 11, 13, 3, 2, 1, 2, 1, 1, 1>, float>(3);
  check_all<dims1<2, 6, 10, 9, 9, 3, 3, 2, 1, 2, 3, 3>, float>(4);
  check_all<dims1<1, 17, 6, 19, 33, 2, 5, 1, 0, 1, 1, 1>, float>(5);
  check_all<dims1<2, 4, 13, 13, 4, 5, 1, 0, 2, 1, 1, 4>, float>(6);
}

BOOST_AUTO_TEST_CASE(odd_sizes_double) {
  using namespace conv_gemm_test;
  check_all<dims1<2, 3, 7, 5, 5, 3, 3, 0, 0, 1, 1, 1>, double>(12);
  check_all<dims1<3, 5, 9, 11, 13, 3, 2, 1, 2, 1, 1, 1>, double>(13);
  check_all<dims1<2, 6, 10, 9, 9, 3, 3, 2, 1, 2, 3, 3>, double>(14);
  check_all<dims1<1, 17, 6, 19, 33, 2, 5, 1, 0, 1, 1, 1>, double>(15);
}

BOOST_AUTO_TEST_CASE(cnn_shapes) {
  // The Fashion-MNIST CNN's two layers (examples/fashion_mnist_cnn.cpp), batch 2, and a 1-D
  // convolution (H = KH = 1) with padding; the first layer's forward takes chunks of rows, and
  // its input adjoint (not needed in the CNN: x is data) does not fit the budget.
  using namespace conv_gemm_test;
  check_all<dims1<2, 1, 28, 28, 32, 3, 3, 0, 0, 1, 1, 1>, float>(21);
  check_all<dims1<2, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>(22);
  check_all<dims1<3, 8, 1, 50, 16, 1, 5, 0, 2, 1, 1, 1>, float>(23);
}

BOOST_AUTO_TEST_CASE(batch_one) {
  // One image: the weight adjoint makes dy^T and the padded planes once for all its chunks of
  // rows (plan::w_once), except with groups, or when dy^T comes in chunks of output rows (the
  // first layer, 26 rows of 26 outputs). The CNN's layers at batch 1, odd sizes with padding
  // and dilation, a K of many rows in one chunk.
  using namespace conv_gemm_test;
  static_assert(k::detail::plan<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>::w_once);
  static_assert(!k::detail::plan<dims1<1, 1, 28, 28, 32, 3, 3, 0, 0, 1, 1, 1>, float>::w_once);
  static_assert(k::detail::plan<dims1<1, 5, 9, 11, 13, 3, 2, 1, 2, 1, 1, 1>, float>::w_once);
  check_all<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>(31);
  check_all<dims1<1, 1, 28, 28, 32, 3, 3, 0, 0, 1, 1, 1>, float>(32);
  check_all<dims1<1, 5, 9, 11, 13, 3, 2, 1, 2, 1, 1, 1>, float>(33);
  check_all<dims1<1, 6, 10, 9, 9, 3, 3, 2, 1, 2, 3, 3>, float>(34);
  check_all<dims1<1, 5, 9, 11, 13, 3, 2, 1, 2, 1, 1, 1>, double>(35);
  check_all<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, double>(36);
  check_all<dims1<1, 7, 12, 5, 19, 2, 3, 0, 1, 2, 1, 1>, double>(37);
}

BOOST_AUTO_TEST_CASE(input_adjoint_by_col2im) {
  // conv_gemm_input_grad's col2im path (at least 8 outputs per group): the CNN's second
  // layer (8 chunks of 4 channels), 17 channels in chunks and a smaller last one, groups with
  // dilation and padding, one tall and thin plane; and a layer of 5 outputs that keeps the
  // full correlation.
  using namespace conv_gemm_test;
  static_assert(k::conv_gemm_input_col2im<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>);
  static_assert(k::conv_gemm_input_col2im<dims1<1, 17, 6, 19, 33, 2, 5, 1, 0, 1, 1, 1>, float>);
  static_assert(k::detail::plan<dims1<1, 17, 6, 19, 33, 2, 5, 1, 0, 1, 1, 1>, float>::c2_cpc < 17);
  static_assert(!k::conv_gemm_input_col2im<dims1<2, 3, 7, 5, 5, 3, 3, 0, 0, 1, 1, 1>, float>);
  check_all<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>(41);
  check_all<dims1<1, 17, 6, 19, 33, 2, 5, 1, 0, 1, 1, 1>, float>(42);
  check_all<dims1<2, 6, 9, 10, 24, 3, 3, 1, 2, 2, 1, 2>, float>(43);
  check_all<dims1<1, 3, 40, 3, 8, 3, 1, 0, 1, 1, 1, 1>, float>(44);
  check_all<dims1<2, 6, 9, 10, 24, 3, 3, 1, 2, 2, 1, 2>, double>(45);
  check_all<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, double>(46);
  check_all<dims1<2, 3, 7, 5, 5, 3, 3, 0, 0, 1, 1, 1>, float>(47);
}

BOOST_AUTO_TEST_CASE(input_adjoint_by_compact_col2im) {
  // The compact form (AVX-512 floats, no padding or dilation, planes at most 16 wide): the
  // CNN's second layer, odd sizes with a last chunk of fewer channels, groups, a plane exactly
  // 16 wide, a 1 x 1 kernel.
  using namespace conv_gemm_test;
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  static_assert(k::detail::plan<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>::c2_compact);
  static_assert(k::detail::plan<dims1<2, 8, 7, 16, 16, 2, 3, 0, 0, 1, 1, 2>, float>::c2_compact);
  static_assert(
      !k::detail::plan<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, double>::c2_compact);
#endif
  check_all<dims1<1, 32, 13, 13, 64, 3, 3, 0, 0, 1, 1, 1>, float>(51);
  check_all<dims1<2, 37, 9, 11, 12, 3, 2, 0, 0, 1, 1, 1>, float>(52);
  check_all<dims1<2, 8, 7, 16, 16, 2, 3, 0, 0, 1, 1, 2>, float>(53);
  check_all<dims1<1, 9, 5, 3, 10, 1, 1, 0, 0, 1, 1, 1>, float>(54);
}
