// SPDX-License-Identifier: BSL-1.0
// log_softmax: a = z - logsumexp(z) along the last dimension (per row), computed stably
// chain rule:  dz = da - exp(a) * sum_j(da_j)        (per row; log_softmax_backward below)
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/softmax.hpp>
#include <ctgrad/ops/softmax.hpp>

#include <string>

namespace ctgrad {

/// The fused VJP of log_softmax: da - exp(a) * rowsum(da). Not differentiable again.
template <class A, class DA> struct log_softmax_backward_node : node<A, DA> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<A>;
  /// The rows-by-columns layout the kernels use (an internal type).
  using layout = detail::rows_of<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 10, 11};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a, std::string const& da) {
    return da + " - exp(" + a + ") * rowsum(" + da + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a, T const* da) {
    kernels::log_softmax_backward<Acc, layout::rows, layout::cols>(out, a, da);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<A>,
                  "ctgrad: second derivatives through log_softmax are not supported");
    return invalid_expression{};
  }
};

/// The node of log_softmax(...): a = z - logsumexp(z) along the last dimension (per row), computed
/// stably.
template <class Z> struct log_softmax_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;
  /// The rows-by-columns layout the kernels use (an internal type).
  using layout = detail::rows_of<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "log_softmax"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* z) {
    kernels::log_softmax<Acc, layout::rows, layout::cols>(out, z);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, log_softmax_node, auto da) {
    return log_softmax_backward_node<log_softmax_node, decltype(da)>{};
  }
};

/// log(softmax(z)) along the last dimension, without the underflow of log(softmax(z)).
template <Expression Z> constexpr auto log_softmax(Z) {
  static_assert(shape_of_t<Z>::rank >= 1,
                "ctgrad::log_softmax(z): z must be a vector or a batch of rows");
  return log_softmax_node<Z>{};
}

}  // namespace ctgrad
