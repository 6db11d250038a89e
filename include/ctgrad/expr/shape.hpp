// SPDX-License-Identifier: BSL-1.0
// Shapes are types: shape<> is a scalar (a 0-d tensor), shape<4> a vector, shape<B, 4> a
// batch of B rows. Row-major; the last dimension is contiguous.
// Elementwise operations broadcast one operand when it is a scalar or when its shape is the
// trailing dimensions of the other (numpy's rule, restricted to those two cases): a bias
// shape<8> adds to every row of shape<B, 8>.
#pragma once

#include <ctgrad/detail/if.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctgrad {

/// A compile-time shape: shape<32, 4> is 32 rows of 4, shape<> a scalar.
template <std::size_t... Dims> struct shape {
  /// Number of dimensions.
  static constexpr std::size_t rank = sizeof...(Dims);
  /// Number of entries: the product of the dimensions (1 for a scalar).
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  /// The dimensions, outermost first.
  static constexpr std::array<std::size_t, rank> dims{Dims...};
  /// The shape as text: "[32, 4]".
  static std::string to_string() {
    std::string s = "[";
    ((s += (s.size() > 1 ? ", " : "") + std::to_string(Dims)), ...);
    return s + "]";
  }
};

/// The shape of a scalar, shape<>.
using scalar_shape = shape<>;

/// True when S is a shape<...>.
template <class S> inline constexpr bool is_shape_v = false;
/// True: a shape.
template <std::size_t... Dims> inline constexpr bool is_shape_v<shape<Dims...>> = true;

namespace detail {
// Is Small the trailing dimensions of Big (or equal to it)?
template <class Small, class Big> struct is_suffix {
  static constexpr bool value = [] {
    if (Small::rank > Big::rank) return false;
    for (std::size_t dim = 0; dim < Small::rank; ++dim)
      if (Small::dims[dim] != Big::dims[Big::rank - Small::rank + dim]) return false;
    return true;
  }();
};
}  // namespace detail

/// True when two shapes are equal. A check written with it names both shapes in the
/// compiler's message (g++ prints a failed __is_same only as "false").
template <class A, class B> inline constexpr bool same_shape_v = __is_same(A, B);

/// True when two operands of an elementwise operation may be combined.
template <class A, class B>
inline constexpr bool broadcastable_v =
    detail::is_suffix<A, B>::value || detail::is_suffix<B, A>::value;

/// The shape of an elementwise result (the larger operand's).
template <class A, class B>
using broadcast_shape_t = detail::if_t<detail::is_suffix<A, B>::value, B, A>;

}  // namespace ctgrad
