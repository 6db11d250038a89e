// SPDX-License-Identifier: BSL-1.0
// leaky_relu:  a = z if z > 0, else c * z      (slope c a compile-time rational, default 1/100)
// chain rule:  dz = da * (c + (1 - c) * (z > 0))
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/step.hpp>
#include <ctgrad/ops/sub.hpp>

#include <cstdint>
#include <string>

namespace ctgrad {

/// The node of leaky_relu(...): a = z if z > 0, else c * z (slope c a compile-time rational,
/// default 1/100).
template <class Z, class Slope> struct leaky_relu_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z) {
    return "leaky_relu(" + z + ", " + Slope::label() + ")";
  }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T{0} ? z : Slope::template value<T>() * z;
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, leaky_relu_node, auto da) {
    return da * (Slope{} + (one_t{} - Slope{}) * step(z));
  }
};

/// max(z, 0) + c * min(z, 0) with slope c = Num/Den (default 1/100).
///   leaky_relu(z), leaky_relu<1, 5>(z)
template <std::intmax_t Num = 1, std::intmax_t Den = 100, Expression Z>
constexpr auto leaky_relu(Z) {
  using slope = decltype(constant<Num, Den>);
  return leaky_relu_node<Z, slope>{};
}

}  // namespace ctgrad
