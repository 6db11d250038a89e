// SPDX-License-Identifier: BSL-1.0
// Stride-1 convolution and its two adjoints on the register-tiled micro-kernel of
// kernels/gemm.hpp, with an implicit im2col: no column matrix is ever built.
//
// With stride 1, output (i, j) of one image reads x[c, (i + p DH) Wp + j + q DW] of the input
// plane padded to pitch Wp = W + 2 PW. Computed at t = i Wp + j for every t < len =
// (OH - 1) Wp + OW ("wide rows": the columns j >= OW are computed and thrown away), row
// k = (c, p, q) of the im2col matrix is the padded plane of c shifted by off(p, q) = p DH Wp +
// q DW: a contiguous run of the input itself. So each of the three products is a GEMM whose
// B rows are found through a compile-time table of offsets instead of a fixed stride:
//   forward       y_w[o, t]   = sum_k w[o, k] x_p[off_x(k) + t]             M = O/G, K = C/G KH KW,
//   N = len input adjoint dx_p[c, s]  = sum_k w'[c, k] dy_z[off_y(k) + s]           M = C/G, K =
//   O/G KH KW, N = (H-1) Wp + W
//                 (the forward of dy, zero-padded by the kernel's reach, with the kernel flipped
//                 and its channels exchanged: w'[c, (o, p, q)] = w[o, c, KH-1-p, KW-1-q], read in
//                 place through a second table; a column that wraps into the previous row reads
//                 dy's zero columns j >= OW, as the forward's never reaches past Wp)
//                 or, with at least 8 outputs per group (conv_gemm_input_col2im), by col2im:
//                 col[(c, p, q), t] = sum_o w[o, c, p, q] dy_w[o, t] (M = C/G KH KW, K = O/G,
//                 N = len; with AVX-512 floats, planes at most 16 wide and no padding, N =
//                 OH OW straight from dy), then dx_p[c, s] = sum_{p,q} col[(c, p, q), s -
//                 off(p, q)], each row read shifted, summed in registers: fewer products,
//                 as the correlation also multiplies the taps that fall on dy's padding
//   weight adjoint dw[o, k]   = sum_t x_p[off_x(k) + t] dy^T[t, o]          M = C/G KH KW, N = O/G,
//   K = OH OW per image
//                 (dy of one image transposed to [OH OW, O/G], so A's rows are shifted input
//                 planes again, read in OH segments of OW: the wide columns j >= OW are not
//                 summed; the result is summed over the batch in a scratch [rows, O/G] and
//                 written out transposed once. dy^T and the result's transposition go through
//                 vector registers, kernels/transpose_tiled.hpp; at batch 1 dy^T is made once
//                 for all chunks of rows)
// The micro-kernel holds an MR x NV tile of the result in vector registers (gemm_tile), loads
// NV vectors of a B row and broadcasts MR entries of A per k, as in kernels/gemm.hpp; rows of
// B read past their last full vector through masked loads, so nothing is read outside a plane.
//
// Why this and not the direct loops of kernels/conv.hpp, or an explicit im2col: the direct
// loops accumulate in memory (a load and a store per multiply-add, ~9% of the FMA peak on the
// CNN's second layer, measured with perf), and an explicit im2col matrix of the same layer is
// 288 x 121 floats per image (136 KiB) against 21 KiB for the image itself. The tables cost
// one extra load per k beside MR x NV FMAs. Measured numbers are in README (CNN benchmark).
//
// Scratch lives on the stack, at most conv_gemm_budget bytes per call: the result of a chunk
// of rows (mc rows of the product, chosen at compile time to fit), the padded input planes of
// one image and group when there is padding, dy of one image zero-padded (input adjoint) or
// transposed (weight adjoint; in chunks of output rows when a whole image's does not fit). Shapes
// whose scratch cannot fit, and strides other than 1, take kernels/conv.hpp's loops.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/gemm.hpp>
#include <ctgrad/kernels/transpose_tiled.hpp>

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <type_traits>

namespace ctgrad::kernels {

/// Bytes of stack scratch one call of a GEMM convolution kernel may use (see conv_gemm.hpp).
inline constexpr std::size_t conv_gemm_budget = 64 * 1024;

namespace detail {

/// The geometry of the implicit im2col for conv_dims D (stride 1).
template <class D> struct geo {
  static constexpr std::size_t wp = D::width + 2 * D::pw, hp = D::height + 2 * D::ph;
  static constexpr std::size_t plane = hp * wp;  // a padded input plane
  static constexpr std::size_t len = (D::oh - 1) * wp + D::ow;
  static constexpr std::size_t taps = D::kh * D::kw;
  static constexpr std::size_t cg = D::in_per_group, og = D::out_per_group;
  static constexpr std::size_t kx = cg * taps;  // forward K (a row of w)
  static constexpr std::size_t ky = og * taps;  // input adjoint's K
  static constexpr bool padded = D::ph != 0 || D::pw != 0;
  // dy zero-padded in front by the kernel's reach: dy_z[u] = dy_w[u - zpad].
  static constexpr std::size_t zpad = (D::kh - 1) * D::dh * wp + (D::kw - 1) * D::dw;
  static constexpr std::size_t lz = plane + zpad;
  static constexpr std::size_t s0 = D::ph * wp + D::pw;  // x's first entry in its padded plane
  static constexpr std::size_t ls = (D::height - 1) * wp + D::width;
  static constexpr std::size_t offset(std::size_t p, std::size_t q) {
    return p * D::dh * wp + q * D::dw;
  }
};

// Row k = (c, p, q) of the implicit im2col matrix: the padded plane of c shifted by off(p, q).
template <class D> constexpr auto x_offsets() {
  using G = geo<D>;
  std::array<std::uint32_t, G::kx> t{};
  for (std::size_t c = 0; c < G::cg; ++c)
    for (std::size_t p = 0; p < D::kh; ++p)
      for (std::size_t q = 0; q < D::kw; ++q)
        t[(c * D::kh + p) * D::kw + q] = static_cast<std::uint32_t>(c * G::plane + G::offset(p, q));
  return t;
}
// The input adjoint's k = (o, p, q): dy_z's plane of o shifted by off(p, q) (B), and the flipped
// weight w[o, c, KH-1-p, KW-1-q] relative to row c's w[0, c, 0, 0] (A).
template <class D> constexpr auto y_offsets() {
  using G = geo<D>;
  std::array<std::uint32_t, G::ky> t{};
  for (std::size_t o = 0; o < G::og; ++o)
    for (std::size_t p = 0; p < D::kh; ++p)
      for (std::size_t q = 0; q < D::kw; ++q)
        t[(o * D::kh + p) * D::kw + q] = static_cast<std::uint32_t>(o * G::lz + G::offset(p, q));
  return t;
}
template <class D> constexpr auto w_flipped() {
  using G = geo<D>;
  std::array<std::uint32_t, G::ky> t{};
  for (std::size_t o = 0; o < G::og; ++o)
    for (std::size_t p = 0; p < D::kh; ++p)
      for (std::size_t q = 0; q < D::kw; ++q)
        t[(o * D::kh + p) * D::kw + q] =
            static_cast<std::uint32_t>(o * G::kx + (D::kh - 1 - p) * D::kw + (D::kw - 1 - q));
  return t;
}
template <class D> struct tables {
  static constexpr auto x = x_offsets<D>();
  static constexpr auto y = y_offsets<D>();
  static constexpr auto wf = w_flipped<D>();
};

// Readers of A (one scalar, broadcast) and B (a row pointer) for the micro-kernel.
template <class T, std::size_t SAR> struct a_dense {  // A(r, k) = p[r SAR + k]
  T const* p;
  CTGRAD_ALWAYS_INLINE T operator()(std::size_t r, std::size_t k) const { return p[r * SAR + k]; }
  CTGRAD_ALWAYS_INLINE a_dense at(std::size_t m0) const { return {p + m0 * SAR}; }
};
template <class T, std::size_t SAR> struct a_koff {  // A(r, k) = p[r SAR + off[k]]
  T const* p;
  std::uint32_t const* off;
  CTGRAD_ALWAYS_INLINE T operator()(std::size_t r, std::size_t k) const {
    return p[r * SAR + off[k]];
  }
  CTGRAD_ALWAYS_INLINE a_koff at(std::size_t m0) const { return {p + m0 * SAR, off}; }
};
// A(r, k) = p[off[r] + k]; in the micro-kernel's segment s of k (see micro), p moves on by s Skip:
// the weight adjoint's k runs over the OW outputs of each output row, which are OW of the
// input's Wp columns apart from the next row's (Skip = Wp - OW).
template <class T, std::size_t Skip = 0> struct a_rows {
  T const* p;
  std::uint32_t const* off;
  CTGRAD_ALWAYS_INLINE T operator()(std::size_t r, std::size_t k) const { return p[off[r] + k]; }
  CTGRAD_ALWAYS_INLINE a_rows at(std::size_t m0) const { return {p, off + m0}; }
  CTGRAD_ALWAYS_INLINE a_rows seg(std::size_t s) const { return {p + s * Skip, off}; }
};
template <class T, std::size_t SAK> struct a_cols {  // A(r, k) = p[k SAK + r]
  T const* p;
  CTGRAD_ALWAYS_INLINE T operator()(std::size_t r, std::size_t k) const { return p[k * SAK + r]; }
  CTGRAD_ALWAYS_INLINE a_cols at(std::size_t m0) const { return {p + m0}; }
};
template <class T> struct b_table {  // B(k, :) = p + off[k]
  T const* p;
  std::uint32_t const* off;
  CTGRAD_ALWAYS_INLINE T const* operator()(std::size_t k) const { return p + off[k]; }
};
template <class T, std::size_t LDB> struct b_dense {  // B(k, :) = p + k LDB
  T const* p;
  CTGRAD_ALWAYS_INLINE T const* operator()(std::size_t k) const { return p + k * LDB; }
};

// C's tile (MR rows, NV vectors from column n0, the last of Last lanes) = (or +=, with acc)
// sum over k < K of A(r, k) B(k, n0 + ...).
// Segment s of the k loop reads A through a.seg(s) (one segment: through a).
template <bool One, class A> CTGRAD_ALWAYS_INLINE A segment(A const& a, std::size_t s) {
  if constexpr (One) {
    (void)s;
    return a;
  } else {
    return a.seg(s);
  }
}

// With Seg < K, k runs in K / Seg segments of Seg, and segment s reads A through a.seg(s).
template <class T, std::size_t MR, std::size_t NV, std::size_t Last, std::size_t K,
          std::size_t Seg = K, class A, class B>
CTGRAD_ALWAYS_INLINE void micro(A a, B b, std::size_t n0, T* CTGRAD_RESTRICT c, std::size_t ldc,
                                bool acc) {
  static_assert(K % Seg == 0);
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width;
  typename V::type s[MR][NV];
  auto load = [](T const* p, std::size_t v) {
    if constexpr (Last == W) {
      return V::load(p + v * W);
    } else {
      return v + 1 < NV ? V::load(p + v * W) : V::template load_part<Last>(p + v * W);
    }
  };
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) s[r][v] = acc ? load(c + r * ldc, v) : V::zero();
  for (std::size_t sg = 0; sg < K / Seg; ++sg) {
    A const as = segment<Seg == K>(a, sg);
    for (std::size_t k = sg * Seg; k < (sg + 1) * Seg; ++k) {
      T const* const bk = b(k) + n0;
      typename V::type bv[NV];
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) bv[v] = load(bk, v);
#pragma GCC unroll 16
      for (std::size_t r = 0; r < MR; ++r) {
        typename V::type const ar = V::splat(as(r, k));
#pragma GCC unroll 8
        for (std::size_t v = 0; v < NV; ++v) s[r][v] = V::fma(ar, bv[v], s[r][v]);
      }
    }
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) {
      if constexpr (Last == W) {
        V::store(c + r * ldc + v * W, s[r][v]);
      } else if (v + 1 < NV) {
        V::store(c + r * ldc + v * W, s[r][v]);
      } else {
        V::template store_part<Last>(c + r * ldc + v * W, s[r][v]);
      }
    }
}

// Rows [0, MR) of C, every panel of NC = NV W columns, then the narrower last panel.
template <class T, std::size_t MR, std::size_t N, std::size_t K, std::size_t Seg = K,
          std::size_t NV0 = 0, class A, class B>
CTGRAD_ALWAYS_INLINE void row_tile(A a, B b, T* c, std::size_t ldc, bool acc) {
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width;
  constexpr std::size_t NV = NV0 != 0 ? NV0 : gemm_tile(N, W).nv;
  constexpr std::size_t NC = NV * W, panels = N / NC, rest = N % NC;
  constexpr std::size_t rest_nv = (rest + W - 1) / W, rest_last = rest - (rest_nv - 1) * W;
  for (std::size_t p = 0; p < panels; ++p)
    micro<T, MR, NV, W, K, Seg>(a, b, p * NC, c + p * NC, ldc, acc);
  if constexpr (rest > 0)
    micro<T, MR, rest_nv, rest_last, K, Seg>(a, b, panels * NC, c + panels * NC, ldc, acc);
}

/// C[M, N] (ldc apart) = (or +=) A B, A and B read through the readers above (k in segments of
/// Seg, see micro); the tile gemm_tile's unless MR0 and NV0 are given.
template <class T, std::size_t M, std::size_t N, std::size_t K, std::size_t Seg = K,
          std::size_t MR0 = 0, std::size_t NV0 = 0, class A, class B>
void product(A a, B b, T* c, std::size_t ldc, bool acc) {
  constexpr std::size_t MR = MR0 != 0 ? MR0 : gemm_tile(N, simd::vec<T>::width).mr;
  constexpr std::size_t full = M / MR, rest = M % MR;
  for (std::size_t t = 0; t < full; ++t)
    row_tile<T, MR, N, K, Seg, NV0>(a.at(t * MR), b, c + t * MR * ldc, ldc, acc);
  if constexpr (rest > 0)
    row_tile<T, rest, N, K, Seg, NV0>(a.at(full * MR), b, c + full * MR * ldc, ldc, acc);
}

/// The most rows of a product (a multiple of the tile's MR, or all M) whose results, Row
/// entries each, fit in the budget beside Fixed entries of other scratch; 0 if none fit.
template <class T, std::size_t M, std::size_t N, std::size_t Row, std::size_t Fixed>
constexpr std::size_t chunk_rows() {
  constexpr std::size_t cap = conv_gemm_budget / sizeof(T);
  if (Fixed + Row > cap) return 0;
  std::size_t const fit = (cap - Fixed) / Row;
  if (fit >= M) return M;
  std::size_t const mr = gemm_tile(N, simd::vec<T>::width).mr;
  return fit >= mr ? fit / mr * mr : 0;
}

template <class D, class T> struct plan {
  using G = geo<D>;
  static constexpr std::size_t xpad = G::padded ? G::cg * G::plane : 0;
  // forward: result rows of len; input adjoint: rows of ls beside dy_z; weight adjoint: rows
  // of O/G beside dy^T and the padded planes.
  static constexpr std::size_t fwd_rows = chunk_rows<T, G::og, G::len, G::len, xpad>();
  static constexpr std::size_t in_rows = chunk_rows<T, G::cg, G::ls, G::ls, G::og * G::lz>();
  // The weight adjoint's k (the OH x OW outputs of one image, not the wide columns) in chunks
  // of w_ki whole output rows (w_kt outputs), leaving room for some rows of the result.
  static constexpr std::size_t cap = conv_gemm_budget / sizeof(T);
  static constexpr std::size_t w_reserve = (G::kx < 4 * gemm_tile(G::og, simd::vec<T>::width).mr
                                                ? G::kx
                                                : 4 * gemm_tile(G::og, simd::vec<T>::width).mr) *
                                           G::og;
  static constexpr std::size_t w_ki = cap < xpad + w_reserve + G::og * D::ow ? 0
                                      : (cap - xpad - w_reserve) / (G::og * D::ow) < D::oh
                                          ? (cap - xpad - w_reserve) / (G::og * D::ow)
                                          : D::oh;
  static constexpr std::size_t w_kt = w_ki * D::ow;
  static constexpr std::size_t w_rows =
      w_ki == 0 ? 0 : chunk_rows<T, G::kx, G::og, G::og, w_kt * G::og + xpad>();
  // The input adjoint by col2im (input_col2im): rows of the column matrix at pitch c2_pitch,
  // zpad zeros in front of each row's len values and zeros after them, so that every shifted
  // read of a plane's vectors finds zeros outside the row; c2_cpc input channels (taps rows
  // each) per chunk, beside dy at the input's pitch (og rows of len).
  static constexpr std::size_t c2_w = simd::vec<T>::width;
  static constexpr std::size_t c2_vectors = (G::plane + c2_w - 1) / c2_w;
  static constexpr std::size_t c2_pitch =
      c2_vectors * c2_w > G::zpad + G::len ? c2_vectors* c2_w : G::zpad + G::len;
  static constexpr std::size_t c2_fixed = G::og * G::len + G::zpad + c2_vectors * c2_w;
  static constexpr std::size_t c2_cpc = cap < c2_fixed + G::taps * c2_pitch ? 0
                                        : (cap - c2_fixed) / (G::taps * c2_pitch) < G::cg
                                            ? (cap - c2_fixed) / (G::taps * c2_pitch)
                                            : G::cg;
  static constexpr std::size_t c2_buffer =
      c2_cpc * G::taps * c2_pitch + G::zpad + c2_vectors * c2_w;
  // Its tile: 12 rows of 2 vectors with 32 registers (a chunk of 4 channels of 3 x 3 taps is
  // 3 tiles, where gemm_tile's 8 rows leave a tile of 4), else gemm_tile's.
  static constexpr std::size_t c2_mr = simd::registers >= 32 ? 12 : 0;
  static constexpr std::size_t c2_nv = simd::registers >= 32 ? 2 : 0;
  // The compact form (input_col2im_compact, AVX-512 floats): the column matrix over the OH OW
  // outputs only, straight from dy (no copy at the input's pitch), rows of a plane at most one
  // vector wide; c2c_cpc channels per chunk.
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  static constexpr bool c2_compact =
      std::is_same_v<T, float> && !G::padded && D::dh == 1 && D::dw == 1 && D::width <= 16;
#else
  static constexpr bool c2_compact = false;
#endif
  static constexpr std::size_t c2c_front = 16;  // room for reads that start up to KW - 1 early
  static constexpr std::size_t c2c_fit = cap < c2c_front + G::taps * D::oh * D::ow ? 0
                                         : (cap - c2c_front) / (G::taps * D::oh * D::ow) < G::cg
                                             ? (cap - c2c_front) / (G::taps * D::oh * D::ow)
                                             : G::cg;
  // Whole tiles where the budget allows: chunks of a multiple of c2c_unit channels (3 x 3
  // taps and 12-row tiles: 4 channels are 3 tiles; 15 channels left a tile of 3 rows).
  static constexpr std::size_t c2c_unit = c2_mr == 0 ? 1 : c2_mr / std::gcd(G::taps, c2_mr);
  static constexpr std::size_t c2c_cpc =
      c2c_fit >= c2c_unit && c2c_fit < G::cg ? c2c_fit / c2c_unit * c2c_unit : c2c_fit;
  // One image, whose dy^T is one chunk: made once for every chunk of rows, not once per chunk.
  static constexpr bool w_once = D::batch == 1 && D::groups == 1 && w_ki == D::oh;
};

// The padded planes of one image's group (cg planes from xc), or xc itself without padding.
template <class D, class T> T const* padded_planes(T* xp, T const* xc) {
  using G = geo<D>;
  if constexpr (!G::padded) {
    (void)xp;
    return xc;
  } else {
    for (std::size_t i = 0; i < G::cg * G::plane; ++i) xp[i] = T{};
    for (std::size_t c = 0; c < G::cg; ++c)
      for (std::size_t i = 0; i < D::height; ++i)
        for (std::size_t j = 0; j < D::width; ++j)
          xp[c * G::plane + (i + D::ph) * G::wp + j + D::pw] =
              xc[(c * D::height + i) * D::width + j];
    return xp;
  }
}

template <class D, bool Acc, bool HasBias, class T, std::size_t MC>
void forward_chunk(T* y, T const* xs, T const* w, T const* bias, std::size_t b, std::size_t o0,
                   T* out) {
  using G = geo<D>;
  product<T, MC, G::len, G::kx>(a_dense<T, G::kx>{w + o0 * G::kx},
                                b_table<T>{xs, tables<D>::x.data()}, out, G::len, false);
  for (std::size_t r = 0; r < MC; ++r) {
    T* const yo = y + (b * D::outputs + o0 + r) * D::oh * D::ow;
    T start{};
    if constexpr (HasBias) start = bias[o0 + r];
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j)
        store<Acc>(yo[i * D::ow + j], start + out[r * G::len + i * G::wp + j]);
  }
}

template <class D, bool Acc, class T, std::size_t MC>
void input_chunk(T* dx, T const* dyz, T const* w, std::size_t b, std::size_t g, std::size_t c0,
                 T* out) {
  using G = geo<D>;
  product<T, MC, G::ls, G::ky>(
      a_koff<T, G::taps>{w + g * G::og * G::kx + c0 * G::taps, tables<D>::wf.data()},
      b_table<T>{dyz + G::s0, tables<D>::y.data()}, out, G::ls, false);
  for (std::size_t r = 0; r < MC; ++r) {
    T* const dxc = dx + (b * D::channels + g * G::cg + c0 + r) * D::height * D::width;
    for (std::size_t i = 0; i < D::height; ++i)
      for (std::size_t j = 0; j < D::width; ++j)
        store<Acc>(dxc[i * D::width + j], out[r * G::ls + i * G::wp + j]);
  }
}

// The input adjoint by col2im, for CC input channels from c0 of group g of image b: the column
// matrix's rows (c, p, q) for those channels, col[(c, p, q), t] = sum_o w[o, c, p, q] dy_w[o, t]
// (M = CC taps, N = len, K = O/G: dy_w is dy at the input's pitch, zero at j >= OW), then each
// padded plane dx_p[c, s] = sum_{p, q} col[(c, p, q), s - off(p, q)], a sum of the rows read
// shifted by their offsets, vector by vector in registers (buf's zeros around each row stand
// for the positions no output reaches), and dx its interior.
template <class D, bool Acc, class T, std::size_t CC>
void input_col2im_chunk(T* dx, T const* dyw, T const* w, std::size_t b, std::size_t g,
                        std::size_t c0, T* buf) {
  using G = geo<D>;
  using P = plan<D, T>;
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width, NV = P::c2_vectors, pitch = P::c2_pitch;
  product<T, CC * G::taps, G::len, G::og, G::og, P::c2_mr, P::c2_nv>(
      a_cols<T, G::kx>{w + g * G::og * G::kx + c0 * G::taps}, b_dense<T, G::len>{dyw},
      buf + G::zpad, pitch, false);
  for (std::size_t cc = 0; cc < CC; ++cc) {
    typename V::type acc[NV];
#pragma GCC unroll 16
    for (std::size_t v = 0; v < NV; ++v) acc[v] = V::zero();
    for (std::size_t p = 0; p < D::kh; ++p)
      for (std::size_t q = 0; q < D::kw; ++q) {
        T const* const row =
            buf + (cc * G::taps + p * D::kw + q) * pitch + G::zpad - G::offset(p, q);
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v) acc[v] = V::add(acc[v], V::load(row + v * W));
      }
    alignas(64) T plane[NV * W];
#pragma GCC unroll 16
    for (std::size_t v = 0; v < NV; ++v) V::store(plane + v * W, acc[v]);
    T* const dxc = dx + (b * D::channels + g * G::cg + c0 + cc) * D::height * D::width;
    for (std::size_t i = 0; i < D::height; ++i)
      for (std::size_t j = 0; j < D::width; ++j)
        store<Acc>(dxc[i * D::width + j], plane[(i + D::ph) * G::wp + j + D::pw]);
  }
}

#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
// input_col2im_chunk's compact form, for plan::c2_compact: the column matrix's rows hold the
// OH OW outputs (N = OH OW, B = dy itself), and each row r of the plane (one vector) sums, for
// every tap (p, q) with an output row i = r - p, that row's OW values moved q lanes on (a
// load masked to lanes q ... q + OW - 1, from q entries before the row).
template <class D, bool Acc, std::size_t CC>
void input_col2im_compact(float* dx, float const* dy, float const* w, std::size_t b, std::size_t g,
                          std::size_t c0, float* buf) {
  using G = geo<D>;
  using P = plan<D, float>;
  constexpr std::size_t n = D::oh * D::ow;
  product<float, CC * G::taps, n, G::og, G::og, P::c2_mr, P::c2_nv>(
      a_cols<float, G::kx>{w + g * G::og * G::kx + c0 * G::taps},
      b_dense<float, n>{dy + (b * D::outputs + g * G::og) * n}, buf, n, false);
  constexpr unsigned row_bits = (1u << D::ow) - 1u;
  constexpr __mmask16 plane_row = static_cast<__mmask16>((1u << D::width) - 1u);
  for (std::size_t cc = 0; cc < CC; ++cc) {
    float* const dxc = dx + (b * D::channels + g * G::cg + c0 + cc) * D::height * D::width;
    for (std::size_t r = 0; r < D::height; ++r) {
      __m512 acc = _mm512_setzero_ps();
      for (std::size_t p = 0; p < D::kh; ++p) {
        if (r < p || r - p >= D::oh) continue;
        float const* const seg = buf + (cc * G::taps + p * D::kw) * n + (r - p) * D::ow;
        for (std::size_t q = 0; q < D::kw; ++q)
          acc = _mm512_add_ps(
              acc, _mm512_maskz_loadu_ps(static_cast<__mmask16>(row_bits << q), seg + q * n - q));
      }
      if constexpr (Acc)
        acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(plane_row, dxc + r * D::width));
      _mm512_mask_storeu_ps(dxc + r * D::width, plane_row, acc);
    }
  }
}
#endif

// dy^T[t, o] for the outputs t of rows [i0, i0 + KI) of one image and group (t counted from
// row i0, OW per row).
template <class D, std::size_t KI, class T>
void transpose_dy(T* CTGRAD_RESTRICT dyt, T const* CTGRAD_RESTRICT dyb, std::size_t i0) {
  using G = geo<D>;
  transpose_tiled<false, G::og, KI * D::ow>(dyt, G::og, dyb + i0 * D::ow, D::oh * D::ow);
}

// dw's rows [k0, k0 + MC) of group g, from one image's dy^T (KI output rows from row i0) and
// its input planes xs: out (+)= the product, k over the outputs, each output row a segment of
// OW that reads the input OW columns on (a_rows' skip).
template <class D, class T, std::size_t MC, std::size_t KI>
CTGRAD_ALWAYS_INLINE void weight_product(T const* xs, T const* dyt, std::size_t i0, std::size_t k0,
                                         T* out, bool acc) {
  using G = geo<D>;
  product<T, MC, G::og, KI * D::ow, D::ow>(
      a_rows<T, G::wp - D::ow>{xs + i0 * G::wp, tables<D>::x.data() + k0}, b_dense<T, G::og>{dyt},
      out, G::og, acc);
}

template <class D, bool Acc, class T, std::size_t MC>
void weight_store(T* dw, std::size_t g, std::size_t k0, T const* out) {
  using G = geo<D>;
  transpose_tiled<Acc, MC, G::og>(dw + g * G::og * G::kx + k0, G::kx, out, G::og);
}

template <class D, bool Acc, class T, std::size_t MC>
void weight_chunk(T* dw, T const* x, T const* dy, std::size_t g, std::size_t k0, T* dyt, T* xp,
                  T* out) {
  using G = geo<D>;
  using P = plan<D, T>;
  constexpr std::size_t KI = P::w_ki, full = D::oh / KI, rest = D::oh % KI;
  if constexpr (P::w_once) {
    // x is the image's planes, padded, and dyt its dy^T (made by conv_gemm_weight_grad).
    (void)dy;
    (void)xp;
    weight_product<D, T, MC, D::oh>(x, dyt, 0, k0, out, false);
  } else {
    for (std::size_t i = 0; i < MC * G::og; ++i) out[i] = T{};
    for (std::size_t b = 0; b < D::batch; ++b) {
      T const* const dyb = dy + (b * D::outputs + g * G::og) * D::oh * D::ow;
      T const* const xs =
          padded_planes<D>(xp, x + (b * D::channels + g * G::cg) * D::height * D::width);
      for (std::size_t c = 0; c < full; ++c) {
        transpose_dy<D, KI>(dyt, dyb, c * KI);
        weight_product<D, T, MC, KI>(xs, dyt, c * KI, k0, out, true);
      }
      if constexpr (rest > 0) {
        transpose_dy<D, rest>(dyt, dyb, full * KI);
        weight_product<D, T, MC, rest>(xs, dyt, full * KI, k0, out, true);
      }
    }
  }
  weight_store<D, Acc, T, MC>(dw, g, k0, out);
}

// ---- The adjoints for a sparse dy (sparse_plan): a gradient that comes through max pooling
// (and a ReLU) is mostly zeros, 3/4 of it or more for 2 x 2 windows, and the GEMM products
// above multiply all of them. Here each nonzero dy[o, (i, j)] of a row is visited once, with
// the channels of x, w and dx laid out last (c_pitch lanes per position, the channels padded to
// whole vectors), so that one tap of one position is a few whole vectors:
//   weight adjoint  dw[o, (p, q), :] += dy[o, t] x_h[t + off(p, q), :]   (taps cv accumulators
//                   in registers per row o, summed over its nonzeros)
//   input adjoint   dx_h[t + off(p, q), :] += dy[o, t] w_h[o, (p, q), :]  (added in memory: an
//                   L1-sized plane)
// with t = i Wp + j the output's place in the padded plane. The layouts change through
// transpose_tiled: x to x_h once per image, w to w_h and the results back in chunks of
// sparse_oc output channels (two transpositions each way: [rows, (c, p, q)] -> [(c, p, q),
// rows], reading the taps' rows in (p, q, c) order -> [rows, (p, q, c)]).
// Skipping a zero of dy also skips 0 * inf = NaN where x or w holds an infinity.
template <class D, class T> struct sparse_plan {
  using G = geo<D>;
  static constexpr std::size_t width = simd::vec<T>::width;
  static constexpr std::size_t cv = (G::cg + width - 1) / width;  // vectors of channels
  static constexpr std::size_t cp = cv * width;                   // a position's pitch
  static constexpr std::size_t oc = G::og < 16 ? G::og : 16;      // output channels per chunk
  static constexpr std::size_t n = D::oh * D::ow;                 // outputs of one plane
  static constexpr std::size_t planes = G::plane * cp;            // x_h or dx_h of one image
  static constexpr std::size_t rows = oc * G::taps * cp;          // [oc, (p, q, c)]
  static constexpr std::size_t cols = oc * G::kx;                 // [(c, p, q), oc]
  static constexpr std::size_t list = n + width;  // room for a last whole vector's writes
  static constexpr std::size_t bytes =
      (planes + rows + cols + list) * sizeof(T) + list * sizeof(std::uint32_t);
  // Registers for the weight adjoint's accumulators, a broadcast and a load; at least half of
  // each vector's lanes real channels (the first layer's single channel would waste 15 of 16).
  static constexpr bool fits = D::sh == 1 && D::sw == 1 && G::taps * cv + 2 <= simd::registers &&
                               cp <= 2 * G::cg && bytes <= conv_gemm_budget;
  // A position's place in the padded plane, by output index i OW + j: i Wp + j.
  static constexpr auto places = [] {
    std::array<std::uint32_t, list> t{};
    for (std::size_t i = 0; i < n; ++i)
      t[i] = static_cast<std::uint32_t>(i / D::ow * G::wp + i % D::ow);
    return t;
  }();
  // Tap (p, q)'s offset in positions.
  static constexpr auto offsets = [] {
    std::array<std::uint32_t, G::taps> t{};
    for (std::size_t p = 0; p < D::kh; ++p)
      for (std::size_t q = 0; q < D::kw; ++q)
        t[p * D::kw + q] = static_cast<std::uint32_t>(G::offset(p, q));
    return t;
  }();
};

/// Whether the sparse adjoints pay for dy: the nonzeros' work (taps cv vectors each, about one
/// per cycle) below a quarter of the GEMM's (taps C/G lanes per output, near two vectors per
/// cycle), which leaves room for the transpositions.
template <class D, class T> bool sparse_pays(T const* dy) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  constexpr std::size_t total = D::batch * D::outputs * S::n;
  constexpr std::size_t most = total * G::cg / (4 * S::cp);  // nonzeros that still pay
  // Counted in blocks, stopping once past `most`: a dense dy (a batch of 32 of the CNN's
  // second layer: 248 000 entries) is given up on after about a quarter of it.
  constexpr std::size_t block = 1024;
  std::size_t nonzero = 0;
  for (std::size_t i0 = 0; i0 < total; i0 += block) {
    std::size_t const end = total - i0 < block ? total : i0 + block;
    for (std::size_t i = i0; i < end; ++i) nonzero += dy[i] != T{} ? 1 : 0;
    if (nonzero > most) return false;
  }
  return true;
}

// The nonzeros of one row of dy: their values and places (sparse_plan::places); how many.
// Branch-free: every entry is written at the next free index, which moves on past a nonzero.
// With AVX-512 floats, 16 at a time: the nonzero lanes (NaN included) packed to the front of a
// vector and stored whole (vals and at have room past n for that).
template <class D, class T>
CTGRAD_ALWAYS_INLINE std::size_t nonzeros(T const* CTGRAD_RESTRICT row, T* CTGRAD_RESTRICT vals,
                                          std::uint32_t* CTGRAD_RESTRICT at) {
  using S = sparse_plan<D, T>;
  std::size_t m = 0;
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>) {
    for (std::size_t i = 0; i < S::n; i += 16) {
      __mmask16 const in =
          i + 16 <= S::n ? __mmask16(0xffff) : static_cast<__mmask16>((1u << (S::n - i)) - 1u);
      __m512 const v = _mm512_maskz_loadu_ps(in, row + i);
      __mmask16 const nz = _mm512_mask_cmp_ps_mask(in, v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
      _mm512_storeu_ps(vals + m, _mm512_maskz_compress_ps(nz, v));
      _mm512_storeu_si512(
          at + m, _mm512_maskz_compress_epi32(nz, _mm512_loadu_si512(S::places.data() + i)));
      m += static_cast<std::size_t>(__builtin_popcount(nz));
    }
    return m;
  }
#endif
  for (std::size_t i = 0; i < S::n; ++i) {
    T const v = row[i];
    vals[m] = v;
    at[m] = S::places[i];
    m += v != T{} ? 1 : 0;
  }
  return m;
}

// x_h: the padded planes of one image's group, channels last (xh's padding and lanes past C/G
// are zero, written once by the caller).
template <class D, class T> void channels_last(T* CTGRAD_RESTRICT xh, T const* CTGRAD_RESTRICT xc) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  if constexpr (!G::padded) {
    transpose_tiled<false, G::cg, G::plane>(xh, S::cp, xc, G::plane);
  } else {
    for (std::size_t i = 0; i < D::height; ++i)
      transpose_tiled<false, G::cg, D::width>(xh + ((i + D::ph) * G::wp + D::pw) * S::cp, S::cp,
                                              xc + i * D::width, D::height * D::width);
  }
}

// dw's rows [o0, o0 + MC) of group g, summed over the images (Build: x_h made here for each
// image, else the caller's for the only one).
template <class D, bool Acc, bool Build, class T, std::size_t MC>
void weight_sparse_chunk(T* dw, T const* x, T const* dy, std::size_t g, std::size_t o0, T* xh,
                         T* rows, T* cols, T* vals, std::uint32_t* at) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width, CV = S::cv, CP = S::cp, TP = G::taps;
  (void)x;
  for (std::size_t b = 0; b < D::batch; ++b) {
    if constexpr (Build)
      channels_last<D>(xh, x + (b * D::channels + g * G::cg) * D::height * D::width);
    for (std::size_t r = 0; r < MC; ++r) {
      std::size_t const m =
          nonzeros<D>(dy + (b * D::outputs + g * G::og + o0 + r) * S::n, vals, at);
      T* const out = rows + r * TP * CP;
      typename V::type acc[TP * CV];
#pragma GCC unroll 32
      for (std::size_t a = 0; a < TP * CV; ++a)
        acc[a] = b == 0 ? V::zero() : V::load(out + a / CV * CP + a % CV * W);
      for (std::size_t e = 0; e < m; ++e) {
        typename V::type const gv = V::splat(vals[e]);
        T const* const xt = xh + std::size_t{at[e]} * CP;
#pragma GCC unroll 32
        for (std::size_t a = 0; a < TP * CV; ++a)
          acc[a] = V::fma(gv, V::load(xt + S::offsets[a / CV] * CP + a % CV * W), acc[a]);
      }
#pragma GCC unroll 32
      for (std::size_t a = 0; a < TP * CV; ++a) V::store(out + a / CV * CP + a % CV * W, acc[a]);
    }
  }
  // rows [MC, (p, q, c)] -> cols [(c, p, q), MC] -> dw [MC, (c, p, q)]
  for (std::size_t tap = 0; tap < TP; ++tap)
    transpose_tiled<false, MC, G::cg>(cols + tap * MC, TP * MC, rows + tap * CP, TP * CP);
  transpose_tiled<Acc, G::kx, MC>(dw + (g * G::og + o0) * G::kx, G::kx, cols, MC);
}

// dx_h (+)= the contribution of output channels [o0, o0 + MC) of group g, image b.
template <class D, class T, std::size_t MC>
void input_sparse_chunk(T* dxh, T const* dy, T const* w, std::size_t b, std::size_t g,
                        std::size_t o0, T* rows, T* cols, T* vals, std::uint32_t* at) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  using V = simd::vec<T>;
  constexpr std::size_t W = V::width, CV = S::cv, CP = S::cp, TP = G::taps;
  // w [MC, (c, p, q)] -> cols [(c, p, q), MC] -> rows [MC, (p, q, c)] (lanes past C/G: zero)
  transpose_tiled<false, MC, G::kx>(cols, MC, w + (g * G::og + o0) * G::kx, G::kx);
  for (std::size_t tap = 0; tap < TP; ++tap)
    transpose_tiled<false, G::cg, MC>(rows + tap * CP, TP * CP, cols + tap * MC, TP * MC);
  for (std::size_t r = 0; r < MC; ++r) {
    std::size_t const m = nonzeros<D>(dy + (b * D::outputs + g * G::og + o0 + r) * S::n, vals, at);
    T const* const wr = rows + r * TP * CP;
    for (std::size_t e = 0; e < m; ++e) {
      typename V::type const gv = V::splat(vals[e]);
      T* const dt = dxh + std::size_t{at[e]} * CP;
#pragma GCC unroll 32
      for (std::size_t a = 0; a < TP * CV; ++a) {
        T* const d = dt + S::offsets[a / CV] * CP + a % CV * W;
        V::store(d, V::fma(gv, V::load(wr + a / CV * CP + a % CV * W), V::load(d)));
      }
    }
  }
}

// The sparse weight adjoint (conv_gemm_weight_grad when sparse_pays); a function of its own, so
// its scratch and the GEMM path's are not one frame.
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void weight_grad_sparse(T* dw, T const* x, T const* dy) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  constexpr std::size_t full = G::og / S::oc, rest = G::og % S::oc;
  // Built once when there is one image per group.
  constexpr bool once = D::batch == 1;
  alignas(64) T xh[S::planes];
  alignas(64) T rows[S::rows];
  alignas(64) T cols[S::cols];
  alignas(64) T vals[S::list];
  alignas(64) std::uint32_t at[S::list];
  if constexpr (G::padded || S::cp > G::cg)
    for (std::size_t i = 0; i < S::planes; ++i) xh[i] = T{};
  for (std::size_t g = 0; g < D::groups; ++g) {
    if constexpr (once) channels_last<D>(+xh, x + g * G::cg * D::height * D::width);
    for (std::size_t m = 0; m < full; ++m)
      weight_sparse_chunk<D, Acc, !once, T, S::oc>(dw, x, dy, g, m * S::oc, +xh, +rows, +cols,
                                                   +vals, +at);
    if constexpr (rest > 0)
      weight_sparse_chunk<D, Acc, !once, T, rest>(dw, x, dy, g, full * S::oc, +xh, +rows, +cols,
                                                  +vals, +at);
  }
}

// The sparse input adjoint (conv_gemm_input_grad when sparse_pays).
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void input_grad_sparse(T* dx, T const* dy, T const* w) {
  using G = geo<D>;
  using S = sparse_plan<D, T>;
  constexpr std::size_t full = G::og / S::oc, rest = G::og % S::oc;
  alignas(64) T dxh[S::planes];
  alignas(64) T rows[S::rows];
  alignas(64) T cols[S::cols];
  alignas(64) T vals[S::list];
  alignas(64) std::uint32_t at[S::list];
  if constexpr (S::cp > G::cg)
    for (std::size_t i = 0; i < S::rows; ++i) rows[i] = T{};
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t g = 0; g < D::groups; ++g) {
      for (std::size_t i = 0; i < S::planes; ++i) dxh[i] = T{};
      for (std::size_t m = 0; m < full; ++m)
        input_sparse_chunk<D, T, S::oc>(+dxh, dy, w, b, g, m * S::oc, +rows, +cols, +vals, +at);
      if constexpr (rest > 0)
        input_sparse_chunk<D, T, rest>(+dxh, dy, w, b, g, full * S::oc, +rows, +cols, +vals, +at);
      T* const dxc = dx + (b * D::channels + g * G::cg) * D::height * D::width;
      if constexpr (!G::padded) {
        transpose_tiled<Acc, G::plane, G::cg>(dxc, G::plane, +dxh, S::cp);
      } else {
        for (std::size_t i = 0; i < D::height; ++i)
          transpose_tiled<Acc, D::width, G::cg>(dxc + i * D::width, D::height * D::width,
                                                dxh + ((i + D::ph) * G::wp + D::pw) * S::cp, S::cp);
      }
    }
}

}  // namespace detail

/// Whether conv_gemm takes conv_dims D in T: stride 1, and its scratch fits conv_gemm_budget with
/// at least one tile of rows.
template <class D, class T>
inline constexpr bool conv_gemm_fits = D::sh == 1 && D::sw == 1 && detail::plan<D, T>::fwd_rows > 0;
/// Whether conv_gemm_input_grad takes conv_dims D in T (as conv_gemm_fits, for its scratch,
/// on either of its two paths).
template <class D, class T>
inline constexpr bool conv_gemm_input_fits =
    D::sh == 1 && D::sw == 1 &&
    (detail::plan<D, T>::in_rows > 0 || (detail::plan<D, T>::c2_cpc > 0 && D::out_per_group >= 8));
/// Whether conv_gemm_weight_grad takes conv_dims D in T (as conv_gemm_fits, for its scratch).
template <class D, class T>
inline constexpr bool conv_gemm_weight_fits =
    D::sh == 1 && D::sw == 1 && detail::plan<D, T>::w_rows > 0;

/// y (+)= conv(x, w) (+ bias) on the micro-kernel (D as in kernels::conv; conv_gemm_fits<D, T>).
template <class D, bool Acc, bool HasBias, class T>
CTGRAD_NOINLINE void conv_gemm(T* y, T const* x, T const* w, T const* bias) {
  static_assert(conv_gemm_fits<D, T>, "conv_gemm: stride 1 and scratch within conv_gemm_budget");
  using G = detail::geo<D>;
  using P = detail::plan<D, T>;
  constexpr std::size_t MC = P::fwd_rows, full = G::og / MC, rest = G::og % MC;
  alignas(64) T xp[P::xpad + 1];  // every entry written before it is read
  alignas(64) T out[MC * G::len];
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t g = 0; g < D::groups; ++g) {
      T const* const xs =
          detail::padded_planes<D>(+xp, x + (b * D::channels + g * G::cg) * D::height * D::width);
      for (std::size_t m = 0; m < full; ++m)
        detail::forward_chunk<D, Acc, HasBias, T, MC>(y, xs, w, bias, b, g * G::og + m * MC, +out);
      if constexpr (rest > 0)
        detail::forward_chunk<D, Acc, HasBias, T, rest>(y, xs, w, bias, b, g * G::og + full * MC,
                                                        +out);
    }
}

/// Whether conv_gemm_input_grad takes conv_dims D in T by col2im (input_col2im_chunk): stride 1,
/// a chunk of channels within conv_gemm_budget, and at least 8 output channels per group (the
/// column matrix's K; its shifted sums cost about one vector add per K multiply-adds).
template <class D, class T>
inline constexpr bool conv_gemm_input_col2im =
    D::sh == 1 && D::sw == 1 && detail::plan<D, T>::c2_cpc > 0 && D::out_per_group >= 8;

/// dx (+)= the adjoint of conv's input for the upstream dy, on the micro-kernel.
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void conv_gemm_input_grad(T* dx, T const* dy, T const* w) {
  static_assert(conv_gemm_input_fits<D, T>,
                "conv_gemm_input_grad: stride 1 and scratch within conv_gemm_budget");
  using G = detail::geo<D>;
  using P = detail::plan<D, T>;
  if constexpr (detail::sparse_plan<D, T>::fits) {
    if (detail::sparse_pays<D>(dy)) {
      detail::input_grad_sparse<D, Acc>(dx, dy, w);
      return;
    }
  }
  if constexpr (conv_gemm_input_col2im<D, T> && P::c2_compact && P::c2c_cpc > 0) {
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
    constexpr std::size_t CC = P::c2c_cpc, full = G::cg / CC, rest = G::cg % CC;
    // c2c_front entries before the rows: the first row's reads start up to KW - 1 early (into
    // lanes masked off, never loaded), and the pointer stays inside the array.
    alignas(64) T scratch[P::c2c_front + CC * G::taps * D::oh * D::ow];
    T* const buf = scratch + P::c2c_front;
    for (std::size_t b = 0; b < D::batch; ++b)
      for (std::size_t g = 0; g < D::groups; ++g) {
        for (std::size_t m = 0; m < full; ++m)
          detail::input_col2im_compact<D, Acc, CC>(dx, dy, w, b, g, m * CC, buf);
        if constexpr (rest > 0)
          detail::input_col2im_compact<D, Acc, rest>(dx, dy, w, b, g, full * CC, buf);
      }
#endif
  } else if constexpr (conv_gemm_input_col2im<D, T>) {
    // col2im: fewer products than the full correlation of the zero-padded dy below, which
    // computes every position of the input plane over all taps, including the taps that
    // fall on the padding (the CNN's second layer at batch 1: 166 000 vector multiply-adds
    // against 203 000).
    constexpr std::size_t CC = P::c2_cpc, full = G::cg / CC, rest = G::cg % CC;
    alignas(64) T dyw[G::og * G::len];
    alignas(64) T buf[P::c2_buffer];
    for (std::size_t i = 0; i < P::c2_buffer; ++i) buf[i] = T{};  // the zeros around the rows
    for (std::size_t b = 0; b < D::batch; ++b)
      for (std::size_t g = 0; g < D::groups; ++g) {
        for (std::size_t o = 0; o < G::og; ++o) {
          T const* const dyo = dy + (b * D::outputs + g * G::og + o) * D::oh * D::ow;
          T* const row = dyw + o * G::len;
          for (std::size_t i = 0; i < D::oh; ++i) {
            for (std::size_t j = 0; j < D::ow; ++j) row[i * G::wp + j] = dyo[i * D::ow + j];
            if (i + 1 < D::oh)
              for (std::size_t j = D::ow; j < G::wp; ++j) row[i * G::wp + j] = T{};
          }
        }
        for (std::size_t m = 0; m < full; ++m)
          detail::input_col2im_chunk<D, Acc, T, CC>(dx, +dyw, w, b, g, m * CC, +buf);
        if constexpr (rest > 0)
          detail::input_col2im_chunk<D, Acc, T, rest>(dx, +dyw, w, b, g, full * CC, +buf);
      }
  } else {
    constexpr std::size_t MC = P::in_rows, full = G::cg / MC, rest = G::cg % MC;
    alignas(64) T dyz[G::og * G::lz];
    alignas(64) T out[MC * G::ls];
    for (std::size_t b = 0; b < D::batch; ++b)
      for (std::size_t g = 0; g < D::groups; ++g) {
        for (std::size_t i = 0; i < G::og * G::lz; ++i) dyz[i] = T{};
        for (std::size_t o = 0; o < G::og; ++o) {
          T const* const dyo = dy + (b * D::outputs + g * G::og + o) * D::oh * D::ow;
          for (std::size_t i = 0; i < D::oh; ++i)
            for (std::size_t j = 0; j < D::ow; ++j)
              dyz[o * G::lz + G::zpad + i * G::wp + j] = dyo[i * D::ow + j];
        }
        for (std::size_t m = 0; m < full; ++m)
          detail::input_chunk<D, Acc, T, MC>(dx, +dyz, w, b, g, m * MC, +out);
        if constexpr (rest > 0)
          detail::input_chunk<D, Acc, T, rest>(dx, +dyz, w, b, g, full * MC, +out);
      }
  }
}

/// dw (+)= the adjoint of conv's weights for the input x and the upstream dy, on the
/// micro-kernel.
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void conv_gemm_weight_grad(T* dw, T const* x, T const* dy) {
  static_assert(conv_gemm_weight_fits<D, T>,
                "conv_gemm_weight_grad: stride 1 and scratch within conv_gemm_budget");
  using G = detail::geo<D>;
  using P = detail::plan<D, T>;
  if constexpr (detail::sparse_plan<D, T>::fits) {
    if (detail::sparse_pays<D>(dy)) {
      detail::weight_grad_sparse<D, Acc>(dw, x, dy);
      return;
    }
  }
  constexpr std::size_t MC = P::w_rows, full = G::kx / MC, rest = G::kx % MC;
  alignas(64) T dyt[P::w_kt * G::og];
  alignas(64) T xp[P::xpad + 1];
  alignas(64) T out[MC * G::og];
  T const* xs = x;
  if constexpr (P::w_once) {
    // One image and group: its padded planes and dy^T made once, for every chunk of rows
    // (weight_chunk then reads xs as its planes).
    xs = detail::padded_planes<D>(+xp, x);
    detail::transpose_dy<D, D::oh>(+dyt, dy, 0);
  }
  for (std::size_t g = 0; g < D::groups; ++g) {
    for (std::size_t m = 0; m < full; ++m)
      detail::weight_chunk<D, Acc, T, MC>(dw, xs, dy, g, m * MC, +dyt, +xp, +out);
    if constexpr (rest > 0)
      detail::weight_chunk<D, Acc, T, rest>(dw, xs, dy, g, full * MC, +dyt, +xp, +out);
  }
}

}  // namespace ctgrad::kernels
