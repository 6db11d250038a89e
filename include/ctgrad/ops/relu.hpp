// SPDX-License-Identifier: BSL-1.0
// relu:        a = max(z, 0)
// chain rule:  dz = da * (z > 0)
// convention:  the derivative at z = 0 is 0 (as in PyTorch): (0 > 0) is false.
// rules:       relu(c) folds for a constant c
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/step.hpp>

namespace ctgrad {

/// The node of relu(...): a = max(z, 0).
template <class Z> struct relu_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "relu"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T{0} || math::ct::isnan(z) ? z : T{0};  // NaN propagates, it is not clipped to 0
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, relu_node, auto da) { return da * step(z); }
};

/// max(z, 0); its derivative at 0 is taken as 0.
template <Expression Z> constexpr auto relu(Z z) {
  if constexpr (detail::is_constant<Z>::value) {
    if constexpr (Z::num > 0) {
      return z;
    } else {
      return zero_t{};
    }
  } else {
    return relu_node<Z>{};
  }
}

}  // namespace ctgrad
