// SPDX-License-Identifier: BSL-1.0
// Moving values between shapes: transpose, repeating a trailing block over rows
// (broadcast), and summing rows down to a trailing block (the broadcast's adjoint).
#pragma once

#include <ctgrad/detail/config.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// out[Cols, Rows] (+)= a[Rows, Cols]^T.
template <bool Acc, std::size_t Rows, std::size_t Cols, class T>
constexpr void transpose(T* out, T const* a) {
  for (std::size_t j = 0; j < Cols; ++j)
    for (std::size_t i = 0; i < Rows; ++i) store<Acc>(out[j * Rows + i], a[i * Cols + j]);
}

/// out (+)= a repeated: Size entries made of Size / Inner copies of a's Inner entries.
template <bool Acc, std::size_t Size, std::size_t Inner, class T>
constexpr void broadcast_rows(T* out, T const* a) {
  for (std::size_t r = 0; r < Size / Inner; ++r)
    for (std::size_t j = 0; j < Inner; ++j) store<Acc>(out[r * Inner + j], a[j]);
}

/// out[Inner] (+)= the sum of a's Size / Inner rows of Inner entries.
/// The first row is stored (or added), the others added: no clearing pass, and for one row
/// (a bias gradient at batch 1) a copy. out is a bias's adjoint, never a row of a.
template <bool Acc, std::size_t Size, std::size_t Inner, class T>
constexpr void sum_rows(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  if constexpr (Size < Inner) {
    if constexpr (!Acc)
      for (std::size_t j = 0; j < Inner; ++j) out[j] = T{};
  } else {
    for (std::size_t j = 0; j < Inner; ++j) store<Acc>(out[j], a[j]);
    for (std::size_t r = 1; r < Size / Inner; ++r)
      for (std::size_t j = 0; j < Inner; ++j) out[j] += a[r * Inner + j];
  }
}

}  // namespace ctgrad::kernels
