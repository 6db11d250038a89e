// SPDX-License-Identifier: BSL-1.0
// abs:         a = |z|
// chain rule:  dz = da * sign(z)
// convention:  the derivative at z = 0 is sign(0) = 0 (as in PyTorch).
// rules:       abs(c) folds for a constant c
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sign.hpp>

namespace ctgrad {

/// The node of abs(...): a = abs(z), whose derivative is sign(z) (0 at 0, as in PyTorch).
template <class Z> struct abs_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "abs"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::fabs(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, abs_node, auto da) { return da * sign(z); }
};

/// |z|; its derivative at 0 is taken as 0.
template <Expression Z> constexpr auto abs(Z z) {
  if constexpr (detail::is_constant<Z>::value) {
    if constexpr (Z::num < 0) {
      return detail::fold_negate<Z>();
    } else {
      return z;
    }
  } else {
    return abs_node<Z>{};
  }
}

}  // namespace ctgrad
