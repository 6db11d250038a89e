// SPDX-License-Identifier: BSL-1.0
// elu, elementwise (torch.nn.ELU; alpha a compile-time rational, default 1):
//   a = z for z > 0, else alpha (e^z - 1)
//   dz = da * s,  s = elu_slope(z) = 1 for z > 0, else alpha e^z
//   (alpha e^z, not a + alpha: for z << 0, a + alpha cancels to a few bits)
//   ds = dg * (0 for z > 0, else alpha e^z): the same node with 0 above zero, which is its
//   own derivative, so every order works.
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

namespace ctgrad {

/// Above zero: Above (1 or 0); elsewhere alpha e^z.
template <class Z, class Alpha, class Above> struct elu_slope_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z) {
    return std::string(__is_same(Above, one_t) ? "elu_slope(" : "elu_curvature(") + z + ", " +
           Alpha::label() + ")";
  }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T(0) ? Above::template value<T>() : Alpha::template value<T>() * math::exp(z);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, elu_slope_node, auto ds) {
    return ds * elu_slope_node<Z, Alpha, zero_t>{};
  }
};

/// The node of elu(z): z above 0, alpha (e^z - 1) below.
template <class Z, class Alpha> struct elu_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z) {
    return "elu(" + z + ", " + Alpha::label() + ")";
  }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T(0) ? z : Alpha::template value<T>() * math::expm1(z);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, elu_node, auto da) { return da * elu_slope_node<Z, Alpha, one_t>{}; }
};

/// z above zero, alpha (e^z - 1) below, alpha = Num/Den (default 1): elu(z), elu<1, 2>(z).
template <std::intmax_t Num = 1, std::intmax_t Den = 1, Expression Z> constexpr auto elu(Z) {
  return elu_node<Z, std::remove_cv_t<decltype(constant<Num, Den>)>>{};
}

}  // namespace ctgrad
