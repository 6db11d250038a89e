// SPDX-License-Identifier: BSL-1.0
// softplus, elementwise (torch.nn.Softplus, beta 1, threshold 20):
//   a = z for z > 20, else log(1 + e^z)
//   dz = da * s,  s = softplus_grad(z) = 1 for z > 20, else sigma(z)
//   ds = dg * s (1 - s)      (reuses s, like sigmoid; 0 above the threshold)
// Above 20, log(1 + e^z) - z < 2.1e-9: PyTorch returns z and a slope of exactly 1 there,
// and so does ctgrad, so values and gradients agree with torch's to the last bits.
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sub.hpp>

namespace ctgrad {

/// softplus's slope: 1 above the threshold 20, sigmoid(z) below (the node of its derivative).
template <class Z> struct softplus_grad_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "softplus_grad"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T(20) ? T(1) : sigmoid_node<Z>::forward(z);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, softplus_grad_node s, auto ds) { return ds * (s * (one_t{} - s)); }
};

/// The node of softplus(z): z above 20, log(1 + e^z) below (torch.nn.Softplus).
template <class Z> struct softplus_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "softplus"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return z > T(20) ? z : math::log1p(math::exp(z));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, softplus_node, auto da) { return da * softplus_grad_node<Z>{}; }
};

/// log(1 + e^z), z itself above 20 (torch.nn.Softplus()).
template <Expression Z> constexpr auto softplus(Z) { return softplus_node<Z>{}; }

}  // namespace ctgrad
