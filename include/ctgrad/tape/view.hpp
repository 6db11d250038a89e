// SPDX-License-Identifier: BSL-1.0
// view<T, Shape>: a non-owning, row-major window on Shape::size values of type T (T may be
// const), with the indexing of ctgrad::tensor. The tape hands out views of its values and
// gradients; a view is valid until the tape records its next operation or is cleared.
//   auto g = t.grad(W1);   g(3, 5) == g.data()[3 * 8 + 5];   auto copy = g.to_tensor();
#pragma once

#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::tape {

/// A non-owning row-major window on Shape::size values (T may be const), indexed like
/// ctgrad::tensor; valid until the tape records again or is cleared.
template <class T, class Shape> class view {
 public:
  /// The element type, without const.
  using value_type = std::remove_const_t<T>;
  /// The shape.
  using shape_type = Shape;
  /// Number of values.
  static constexpr std::size_t size = Shape::size;

  /// A view of the Shape::size values starting at data.
  constexpr explicit view(T* data) : data_(data) {}

  /// The first value.
  constexpr T* data() const { return data_; }
  /// The first value (views are ranges).
  constexpr T* begin() const { return data_; }
  /// One past the last value.
  constexpr T* end() const { return data_ + size; }
  /// The i-th value, row-major.
  constexpr T& operator[](std::size_t i) const { return data_[i]; }
  /// Element at a multi-index, row-major, as ctgrad::tensor.
  template <class... I> constexpr T& operator()(I... i) const {
    static_assert(sizeof...(I) == Shape::rank, "ctgrad::tape::view(i...): one index per dimension");
    std::size_t const idx[] = {static_cast<std::size_t>(i)..., 0};
    std::size_t off = 0;
    for (std::size_t k = 0; k < Shape::rank; ++k) off = off * Shape::dims[k] + idx[k];
    return data_[off];
  }
  /// A copy, as a ctgrad::tensor.
  constexpr tensor<value_type, Shape> to_tensor() const {
    tensor<value_type, Shape> t{};
    for (std::size_t i = 0; i < size; ++i) t.data[i] = data_[i];
    return t;
  }

 private:
  T* data_;
};

}  // namespace ctgrad::tape
