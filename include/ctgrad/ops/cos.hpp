// SPDX-License-Identifier: BSL-1.0
// cos:         a = cos z
// chain rule:  dz = -da * sin z
// rules:       cos(0) = 1
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/sin.hpp>

namespace ctgrad {

/// The node of cos(...): a = cos z.
template <class Z> struct cos_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "cos"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::cos(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, cos_node, auto da) { return -(da * sin(z)); }
};

/// cos z.
template <Expression Z> constexpr auto cos(Z) {
  if constexpr (detail::is_zero_c<Z>::value) {
    return one_t{};
  } else {
    return cos_node<Z>{};
  }
}

}  // namespace ctgrad
