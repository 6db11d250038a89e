// SPDX-License-Identifier: BSL-1.0
// softmax:     a = softmax(z) along the last dimension (each row of a batch separately):
//              a_j = exp(z_j - max z) / sum_k exp(z_k - max z)   (max subtracted: no overflow)
// chain rule:  dz = a * (da - sum_j(da_j * a_j))     (per row; softmax_backward below)
// Followed by cross_entropy, the pair is rewritten into one stable node whose gradient is
// p - y (see losses/cross_entropy.hpp).
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/softmax.hpp>

#include <string>

namespace ctgrad {

namespace detail {
template <class S> struct rows_of {
  static constexpr std::size_t cols = S::rank == 0 ? 1 : S::dims[S::rank - 1];
  static constexpr std::size_t rows = S::size / cols;
};
}  // namespace detail

/// The fused VJP of softmax: a * (da - rowsum(da * a)). Not differentiable again.
template <class A, class DA> struct softmax_backward_node : node<A, DA> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<A>;
  /// The rows-by-columns layout the kernels use (an internal type).
  using layout = detail::rows_of<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 20, 21};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a, std::string const& da) {
    return a + " * (" + da + " - rowsum(" + da + " * " + a + "))";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a, T const* da) {
    kernels::softmax_backward<Acc, layout::rows, layout::cols>(out, a, da);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<A>,
                  "ctgrad: second derivatives through softmax are not supported");
    return invalid_expression{};
  }
};

/// The node of softmax(...): a = softmax(z) along the last dimension (each row of a batch
/// separately).
template <class Z> struct softmax_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;
  /// The rows-by-columns layout the kernels use (an internal type).
  using layout = detail::rows_of<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "softmax"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* z) {
    kernels::softmax<Acc, layout::rows, layout::cols>(out, z);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, softmax_node, auto da) {
    return softmax_backward_node<softmax_node, decltype(da)>{};
  }
};

/// True for a softmax_node (rules recognise the node by it).
template <class T> inline constexpr bool is_softmax_v = false;
/// True: a softmax_node.
template <class Z> inline constexpr bool is_softmax_v<softmax_node<Z>> = true;

/// softmax along the last dimension (per row of a batch [B, C]).
template <Expression Z> constexpr auto softmax(Z) {
  static_assert(shape_of_t<Z>::rank >= 1,
                "ctgrad::softmax(z): z must be a vector or a batch of rows");
  return softmax_node<Z>{};
}

}  // namespace ctgrad
