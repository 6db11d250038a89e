// SPDX-License-Identifier: BSL-1.0
// Per-channel operations on x [B, C, ...] (channels on axis 1, PyTorch's layout) with a
// vector s [C]; the trailing-dimension broadcast of + and * cannot reach axis 1:
//   channel_sum(x):     c[k] = sum over b and the spatial axes of x[b, k, ...]
//   channel_mul(x, s):  y[b, k, ...] = x[b, k, ...] s[k]   dx = channel_mul(dy, s), ds =
//   channel_sum(dy x) channel_add(x, s):  y[b, k, ...] = x[b, k, ...] + s[k] dx = dy, ds =
//   channel_sum(dy)
// channel_sum is the adjoint of a broadcast along the channels and is not differentiated
// again.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/conv.hpp>
#include <ctgrad/kernels/normalize.hpp>
#include <ctgrad/ops/mul.hpp>

#include <cstddef>

namespace ctgrad {

namespace detail {
// x [B, C, ...] as [Outer = B, C, Inner].
template <class S> struct channel_view {
  static constexpr std::size_t outer = S::dims[0], channels = S::dims[1];
  static constexpr std::size_t inner = S::size / (outer * channels);
};
}  // namespace detail

/// dy summed over the batch and the spatial axes, per channel.
template <class DY> struct channel_sum_node : node<DY> {
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape_of_t<DY>>;
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<view::channels>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "channel_sum"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* dy) {
    kernels::channel_sum<Acc, view::outer, view::channels, view::inner>(out, dy);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<DY>,
                  "ctgrad: second derivatives through a per-channel sum (a bias or a batch norm "
                  "parameter's adjoint) are not supported");
    return invalid_expression{};
  }
};

/// The node of channel_mul(x, s): channel k of x [B, C, ...] multiplied by s[k].
template <class X, class S> struct channel_mul_node : node<X, S> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "channel_mul"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* x, T const* s) {
    kernels::channel_apply<Acc, true, view::outer, view::channels, view::inner>(out, x, s);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X x, S, channel_mul_node, auto dy) {
    return make_adjoints(channel_mul_node<decltype(dy), S>{}, channel_sum_node<decltype(dy * x)>{});
  }
};

/// The node of channel_add(x, s): s[k] added to channel k of x [B, C, ...].
template <class X, class S> struct channel_add_node : node<X, S> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "channel_add"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* x, T const* s) {
    kernels::channel_apply<Acc, false, view::outer, view::channels, view::inner>(out, x, s);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, S, channel_add_node, auto dy) {
    return make_adjoints(dy, channel_sum_node<decltype(dy)>{});
  }
};

/// True when x is [batch, channels, ...] and s [channels].
template <class SX, class SS>
inline constexpr bool channel_vector_fits_v =
    SX::rank >= 2 && SS::rank == 1 && SS::dims[0] == SX::dims[1];

/// x[b, k, ...] * s[k].
template <Expression X, Expression S> constexpr auto channel_mul(X, S) {
  if constexpr (!channel_vector_fits_v<shape_of_t<X>, shape_of_t<S>>) {
    static_assert(channel_vector_fits_v<shape_of_t<X>, shape_of_t<S>>,
                  "ctgrad::channel_mul(x, s): x must be [batch, channels, ...] and s [channels]");
    return invalid_expression{};
  } else {
    return channel_mul_node<X, S>{};
  }
}

/// x[b, k, ...] + s[k].
template <Expression X, Expression S> constexpr auto channel_add(X, S) {
  if constexpr (!channel_vector_fits_v<shape_of_t<X>, shape_of_t<S>>) {
    static_assert(channel_vector_fits_v<shape_of_t<X>, shape_of_t<S>>,
                  "ctgrad::channel_add(x, s): x must be [batch, channels, ...] and s [channels]");
    return invalid_expression{};
  } else {
    return channel_add_node<X, S>{};
  }
}

/// The sum over the batch and the spatial axes of each channel of x [B, C, ...]: [C].
template <Expression X> constexpr auto channel_sum(X) {
  static_assert(shape_of_t<X>::rank >= 2,
                "ctgrad::channel_sum(x): x must be [batch, channels, ...]");
  return channel_sum_node<X>{};
}

}  // namespace ctgrad
