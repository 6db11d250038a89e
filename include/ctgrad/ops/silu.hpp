// SPDX-License-Identifier: BSL-1.0
// silu (swish), elementwise:  a = z sigma(z) = z / (1 + e^(-z))
// chain rule:                 dz = da * sigma(z) (1 + z (1 - sigma(z)))   (PyTorch's form)
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sub.hpp>

namespace ctgrad {

/// The node of silu(...): a = z sigma(z) = z / (1 + e^(-z)).
template <class Z> struct silu_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "silu"};
  // z sigma(z) rather than z / (1 + e^-z): the same value, and sigmoid's forward already
  // avoids an infinite intermediate during constant evaluation.
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return z * sigmoid_node<Z>::forward(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, silu_node, auto da) {
    return da * (sigmoid(z) * (one_t{} + z * (one_t{} - sigmoid(z))));
  }
};

/// z sigma(z) (torch.nn.SiLU).
template <Expression Z> constexpr auto silu(Z) { return silu_node<Z>{}; }

}  // namespace ctgrad
