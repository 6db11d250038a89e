// SPDX-License-Identifier: BSL-1.0
// sin:         a = sin z
// chain rule:  dz = da * cos z
// rules:       sin(0) = 0
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/cos.hpp>
#include <ctgrad/ops/mul.hpp>

namespace ctgrad {

/// The node of sin(...): a = sin z.
template <class Z> struct sin_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "sin"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::sin(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, sin_node, auto da) { return da * cos(z); }
};

/// sin z.
template <Expression Z> constexpr auto sin(Z) {
  if constexpr (detail::is_zero_c<Z>::value) {
    return zero_t{};
  } else {
    return sin_node<Z>{};
  }
}

}  // namespace ctgrad
