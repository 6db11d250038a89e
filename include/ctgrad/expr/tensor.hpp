// SPDX-License-Identifier: BSL-1.0
// tensor<T, Shape>: a fixed-size value on std::array, row-major. No heap, trivially copyable.
//   ctgrad::tensor<float, ctgrad::shape<2, 3>> w{};  w(1, 2) = 0.5f;  w.data[5] == 0.5f
#pragma once

#include <ctgrad/expr/shape.hpp>

#include <array>
#include <cstddef>

namespace ctgrad {

namespace detail {
// A tensor of 64 bytes or more starts on a cache line, so a row of a matrix whose row length
// is a multiple of 16 floats never splits a vector load across two lines (64 bytes: one
// AVX-512 register). Smaller tensors keep their natural alignment and size.
template <class T, std::size_t N>
inline constexpr std::size_t tensor_alignment = N * sizeof(T) >= 64 ? 64 : alignof(T);
}  // namespace detail

/// Fixed-size storage for a value of shape Shape: a row-major std::array of T, aligned to 64 bytes
/// from 64 bytes on.
template <class T, class Shape> struct tensor {
  /// The element type, float or double.
  using value_type = T;
  /// The shape.
  using shape_type = Shape;
  /// Number of entries.
  static constexpr std::size_t size = Shape::size;
  /// The entries, row-major.
  alignas(detail::tensor_alignment<T, Shape::size>) std::array<T, Shape::size> data{};

  /// Element at a multi-index, row-major: t(i, j) is data[i * cols + j].
  template <class... I> constexpr T& operator()(I... i) { return data[offset(i...)]; }
  /// The same, read-only.
  template <class... I> constexpr T const& operator()(I... i) const { return data[offset(i...)]; }
  /// The first entry (tensors are ranges of their entries).
  constexpr T* begin() { return data.data(); }
  /// One past the last entry.
  constexpr T* end() { return data.data() + size; }
  /// The first entry (tensors are ranges of their entries).
  constexpr T const* begin() const { return data.data(); }
  /// One past the last entry.
  constexpr T const* end() const { return data.data() + size; }
  /// Entry by entry.
  friend constexpr bool operator==(tensor const&, tensor const&) = default;

 private:
  template <class... I> static constexpr std::size_t offset(I... i) {
    static_assert(sizeof...(I) == Shape::rank, "ctgrad::tensor(i...): one index per dimension");
    std::size_t const idx[] = {static_cast<std::size_t>(i)..., 0};
    std::size_t off = 0;
    for (std::size_t k = 0; k < Shape::rank; ++k) off = off * Shape::dims[k] + idx[k];
    return off;
  }
};

}  // namespace ctgrad
