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

template <class T, class Shape> struct tensor {
  using value_type = T;
  using shape_type = Shape;
  static constexpr std::size_t size = Shape::size;
  alignas(detail::tensor_alignment<T, Shape::size>) std::array<T, Shape::size> data{};

  /// Element at a multi-index, row-major: t(i, j) is data[i * cols + j].
  template <class... I> constexpr T& operator()(I... i) { return data[offset(i...)]; }
  template <class... I> constexpr T const& operator()(I... i) const { return data[offset(i...)]; }
  constexpr T* begin() { return data.data(); }
  constexpr T* end() { return data.data() + size; }
  constexpr T const* begin() const { return data.data(); }
  constexpr T const* end() const { return data.data() + size; }
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
