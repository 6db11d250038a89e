// SPDX-License-Identifier: BSL-1.0
// sign:        a = sign(z) ∈ {-1, 0, 1}   (the derivative of abs)
// chain rule:  dz = 0                     (zero almost everywhere)
// rules:       sign(c) folds for a constant c
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>

namespace ctgrad {

/// The node of sign(...): a = sign(z) ∈ {-1, 0, 1} (the derivative of abs).
template <class Z> struct sign_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "sign"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T{0} ? T{1} : (z < T{0} ? T{-1} : z);  // keeps ±0 and NaN as they are
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, sign_node, auto) { return zero_t{}; }
};

/// -1, 0 or 1.
template <Expression Z> constexpr auto sign(Z) {
  if constexpr (detail::is_constant<Z>::value) {
    return constant<(Z::num > 0) - (Z::num < 0)>;
  } else {
    return sign_node<Z>{};
  }
}

}  // namespace ctgrad
