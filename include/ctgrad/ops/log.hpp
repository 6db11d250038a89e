// SPDX-License-Identifier: BSL-1.0
// log:         a = ln z                  (natural logarithm; z > 0)
// chain rule:  dz = da / z
// rules:       log(1) = 0; log(exp(t)) = t
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/div.hpp>

namespace ctgrad {

/// The node of log(...): a = ln z (natural logarithm; z > 0).
template <class Z> struct log_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "log"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return math::log(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, log_node, auto da) { return da / z; }
};

namespace detail {
template <class Z> struct log_rule {
  static constexpr auto apply() { return log_node<Z>{}; }
};
template <class T> struct log_rule<exp_node<T>> {
  static constexpr auto apply() { return T{}; }
};
}  // namespace detail

/// ln z.
template <Expression Z> constexpr auto log(Z) {
  if constexpr (detail::is_one_c<Z>::value) {
    return zero_t{};
  } else {
    return detail::log_rule<Z>::apply();
  }
}

}  // namespace ctgrad
