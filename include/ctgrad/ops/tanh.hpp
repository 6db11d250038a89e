// SPDX-License-Identifier: BSL-1.0
// tanh:        a = tanh z = (e^z - e^-z) / (e^z + e^-z)
// chain rule:  dz = da * (1 - a^2)        (reuses the output a)
// rules:       tanh(0) = 0
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/sub.hpp>

namespace ctgrad {

/// The node of tanh(...): a = tanh z = (e^z - e^-z) / (e^z + e^-z).
template <class Z> struct tanh_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "tanh"};
  // math::tanh saturates to ±1 without overflow for any finite z.
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::tanh(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, tanh_node a, auto da) { return da * (one_t{} - pow<2>(a)); }
};

/// tanh z.
template <Expression Z> constexpr auto tanh(Z) {
  if constexpr (detail::is_zero_c<Z>::value) {
    return zero_t{};
  } else {
    return tanh_node<Z>{};
  }
}

}  // namespace ctgrad
