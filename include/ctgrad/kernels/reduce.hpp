// SPDX-License-Identifier: BSL-1.0
// Reductions along the trailing part of a tensor seen as Rows x Inner (row-major, so each
// row is contiguous): a sum, a max with its arg-max, and the sum's adjoint (each row's value
// repeated along it).
#pragma once

#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// out[r] (+)= sum_j a[r, j].
template <bool Acc, std::size_t Rows, std::size_t Inner, class T>
constexpr void row_sum(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t r = 0; r < Rows; ++r) {
    T sum{};
    for (std::size_t j = 0; j < Inner; ++j) sum += a[r * Inner + j];
    store<Acc>(out[r], sum);
  }
}

/// out[r, j] (+)= a[r].
template <bool Acc, std::size_t Rows, std::size_t Inner, class T>
constexpr void row_repeat(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t r = 0; r < Rows; ++r)
    for (std::size_t j = 0; j < Inner; ++j) store<Acc>(out[r * Inner + j], a[r]);
}

/// The column of row r's maximum: the first on ties, the first NaN if there is one.
template <std::size_t Inner, class T> constexpr std::size_t row_argmax(T const* row) {
  std::size_t best = 0;
  for (std::size_t j = 1; j < Inner; ++j) {
    if (row[best] != row[best]) break;
    if (row[j] > row[best] || row[j] != row[j]) best = j;
  }
  return best;
}

/// out[r] (+)= max_j a[r, j].
template <bool Acc, std::size_t Rows, std::size_t Inner, class T>
constexpr void row_max(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t r = 0; r < Rows; ++r)
    store<Acc>(out[r], a[r * Inner + row_argmax<Inner>(a + r * Inner)]);
}

/// da (+)= row_max's adjoint: dy[r] at row r's arg-max, zero elsewhere.
template <bool Acc, std::size_t Rows, std::size_t Inner, class T>
constexpr void row_max_grad(T* CTGRAD_RESTRICT da, T const* CTGRAD_RESTRICT a,
                            T const* CTGRAD_RESTRICT dy) {
  if constexpr (!Acc)
    for (std::size_t i = 0; i < Rows * Inner; ++i) da[i] = T{};
  for (std::size_t r = 0; r < Rows; ++r) da[r * Inner + row_argmax<Inner>(a + r * Inner)] += dy[r];
}

}  // namespace ctgrad::kernels
