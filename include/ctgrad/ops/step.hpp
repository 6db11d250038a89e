// SPDX-License-Identifier: BSL-1.0
// step:        a = (z > 0), 1 where z > 0 and 0 elsewhere (the derivative of relu)
// chain rule:  dz = 0                     (zero almost everywhere; the jump at 0 is ignored)
// rules:       step(c) folds for a constant c
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>

#include <string>

namespace ctgrad {

/// The node of step(...): a = (z > 0), 1 where z > 0 and 0 elsewhere (the derivative of relu).
template <class Z> struct step_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z) { return "(" + z + " > 0)"; }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    // The comparison converted, not selected with ?: — g++ 12 compiled `z > 0 ? 1 : 0` into
    // a compare and a branch per entry, which kept relu's rule da * (z > 0) scalar.
    return static_cast<T>(z > T{0});
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, step_node, auto) { return zero_t{}; }
};

/// 1 where z > 0, else 0.
template <Expression Z> constexpr auto step(Z) {
  if constexpr (detail::is_constant<Z>::value) {
    return constant<(Z::num > 0 ? 1 : 0)>;
  } else {
    return step_node<Z>{};
  }
}

}  // namespace ctgrad
