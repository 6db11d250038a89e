// SPDX-License-Identifier: BSL-1.0
// Elementwise loops with the two broadcasts ctgrad allows (scalar, trailing dimensions).
// All sizes are template arguments, so every index expression below folds to i, j or 0 and
// the loops are plain unit-stride loops the compiler vectorises. Acc = true adds the result
// to out (adjoints accumulate where a node fans out) instead of overwriting it.
#pragma once

#include <ctgrad/detail/config.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// out = v, or out += v when Acc.
template <bool Acc, class T, class V> constexpr void store(T& out, V v) {
  if constexpr (Acc) {
    out += static_cast<T>(v);
  } else {
    out = static_cast<T>(v);
  }
}

/// Rows of at most this many entries go through row_loop's rolled loop.
inline constexpr std::size_t short_row = 16;

/// f(j) for j < N: the loop over one output row, the one to vectorise. g++ 12 unrolls a loop of
/// up to 16 iterations completely before its loop vectoriser runs, and then vectorises the
/// unrolled statements as it can: across the other loop (an outer product built down columns,
/// then transposed), or not at all where the row's statement has a condition (relu's rule, a
/// compare and a branch per entry). Kept rolled (CTGRAD_ROLLED), such a row is one vector
/// statement. Longer rows are left to the compiler: a 32-wide row, fully unrolled after
/// vectorising, was faster that way (residual MLP, 32 wide).
template <std::size_t N, class F> CTGRAD_ALWAYS_INLINE constexpr void row_loop(F const& f) {
  if constexpr (N <= short_row) {
    CTGRAD_ROLLED
    for (std::size_t j = 0; j < N; ++j) f(j);
  } else {
    for (std::size_t j = 0; j < N; ++j) f(j);
  }
}

/// Index of an operand of SIn elements inside an output of SOut elements, at row r, column j
/// of the output seen as (SOut / Inner) x Inner: a scalar, the full output, or one row.
template <std::size_t SIn, std::size_t SOut, std::size_t Inner>
constexpr std::size_t operand_index(std::size_t r, std::size_t j) {
  if constexpr (SIn == 1) {
    return 0;
  } else if constexpr (SIn == SOut) {
    return r * Inner + j;
  } else {
    return j;  // SIn == Inner: a trailing-dimension operand repeats for every row
  }
}

/// The row length for operands of the given sizes: the smallest one that is neither a
/// scalar nor the whole output (or the whole output when there is none).
template <std::size_t SOut, std::size_t... S> constexpr std::size_t inner_size() {
  std::size_t inner = SOut;
  ((S != 1 && S < inner ? void(inner = S) : void()), ...);
  return inner;
}

/// out (+)= f(a[i]) over N elements.
template <bool Acc, std::size_t N, class F, class T>
constexpr void map(F f, T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t i = 0; i < N; ++i) store<Acc>(out[i], f(a[i]));
}

/// out (+)= f(a, b) with broadcasting; SA, SB, SOut are the element counts.
template <bool Acc, std::size_t SA, std::size_t SB, std::size_t SOut, class F, class T>
constexpr void zip(F f, T* CTGRAD_RESTRICT out, T const* a, T const* b) {
  constexpr std::size_t inner = inner_size<SOut, SA, SB>();
  constexpr std::size_t rows = SOut / inner;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < inner; ++j)
      store<Acc>(out[r * inner + j], f(a[operand_index<SA, SOut, inner>(r, j)],
                                       b[operand_index<SB, SOut, inner>(r, j)]));
}

/// out (+)= a over N elements.
template <bool Acc, std::size_t N, class T>
constexpr void copy(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t i = 0; i < N; ++i) store<Acc>(out[i], a[i]);
}

/// out = 0 over N elements.
template <std::size_t N, class T> constexpr void fill_zero(T* out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = T{};
}

}  // namespace ctgrad::kernels
