// SPDX-License-Identifier: BSL-1.0
// Normalisation to zero mean and unit variance, with its adjoint, over two layouts:
//   rows:      a [Rows, N], each row on its own (layer norm)
//   channels:  a [Outer, C, Inner], each channel c over all (outer, inner) (batch norm)
// Over a set of n values:  xh = (x - mean) / s,  s = sqrt(var + eps),  var = mean((x - mean)^2)
// (biased, as PyTorch normalises), and for an upstream dxh:
//   dx = (dxh - mean(dxh) - xh mean(dxh xh)) / s
// Two passes for the statistics (mean, then squared deviations): no cancellation.
#pragma once

#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/math/elementary.hpp>

#include <cstddef>

namespace ctgrad::kernels {

namespace detail {
// The values of one set: n of them, at a[(o * Stride) + i] for o < Outer, i < Inner.
template <std::size_t Outer, std::size_t Inner, std::size_t Stride> struct strided_set {
  static constexpr std::size_t count = Outer * Inner;
  template <class F> static constexpr void each(F f) {
    for (std::size_t o = 0; o < Outer; ++o)
      for (std::size_t i = 0; i < Inner; ++i) f(o * Stride + i);
  }
};

template <class Set, class T> constexpr T set_mean(T const* a) {
  T sum{};
  Set::each([&](std::size_t at) { sum += a[at]; });
  return sum / static_cast<T>(Set::count);
}
template <class Set, class T> constexpr T set_scale(T const* a, T mean, T eps) {
  T sum{};
  Set::each([&](std::size_t at) {
    T const dev = a[at] - mean;
    sum += dev * dev;
  });
  return math::sqrt(sum / static_cast<T>(Set::count) + eps);
}

template <bool Acc, class Set, class T> constexpr void normalize_set(T* out, T const* a, T eps) {
  T const mean = set_mean<Set>(a);
  T const inv = T(1) / set_scale<Set>(a, mean, eps);
  Set::each([&](std::size_t at) { store<Acc>(out[at], (a[at] - mean) * inv); });
}

template <bool Acc, class Set, class T>
constexpr void normalize_set_grad(T* dx, T const* x, T const* xh, T const* dxh, T eps) {
  T const mean = set_mean<Set>(x);
  T const inv = T(1) / set_scale<Set>(x, mean, eps);
  T sum_d{}, sum_dx{};
  Set::each([&](std::size_t at) {
    sum_d += dxh[at];
    sum_dx += dxh[at] * xh[at];
  });
  T const n = static_cast<T>(Set::count);
  T const mean_d = sum_d / n, mean_dx = sum_dx / n;
  Set::each(
      [&](std::size_t at) { store<Acc>(dx[at], (dxh[at] - mean_d - xh[at] * mean_dx) * inv); });
}
}  // namespace detail

/// out (+)= each row of a [Rows, N] normalised.
template <bool Acc, std::size_t Rows, std::size_t N, class T>
constexpr void normalize_rows(T* out, T const* a, T eps) {
  for (std::size_t r = 0; r < Rows; ++r)
    detail::normalize_set<Acc, detail::strided_set<1, N, N>>(out + r * N, a + r * N, eps);
}

/// dx (+)= normalize_rows' adjoint, from x, its normalised xh and the upstream dxh.
template <bool Acc, std::size_t Rows, std::size_t N, class T>
constexpr void normalize_rows_grad(T* dx, T const* x, T const* xh, T const* dxh, T eps) {
  for (std::size_t r = 0; r < Rows; ++r)
    detail::normalize_set_grad<Acc, detail::strided_set<1, N, N>>(dx + r * N, x + r * N, xh + r * N,
                                                                  dxh + r * N, eps);
}

/// out (+)= each channel of a [Outer, C, Inner] normalised over its Outer * Inner values.
template <bool Acc, std::size_t Outer, std::size_t C, std::size_t Inner, class T>
constexpr void normalize_channels(T* out, T const* a, T eps) {
  for (std::size_t c = 0; c < C; ++c)
    detail::normalize_set<Acc, detail::strided_set<Outer, Inner, C * Inner>>(out + c * Inner,
                                                                             a + c * Inner, eps);
}

/// dx (+)= normalize_channels' adjoint.
template <bool Acc, std::size_t Outer, std::size_t C, std::size_t Inner, class T>
constexpr void normalize_channels_grad(T* dx, T const* x, T const* xh, T const* dxh, T eps) {
  for (std::size_t c = 0; c < C; ++c)
    detail::normalize_set_grad<Acc, detail::strided_set<Outer, Inner, C * Inner>>(
        dx + c * Inner, x + c * Inner, xh + c * Inner, dxh + c * Inner, eps);
}

/// out[o, c, i] (+)= a[o, c, i] * s[c] (Mul) or a[o, c, i] + s[c] (add).
template <bool Acc, bool Mul, std::size_t Outer, std::size_t C, std::size_t Inner, class T>
constexpr void channel_apply(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a,
                             T const* CTGRAD_RESTRICT s) {
  for (std::size_t o = 0; o < Outer; ++o)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t i = 0; i < Inner; ++i) {
        std::size_t const k = (o * C + c) * Inner + i;
        if constexpr (Mul) {
          store<Acc>(out[k], a[k] * s[c]);
        } else {
          store<Acc>(out[k], a[k] + s[c]);
        }
      }
}

/// out (+)= (x - mean[c]) / sqrt(var[c] + eps) for x [Outer, C, Inner] (batch norm with
/// running statistics).
template <bool Acc, std::size_t Outer, std::size_t C, std::size_t Inner, class T>
constexpr void normalize_with_stats(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT x,
                                    T const* mean, T const* var, T eps) {
  for (std::size_t o = 0; o < Outer; ++o)
    for (std::size_t c = 0; c < C; ++c) {
      T const m = mean[c];
      T const inv = T(1) / math::sqrt(var[c] + eps);
      T* CTGRAD_RESTRICT to = out + (o * C + c) * Inner;
      T const* CTGRAD_RESTRICT from = x + (o * C + c) * Inner;
      for (std::size_t i = 0; i < Inner; ++i) store<Acc>(to[i], (from[i] - m) * inv);
    }
}

/// PyTorch's momentum rule after a training step on x [Outer, C, Inner]:
/// mean = (1 - m) mean + m batch_mean,  var = (1 - m) var + m batch_var n / (n - 1), n = Outer
/// Inner.
template <std::size_t Outer, std::size_t C, std::size_t Inner, class T>
constexpr void update_running_stats(T* mean, T* var, T const* x, T m) {
  constexpr std::size_t n = Outer * Inner;
  for (std::size_t c = 0; c < C; ++c) {
    T sum{};
    for (std::size_t o = 0; o < Outer; ++o)
      for (std::size_t i = 0; i < Inner; ++i) sum += x[(o * C + c) * Inner + i];
    T const batch_mean = sum / static_cast<T>(n);
    T squares{};
    for (std::size_t o = 0; o < Outer; ++o)
      for (std::size_t i = 0; i < Inner; ++i) {
        T const d = x[(o * C + c) * Inner + i] - batch_mean;
        squares += d * d;
      }
    T const unbiased = n > 1 ? squares / static_cast<T>(n - 1) : T{};
    mean[c] = (T(1) - m) * mean[c] + m * batch_mean;
    var[c] = (T(1) - m) * var[c] + m * unbiased;
  }
}

}  // namespace ctgrad::kernels
