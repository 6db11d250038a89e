// SPDX-License-Identifier: BSL-1.0
// sqrt:        a = √z                     (z ≥ 0)
// chain rule:  dz = da / (2 a)            (reuses the output a; infinite at z = 0)
// rules:       sqrt(0) = 0, sqrt(1) = 1
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/mul.hpp>

namespace ctgrad {

/// The node of sqrt(...): a = √z (z ≥ 0).
template <class Z> struct sqrt_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "sqrt"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::sqrt(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, sqrt_node a, auto da) { return da / (constant<2> * a); }
};

/// √z.
template <Expression Z> constexpr auto sqrt(Z z) {
  if constexpr (detail::is_zero_c<Z>::value || detail::is_one_c<Z>::value) {
    return z;
  } else {
    return sqrt_node<Z>{};
  }
}

}  // namespace ctgrad
