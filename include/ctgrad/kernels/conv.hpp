// SPDX-License-Identifier: BSL-1.0
// Convolution (PyTorch's cross-correlation) in NCHW, with its two adjoints, as direct loops:
//   y[b, o, i, j] = bias[o] + sum_{c in o's group, p, q} w[o, c, p, q] x[b, c, i*SH + p*DH - PH,
//                                                                          j*SW + q*DW - PW]
// (zero outside x). A 1-D convolution is the 2-D one with H = KH = 1.
//
// Why direct loops and not im2col + matmul: im2col needs a buffer of KH*KW*C x OH*OW entries
// per sample (288 x 676 floats, 760 KiB, for a 3x3 32-channel layer on 28x28), which would
// have to live in the caller's workspace, and the layers of small nets are too narrow for a
// GEMM to pay that copy back. Two loop nests:
// - stride 1 (the common case; conv_fast below): each tap is one unit-stride loop over a
//   whole output plane laid out at the input's row pitch ("wide rows"), several channels
//   sharing each load, with at most a few planes of scratch on the stack. Measured on the
//   Fashion-MNIST CNN (examples/fashion_mnist_cnn.cpp, g++ -O3, float, batch 32): 359
//   samples/s with the row-by-row loops below, see README for the fast path's rate.
// - any stride (conv_body): for one weight w[o, c, p, q], the innermost loop runs along an
//   output row, y[.., i, lo:hi] += w * x[.., row, lo*SW + off : ...]; the bounds [lo, hi) of
//   the taps that read inside x are computed once per (p, q), so there is no test in the
//   inner loop and no padded copy of x. Constant evaluation always takes this one.
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/conv_gemm.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/matmul.hpp>  // outline_work

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctgrad::kernels {

/// The sizes of one convolution; 1-D uses H = KH = 1, SH = DH = 1, PH = 0.
template <std::size_t B, std::size_t C, std::size_t H, std::size_t W, std::size_t O, std::size_t KH,
          std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PH, std::size_t PW,
          std::size_t DH, std::size_t DW, std::size_t G>
struct conv_dims {
  static constexpr std::size_t batch = B, channels = C, height = H, width = W, outputs = O;
  static constexpr std::size_t kh = KH, kw = KW, sh = SH, sw = SW, ph = PH, pw = PW, dh = DH,
                               dw = DW, groups = G;
  static constexpr std::size_t oh = (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;
  static constexpr std::size_t ow = (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;
  static constexpr std::size_t in_per_group = C / G, out_per_group = O / G;
  /** \var conv_dims::batch
      Batch size B. */
  /** \var conv_dims::channels
      Input channels C. */
  /** \var conv_dims::height
      Input height H (1 in 1-D). */
  /** \var conv_dims::width
      Input width W (the length in 1-D). */
  /** \var conv_dims::outputs
      Output channels O. */
  /** \var conv_dims::kh
      Kernel height. */
  /** \var conv_dims::kw
      Kernel width. */
  /** \var conv_dims::sh
      Stride along the height. */
  /** \var conv_dims::sw
      Stride along the width. */
  /** \var conv_dims::ph
      Zero padding on each side of the height. */
  /** \var conv_dims::pw
      Zero padding on each side of the width. */
  /** \var conv_dims::dh
      Dilation along the height. */
  /** \var conv_dims::dw
      Dilation along the width. */
  /** \var conv_dims::groups
      Channel groups G. */
  /** \var conv_dims::oh
      Output height: floor((H + 2 PH - DH (KH - 1) - 1) / SH) + 1. */
  /** \var conv_dims::ow
      Output width, by the same rule. */
  /** \var conv_dims::in_per_group
      Input channels per group, C / G. */
  /** \var conv_dims::out_per_group
      Output channels per group, O / G. */
};

namespace detail {

/// The output positions [lo, hi) along one axis whose tap k reads inside the input:
/// 0 <= o*S + k*D - P < N.
struct tap_range {
  std::size_t lo, hi;
  std::ptrdiff_t offset;  // input index = o*S + offset
};
template <std::size_t N, std::size_t Out, std::size_t S, std::size_t P, std::size_t D>
constexpr tap_range taps(std::size_t k) {
  std::ptrdiff_t const offset = static_cast<std::ptrdiff_t>(k * D) - static_cast<std::ptrdiff_t>(P);
  std::size_t lo = 0;
  if (offset < 0) lo = (static_cast<std::size_t>(-offset) + S - 1) / S;
  std::size_t hi = 0;
  if (static_cast<std::ptrdiff_t>(N) - 1 - offset >= 0)
    hi = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(N) - 1 - offset) / S + 1;
  if (hi > Out) hi = Out;
  if (lo > hi) lo = hi;
  return {lo, hi, offset};
}

template <class D> constexpr tap_range row_taps(std::size_t p) {
  return taps<D::height, D::oh, D::sh, D::ph, D::dh>(p);
}
template <class D> constexpr tap_range col_taps(std::size_t q) {
  return taps<D::width, D::ow, D::sw, D::pw, D::dw>(q);
}

// x's row for output row i and tap p (only called for i in p's tap range).
template <class D, class T>
constexpr T const* input_row(T const* xc, std::size_t i, tap_range rows) {
  std::ptrdiff_t const row = static_cast<std::ptrdiff_t>(i * D::sh) + rows.offset;
  return xc + row * static_cast<std::ptrdiff_t>(D::width);
}
template <class D, class T> constexpr T* input_row(T* xc, std::size_t i, tap_range rows) {
  std::ptrdiff_t const row = static_cast<std::ptrdiff_t>(i * D::sh) + rows.offset;
  return xc + row * static_cast<std::ptrdiff_t>(D::width);
}
template <class D> constexpr std::ptrdiff_t input_col(std::size_t j, tap_range cols) {
  return static_cast<std::ptrdiff_t>(j * D::sw) + cols.offset;
}

template <class D, bool Acc, bool HasBias, class T>
constexpr void conv_body(T* CTGRAD_RESTRICT y, T const* CTGRAD_RESTRICT x,
                         T const* CTGRAD_RESTRICT w, T const* CTGRAD_RESTRICT bias) {
  constexpr std::size_t plane = D::oh * D::ow;
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t o = 0; o < D::outputs; ++o) {
      T* const yo = y + (b * D::outputs + o) * plane;
      T start{};
      if constexpr (HasBias) start = bias[o];
      for (std::size_t i = 0; i < plane; ++i) store<Acc>(yo[i], start);
      std::size_t const group = o / D::out_per_group;
      for (std::size_t cl = 0; cl < D::in_per_group; ++cl) {
        std::size_t const c = group * D::in_per_group + cl;
        T const* const xc = x + (b * D::channels + c) * D::height * D::width;
        T const* const wk = w + (o * D::in_per_group + cl) * D::kh * D::kw;
        for (std::size_t p = 0; p < D::kh; ++p) {
          tap_range const rows = row_taps<D>(p);
          for (std::size_t q = 0; q < D::kw; ++q) {
            tap_range const cols = col_taps<D>(q);
            T const wv = wk[p * D::kw + q];
            for (std::size_t i = rows.lo; i < rows.hi; ++i) {
              T* const yr = yo + i * D::ow;
              T const* const xr = input_row<D>(xc, i, rows);
              for (std::size_t j = cols.lo; j < cols.hi; ++j)
                yr[j] += wv * xr[input_col<D>(j, cols)];
            }
          }
        }
      }
    }
}

// dx[b, c, .., ..] (+)= sum over the outputs reading it of w * dy: the forward loops with
// the roles of x and y exchanged (a scatter along x's row).
template <class D, bool Acc, class T>
constexpr void conv_input_grad_body(T* CTGRAD_RESTRICT dx, T const* CTGRAD_RESTRICT dy,
                                    T const* CTGRAD_RESTRICT w) {
  constexpr std::size_t plane = D::oh * D::ow;
  constexpr std::size_t in_plane = D::height * D::width;
  if constexpr (!Acc)
    for (std::size_t i = 0; i < D::batch * D::channels * in_plane; ++i) dx[i] = T{};
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t o = 0; o < D::outputs; ++o) {
      T const* const dyo = dy + (b * D::outputs + o) * plane;
      std::size_t const group = o / D::out_per_group;
      for (std::size_t cl = 0; cl < D::in_per_group; ++cl) {
        std::size_t const c = group * D::in_per_group + cl;
        T* const dxc = dx + (b * D::channels + c) * in_plane;
        T const* const wk = w + (o * D::in_per_group + cl) * D::kh * D::kw;
        for (std::size_t p = 0; p < D::kh; ++p) {
          tap_range const rows = row_taps<D>(p);
          for (std::size_t q = 0; q < D::kw; ++q) {
            tap_range const cols = col_taps<D>(q);
            T const wv = wk[p * D::kw + q];
            for (std::size_t i = rows.lo; i < rows.hi; ++i) {
              T const* const dyr = dyo + i * D::ow;
              T* const dxr = input_row<D>(dxc, i, rows);
              for (std::size_t j = cols.lo; j < cols.hi; ++j)
                dxr[input_col<D>(j, cols)] += wv * dyr[j];
            }
          }
        }
      }
    }
}

// dw[o, c, p, q] (+)= sum over b, i, j of dy[b, o, i, j] x[b, c, i*SH + p*DH - PH, ...]:
// a dot product along each output row.
template <class D, bool Acc, class T>
constexpr void conv_weight_grad_body(T* CTGRAD_RESTRICT dw, T const* CTGRAD_RESTRICT x,
                                     T const* CTGRAD_RESTRICT dy) {
  constexpr std::size_t plane = D::oh * D::ow;
  constexpr std::size_t in_plane = D::height * D::width;
  for (std::size_t o = 0; o < D::outputs; ++o) {
    std::size_t const group = o / D::out_per_group;
    for (std::size_t cl = 0; cl < D::in_per_group; ++cl) {
      std::size_t const c = group * D::in_per_group + cl;
      T* const dwk = dw + (o * D::in_per_group + cl) * D::kh * D::kw;
      for (std::size_t p = 0; p < D::kh; ++p) {
        tap_range const rows = row_taps<D>(p);
        for (std::size_t q = 0; q < D::kw; ++q) {
          tap_range const cols = col_taps<D>(q);
          T sum{};
          for (std::size_t b = 0; b < D::batch; ++b) {
            T const* const dyo = dy + (b * D::outputs + o) * plane;
            T const* const xc = x + (b * D::channels + c) * in_plane;
            for (std::size_t i = rows.lo; i < rows.hi; ++i) {
              T const* const dyr = dyo + i * D::ow;
              T const* const xr = input_row<D>(xc, i, rows);
              for (std::size_t j = cols.lo; j < cols.hi; ++j)
                sum += dyr[j] * xr[input_col<D>(j, cols)];
            }
          }
          store<Acc>(dwk[p * D::kw + q], sum);
        }
      }
    }
  }
}

// ---- stride 1: whole planes as one loop ("wide rows")
// With stride 1, output (i, j) reads x[(i + p DH) Wp + (j + q DW)] of the plane padded to
// pitch Wp = W + 2 PW. Computed at t = i Wp + j for every j < Wp, that is x[t + off] with
// off = p DH Wp + q DW: one unit-stride loop over t < L = (OH - 1) Wp + OW per tap, long
// enough to vectorise well (141 for 13x13 -> 11x11, against rows of 11), where the columns
// j >= OW are computed and thrown away (or, for the adjoints, read as zeros). Several output
// (or input) channels share each load of x. Scratch: a few planes on the stack, so the path
// is taken only when they fit fast_conv_budget bytes.
inline constexpr std::size_t fast_conv_budget = 48 * 1024;

template <class D> struct wide {
  static constexpr std::size_t wp = D::width + 2 * D::pw, hp = D::height + 2 * D::ph;
  static constexpr std::size_t plane = hp * wp;    // a padded input plane
  static constexpr std::size_t span = D::oh * wp;  // an output plane at input pitch
  static constexpr std::size_t len = (D::oh - 1) * wp + D::ow;
  static constexpr std::size_t block(std::size_t n) { return n % 4 == 0 ? 4 : n % 2 == 0 ? 2 : 1; }
  static constexpr std::size_t ob = block(D::out_per_group), cb = block(D::in_per_group);
  static constexpr std::size_t offset(std::size_t p, std::size_t q) {
    return p * D::dh * wp + q * D::dw;
  }
  template <class T> static constexpr bool fits(std::size_t entries) {
    return entries * sizeof(T) <= fast_conv_budget;
  }
};

template <class D, class T> constexpr bool fast_conv_applies() {
  using V = wide<D>;
  return D::sh == 1 && D::sw == 1 && V::template fits<T>(V::ob * V::span + V::plane) &&
         V::template fits<T>(V::cb * V::plane + V::span) && V::template fits<T>(V::span + V::plane);
}

// The plane xc [H, W] padded with zeros into xp [Hp, Wp], or xc itself when there is no padding.
template <class D, class T> constexpr T const* padded(T* xp, T const* xc) {
  if constexpr (D::ph == 0 && D::pw == 0) {
    return xc;
  } else {
    using V = wide<D>;
    for (std::size_t i = 0; i < V::plane; ++i) xp[i] = T{};
    for (std::size_t i = 0; i < D::height; ++i)
      for (std::size_t j = 0; j < D::width; ++j)
        xp[(i + D::ph) * V::wp + j + D::pw] = xc[i * D::width + j];
    return xp;
  }
}

// The plane dy [OH, OW] at pitch Wp, zeros in the columns j >= OW.
template <class D, class T> constexpr void widen(T* dyw, T const* dyc) {
  using V = wide<D>;
  for (std::size_t i = 0; i < D::oh; ++i)
    for (std::size_t j = 0; j < V::wp; ++j)
      dyw[i * V::wp + j] = j < D::ow ? dyc[i * D::ow + j] : T{};
}

template <class D, bool Acc, bool HasBias, class T>
constexpr void conv_fast(T* CTGRAD_RESTRICT y, T const* CTGRAD_RESTRICT x,
                         T const* CTGRAD_RESTRICT w, T const* CTGRAD_RESTRICT bias) {
  using V = wide<D>;
  constexpr std::size_t OB = V::ob;
  std::array<T, OB * V::span> acc{};
  std::array<T, (D::ph == 0 && D::pw == 0) ? 1 : V::plane> pad{};
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t o0 = 0; o0 < D::outputs; o0 += OB) {
      for (std::size_t i = 0; i < OB * V::span; ++i) acc[i] = T{};
      std::size_t const group = o0 / D::out_per_group;
      for (std::size_t cl = 0; cl < D::in_per_group; ++cl) {
        std::size_t const c = group * D::in_per_group + cl;
        T const* const xp = padded<D>(pad.data(), x + (b * D::channels + c) * D::height * D::width);
        for (std::size_t p = 0; p < D::kh; ++p)
          for (std::size_t q = 0; q < D::kw; ++q) {
            T wv[OB];
            for (std::size_t k = 0; k < OB; ++k)
              wv[k] = w[((o0 + k) * D::in_per_group + cl) * D::kh * D::kw + p * D::kw + q];
            T const* const xs = xp + V::offset(p, q);
            T* const a = acc.data();
            for (std::size_t t = 0; t < V::len; ++t) {
              T const xv = xs[t];
              for (std::size_t k = 0; k < OB; ++k) a[k * V::span + t] += wv[k] * xv;
            }
          }
      }
      for (std::size_t k = 0; k < OB; ++k) {
        T* const yo = y + (b * D::outputs + o0 + k) * D::oh * D::ow;
        T start{};
        if constexpr (HasBias) start = bias[o0 + k];
        for (std::size_t i = 0; i < D::oh; ++i)
          for (std::size_t j = 0; j < D::ow; ++j)
            store<Acc>(yo[i * D::ow + j], start + acc[k * V::span + i * V::wp + j]);
      }
    }
}

template <class D, bool Acc, class T>
constexpr void conv_input_grad_fast(T* CTGRAD_RESTRICT dx, T const* CTGRAD_RESTRICT dy,
                                    T const* CTGRAD_RESTRICT w) {
  using V = wide<D>;
  constexpr std::size_t CB = V::cb;
  std::array<T, CB * V::plane> acc{};
  std::array<T, V::span> dyw{};
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t c0 = 0; c0 < D::channels; c0 += CB) {
      for (std::size_t i = 0; i < CB * V::plane; ++i) acc[i] = T{};
      std::size_t const group = c0 / D::in_per_group;
      std::size_t const cl0 = c0 - group * D::in_per_group;
      for (std::size_t ol = 0; ol < D::out_per_group; ++ol) {
        std::size_t const o = group * D::out_per_group + ol;
        widen<D>(dyw.data(), dy + (b * D::outputs + o) * D::oh * D::ow);
        for (std::size_t p = 0; p < D::kh; ++p)
          for (std::size_t q = 0; q < D::kw; ++q) {
            T wv[CB];
            for (std::size_t k = 0; k < CB; ++k)
              wv[k] = w[(o * D::in_per_group + cl0 + k) * D::kh * D::kw + p * D::kw + q];
            T* const a = acc.data() + V::offset(p, q);
            T const* const d = dyw.data();
            for (std::size_t t = 0; t < V::len; ++t) {
              T const dv = d[t];
              for (std::size_t k = 0; k < CB; ++k) a[k * V::plane + t] += wv[k] * dv;
            }
          }
      }
      for (std::size_t k = 0; k < CB; ++k) {
        T* const dxc = dx + (b * D::channels + c0 + k) * D::height * D::width;
        for (std::size_t i = 0; i < D::height; ++i)
          for (std::size_t j = 0; j < D::width; ++j)
            store<Acc>(dxc[i * D::width + j], acc[k * V::plane + (i + D::ph) * V::wp + j + D::pw]);
      }
    }
}

// sum_t a[t] b[t] in Lanes independent partial sums, so the compiler can vectorise it
// without reassociating (which it may not do for floating point on its own).
template <std::size_t N, class T>
constexpr T dot(T const* CTGRAD_RESTRICT a, T const* CTGRAD_RESTRICT b) {
  constexpr std::size_t lanes = 16;
  T part[lanes]{};
  std::size_t t = 0;
  for (; t + lanes <= N; t += lanes)
    for (std::size_t l = 0; l < lanes; ++l) part[l] += a[t + l] * b[t + l];
  T s{};
  for (; t < N; ++t) s += a[t] * b[t];
  for (std::size_t l = 0; l < lanes; ++l) s += part[l];
  return s;
}

template <class D, bool Acc, class T>
constexpr void conv_weight_grad_fast(T* CTGRAD_RESTRICT dw, T const* CTGRAD_RESTRICT x,
                                     T const* CTGRAD_RESTRICT dy) {
  using V = wide<D>;
  constexpr std::size_t taps = D::kh * D::kw;
  std::array<T, V::span> dyw{};
  std::array<T, (D::ph == 0 && D::pw == 0) ? 1 : V::plane> pad{};
  if constexpr (!Acc)
    for (std::size_t i = 0; i < D::outputs * D::in_per_group * taps; ++i) dw[i] = T{};
  for (std::size_t b = 0; b < D::batch; ++b)
    for (std::size_t o = 0; o < D::outputs; ++o) {
      widen<D>(dyw.data(), dy + (b * D::outputs + o) * D::oh * D::ow);
      std::size_t const group = o / D::out_per_group;
      for (std::size_t cl = 0; cl < D::in_per_group; ++cl) {
        std::size_t const c = group * D::in_per_group + cl;
        T const* const xp = padded<D>(pad.data(), x + (b * D::channels + c) * D::height * D::width);
        T* const dwk = dw + (o * D::in_per_group + cl) * taps;
        for (std::size_t p = 0; p < D::kh; ++p)
          for (std::size_t q = 0; q < D::kw; ++q)
            dwk[p * D::kw + q] += dot<V::len>(dyw.data(), xp + V::offset(p, q));
      }
    }
}

// The micro-kernel path (kernels/conv_gemm.hpp) where it applies and the vector path pays
// (simd::tiled_pays), and the product's vector side is not a sliver: the output channels
// (forward and weight adjoint) or the input channels (input adjoint) of a group, `lanes`,
// at least 4; depthwise convolutions keep the loops.
template <class D, class T> constexpr bool gemm_conv_pays(bool fits, std::size_t lanes) {
  return simd::tiled_pays && fits && lanes >= 4;
}

template <class D, bool Acc, bool HasBias, class T>
CTGRAD_NOINLINE void conv_outlined(T* y, T const* x, T const* w, T const* bias) {
  if constexpr (gemm_conv_pays<D, T>(conv_gemm_fits<D, T>, D::out_per_group)) {
    conv_gemm<D, Acc, HasBias>(y, x, w, bias);
  } else if constexpr (fast_conv_applies<D, T>()) {
    conv_fast<D, Acc, HasBias>(y, x, w, bias);
  } else {
    conv_body<D, Acc, HasBias>(y, x, w, bias);
  }
}
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void conv_input_grad_outlined(T* dx, T const* dy, T const* w) {
  if constexpr (gemm_conv_pays<D, T>(conv_gemm_input_fits<D, T>, D::in_per_group)) {
    conv_gemm_input_grad<D, Acc>(dx, dy, w);
  } else if constexpr (fast_conv_applies<D, T>()) {
    conv_input_grad_fast<D, Acc>(dx, dy, w);
  } else {
    conv_input_grad_body<D, Acc>(dx, dy, w);
  }
}
template <class D, bool Acc, class T>
CTGRAD_NOINLINE void conv_weight_grad_outlined(T* dw, T const* x, T const* dy) {
  if constexpr (gemm_conv_pays<D, T>(conv_gemm_weight_fits<D, T>, D::out_per_group)) {
    conv_gemm_weight_grad<D, Acc>(dw, x, dy);
  } else if constexpr (fast_conv_applies<D, T>()) {
    conv_weight_grad_fast<D, Acc>(dw, x, dy);
  } else {
    conv_weight_grad_body<D, Acc>(dw, x, dy);
  }
}

template <class D>
inline constexpr std::size_t conv_work =
    D::batch* D::outputs* D::oh* D::ow* D::in_per_group* D::kh* D::kw;

}  // namespace detail

/// y (+)= conv(x, w) (+ bias when HasBias), NCHW, sizes and options in D (conv_dims).
template <class D, bool Acc, bool HasBias, class T>
constexpr void conv(T* y, T const* x, T const* w, T const* bias) {
  if (!std::is_constant_evaluated()) {
    if constexpr (detail::conv_work<D> >= outline_work) {
      return detail::conv_outlined<D, Acc, HasBias>(y, x, w, bias);
    } else if constexpr (detail::fast_conv_applies<D, T>()) {
      return detail::conv_fast<D, Acc, HasBias>(y, x, w, bias);
    }
  }
  detail::conv_body<D, Acc, HasBias>(y, x, w, bias);
}

/// dx (+)= the adjoint of conv's input for the upstream dy.
template <class D, bool Acc, class T>
constexpr void conv_input_grad(T* dx, T const* dy, T const* w) {
  if (!std::is_constant_evaluated()) {
    if constexpr (detail::conv_work<D> >= outline_work) {
      return detail::conv_input_grad_outlined<D, Acc>(dx, dy, w);
    } else if constexpr (detail::fast_conv_applies<D, T>()) {
      return detail::conv_input_grad_fast<D, Acc>(dx, dy, w);
    }
  }
  detail::conv_input_grad_body<D, Acc>(dx, dy, w);
}

/// dw (+)= the adjoint of conv's weights for the input x and the upstream dy.
template <class D, bool Acc, class T>
constexpr void conv_weight_grad(T* dw, T const* x, T const* dy) {
  if (!std::is_constant_evaluated()) {
    if constexpr (detail::conv_work<D> >= outline_work) {
      return detail::conv_weight_grad_outlined<D, Acc>(dw, x, dy);
    } else if constexpr (detail::fast_conv_applies<D, T>()) {
      return detail::conv_weight_grad_fast<D, Acc>(dw, x, dy);
    }
  }
  detail::conv_weight_grad_body<D, Acc>(dw, x, dy);
}

/// out[C] (+)= a[B, C, Inner] summed over B and Inner: a per-channel sum (conv's bias adjoint).
// In `lanes` partial sums per plane: one running sum was a chain of dependent additions, 20 us
// of the CNN's 250 us gradient at batch 1 for the first layer's 32 x 676 (perf, bench/cnn.cpp).
template <bool Acc, std::size_t B, std::size_t C, std::size_t Inner, class T>
constexpr void channel_sum(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  constexpr std::size_t lanes = 16, full = Inner / lanes * lanes;
  for (std::size_t c = 0; c < C; ++c) {
    T part[lanes]{};
    T sum{};
    for (std::size_t b = 0; b < B; ++b) {
      T const* const ab = a + (b * C + c) * Inner;
      for (std::size_t i = 0; i < full; i += lanes)
        for (std::size_t l = 0; l < lanes; ++l) part[l] += ab[i + l];
      for (std::size_t i = full; i < Inner; ++i) sum += ab[i];
    }
    for (std::size_t l = 0; l < lanes; ++l) sum += part[l];
    store<Acc>(out[c], sum);
  }
}

}  // namespace ctgrad::kernels
