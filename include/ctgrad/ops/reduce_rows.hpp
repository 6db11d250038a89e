// SPDX-License-Identifier: BSL-1.0
// Reductions over the trailing axes, keeping the leading ones (torch's x.sum(dim=-1),
// x.max(dim=-1).values):
//   row_sum<N>(a):  c[r] = sum over a's last N axes        da = row_repeat(dc) (dc[r] along row r)
//   row_max(a):     c[r] = max_j a[r, j] (last axis)       da = dc at the row's arg-max (the
//                                                          first on ties, as torch.max(dim))
//   row_mean<N>(a) = row_sum<N>(a) / (their size)
//   global_avg_pool1d/2d(x) = row_mean over the spatial axes: [B, C, ...] -> [B, C]
// row_sum and row_repeat are each other's adjoints, so sums differentiate again.
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/reduce.hpp>
#include <ctgrad/ops/mul.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace ctgrad {

namespace detail {
template <std::size_t Keep, class S, class Seq = std::make_index_sequence<Keep>> struct leading;
template <std::size_t Keep, class S, std::size_t... I>
struct leading<Keep, S, std::index_sequence<I...>> {
  using type = shape<S::dims[I]...>;
};
}  // namespace detail

/// The first Keep dimensions of S.
template <std::size_t Keep, class S> using leading_t = typename detail::leading<Keep, S>::type;

template <class A, class S> struct row_sum_node;

/// Each entry of a [rows...] repeated along the trailing axes of S (row_sum's adjoint).
template <class A, class S> struct row_repeat_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "row_repeat"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::row_repeat<Acc, shape_of_t<A>::size, S::size / shape_of_t<A>::size>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, row_repeat_node, auto dc) {
    return row_sum_node<decltype(dc), shape_of_t<A>>{};
  }
};

/// a summed over its trailing axes down to its leading shape S.
template <class A, class S> struct row_sum_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "row_sum"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::row_sum<Acc, S::size, shape_of_t<A>::size / S::size>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, row_sum_node, auto dc) {
    return row_repeat_node<decltype(dc), shape_of_t<A>>{};
  }
};

/// The adjoint of row_max: dc at each row's arg-max. Not differentiable again.
template <class A, class DC> struct row_max_grad_node : node<A, DC> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<A>;
  /// Length of the last axis, over which the maximum was taken.
  static constexpr std::size_t inner = shape::dims[shape::rank - 1];
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "row_max_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* da, T const* a, T const* dc) {
    kernels::row_max_grad<Acc, shape::size / inner, inner>(da, a, dc);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<A>,
                  "ctgrad: second derivatives through row_max are not supported");
    return invalid_expression{};
  }
};

/// The node of row_max(a): each row's maximum over the last axis (the first on ties).
template <class A> struct row_max_node : node<A> {
  /// The shape of a.
  using in_shape = shape_of_t<A>;
  /// Length of the last axis, over which the maximum is taken.
  static constexpr std::size_t inner = in_shape::dims[in_shape::rank - 1];
  /// Shape of the node's value (this header's shape rule).
  using shape = leading_t<in_shape::rank - 1, in_shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "row_max"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::row_max<Acc, shape::size, inner>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, row_max_node, auto dc) {
    return row_max_grad_node<A, decltype(dc)>{};
  }
};

/// True when a has at least N axes to reduce.
template <std::size_t N, class S>
inline constexpr bool has_trailing_axes_v = N >= 1 && S::rank >= N;

/// a summed over its last N axes (default: the last one): a [B, C] -> [B].
template <std::size_t N = 1, Expression A> constexpr auto row_sum(A) {
  using s = shape_of_t<A>;
  if constexpr (!has_trailing_axes_v<N, s>) {
    static_assert(has_trailing_axes_v<N, s>,
                  "ctgrad::row_sum<N>(a): a must have at least N >= 1 axes");
    return invalid_expression{};
  } else {
    return row_sum_node<A, leading_t<s::rank - N, s>>{};
  }
}

/// The mean over a's last N axes.
template <std::size_t N = 1, Expression A> constexpr auto row_mean(A a) {
  using s = shape_of_t<A>;
  if constexpr (!has_trailing_axes_v<N, s>) {
    static_assert(has_trailing_axes_v<N, s>,
                  "ctgrad::row_mean<N>(a): a must have at least N >= 1 axes");
    return invalid_expression{};
  } else {
    constexpr auto count = static_cast<std::intmax_t>(s::size / leading_t<s::rank - N, s>::size);
    return constant<1, count> * row_sum<N>(a);
  }
}

/// The maximum along a's last axis (the gradient goes to the first maximal entry).
template <Expression A> constexpr auto row_max(A) {
  using s = shape_of_t<A>;
  if constexpr (!has_trailing_axes_v<1, s>) {
    static_assert(has_trailing_axes_v<1, s>, "ctgrad::row_max(a): a must have at least one axis");
    return invalid_expression{};
  } else {
    return row_max_node<A>{};
  }
}

/// True when x is [batch, channels, spatial...] with Rank spatial axes.
template <std::size_t Rank, class S> inline constexpr bool has_spatial_axes_v = S::rank == Rank + 2;

/// The mean of each channel of x [B, C, L]: [B, C] (PyTorch's AdaptiveAvgPool1d(1), flattened).
template <Expression X> constexpr auto global_avg_pool1d(X x) {
  static_assert(has_spatial_axes_v<1, shape_of_t<X>>,
                "ctgrad::global_avg_pool1d(x): x must be [batch, channels, length]");
  return row_mean<1>(x);
}
/// The mean of each channel of x [B, C, H, W]: [B, C] (AdaptiveAvgPool2d(1), flattened).
template <Expression X> constexpr auto global_avg_pool2d(X x) {
  static_assert(has_spatial_axes_v<2, shape_of_t<X>>,
                "ctgrad::global_avg_pool2d(x): x must be [batch, channels, height, width]");
  return row_mean<2>(x);
}

}  // namespace ctgrad
