// SPDX-License-Identifier: BSL-1.0
// Row-wise softmax and log-softmax of a [Rows, Cols] block, with their fused VJPs. The row
// maximum is subtracted before exponentiating, so exp never overflows.
//   softmax:              a_j = exp(z_j - m) / sum_k exp(z_k - m)
//   softmax_backward:     dz = a * (da - sum_j da_j a_j)
//   log_softmax:          a_j = z_j - (m + log sum_k exp(z_k - m))
//   log_softmax_backward: dz = da - exp(a) * sum_j da_j
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/math/elementary.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// The largest of a row's Cols values.
template <std::size_t Cols, class T> constexpr T row_max(T const* z) {
  T m = z[0];
  for (std::size_t j = 1; j < Cols; ++j) m = z[j] > m ? z[j] : m;
  return m;
}

/// Row-wise softmax of a [Rows, Cols] block, the row maximum subtracted first: a_j = exp(z_j - m) /
/// sum_k exp(z_k - m).
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void softmax(T* CTGRAD_RESTRICT out, T const* z) {
  for (std::size_t r = 0; r < Rows; ++r) {
    T const* const zr = z + r * Cols;
    T* const ar = out + r * Cols;
    T const m = row_max<Cols>(zr);
    T e[Cols];
    T s{};
    for (std::size_t j = 0; j < Cols; ++j) {
      e[j] = math::exp(zr[j] - m);
      s += e[j];
    }
    T const inv = T{1} / s;
    for (std::size_t j = 0; j < Cols; ++j) store<Acc>(ar[j], e[j] * inv);
  }
}

/// softmax's VJP per row: dz = a * (da - sum_j da_j a_j).
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void softmax_backward(T* CTGRAD_RESTRICT out, T const* a, T const* da) {
  for (std::size_t r = 0; r < Rows; ++r) {
    T const* const ar = a + r * Cols;
    T const* const dr = da + r * Cols;
    T dot{};
    for (std::size_t j = 0; j < Cols; ++j) dot += dr[j] * ar[j];
    for (std::size_t j = 0; j < Cols; ++j) store<Acc>(out[r * Cols + j], ar[j] * (dr[j] - dot));
  }
}

/// Row-wise log-softmax: a_j = z_j - (m + log sum_k exp(z_k - m)).
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void log_softmax(T* CTGRAD_RESTRICT out, T const* z) {
  for (std::size_t r = 0; r < Rows; ++r) {
    T const* const zr = z + r * Cols;
    T const m = row_max<Cols>(zr);
    T s{};
    for (std::size_t j = 0; j < Cols; ++j) s += math::exp(zr[j] - m);
    T const lse = m + math::log(s);
    for (std::size_t j = 0; j < Cols; ++j) store<Acc>(out[r * Cols + j], zr[j] - lse);
  }
}

/// log_softmax's VJP per row: dz = da - exp(a) * sum_j da_j.
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void log_softmax_backward(T* CTGRAD_RESTRICT out, T const* a, T const* da) {
  for (std::size_t r = 0; r < Rows; ++r) {
    T const* const ar = a + r * Cols;
    T const* const dr = da + r * Cols;
    T s{};
    for (std::size_t j = 0; j < Cols; ++j) s += dr[j];
    for (std::size_t j = 0; j < Cols; ++j)
      store<Acc>(out[r * Cols + j], dr[j] - math::exp(ar[j]) * s);
  }
}

}  // namespace ctgrad::kernels
