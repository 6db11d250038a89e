// SPDX-License-Identifier: BSL-1.0
// exp:         a = e^z
// chain rule:  dz = da * a              (reuses the output a)
// rules:       exp(0) = 1
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>

namespace ctgrad {

/// The node of exp(...): a = e^z.
template <class Z> struct exp_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "exp"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::exp(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, exp_node a, auto da) { return da * a; }
};

/// e^z.
template <Expression Z> constexpr auto exp(Z) {
  if constexpr (detail::is_zero_c<Z>::value) {
    return one_t{};
  } else {
    return exp_node<Z>{};
  }
}

}  // namespace ctgrad
