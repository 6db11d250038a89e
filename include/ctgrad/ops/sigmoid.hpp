// SPDX-License-Identifier: BSL-1.0
// sigmoid:     a = σ(z) = 1 / (1 + e^(-z))
// chain rule:  dz = da * a * (1 - a)      (reuses the output a, not z)
// rules:       σ(0) = 1/2
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sub.hpp>

#include <type_traits>

namespace ctgrad {

/// The node of sigmoid(...): a = σ(z) = 1 / (1 + e^(-z)).
template <class Z> struct sigmoid_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "sigmoid"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    if (std::is_constant_evaluated()) {
      // Constant evaluation rejects an infinite intermediate: exponentiate only z <= 0.
      if (z >= T{0}) return T{1} / (T{1} + math::exp(-z));
      T const e = math::exp(z);
      return e / (T{1} + e);
    }
    // At run time, no branch on the sign: a net's inputs make it unpredictable, and the
    // branch-free loop vectorises. Below about -88 (float), exp(-z) is +inf and the result
    // is exactly 0, its limit: never NaN.
    return T{1} / (T{1} + math::exp(-z));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, sigmoid_node a, auto da) { return da * (a * (one_t{} - a)); }
};

/// True for a sigmoid_node (rules recognise the node by it).
template <class T> inline constexpr bool is_sigmoid_v = false;
/// True: a sigmoid_node.
template <class Z> inline constexpr bool is_sigmoid_v<sigmoid_node<Z>> = true;

/// σ(z) = 1 / (1 + e^(-z)).
template <Expression Z> constexpr auto sigmoid(Z) {
  if constexpr (detail::is_zero_c<Z>::value) {
    return constant<1, 2>;
  } else {
    return sigmoid_node<Z>{};
  }
}

}  // namespace ctgrad
