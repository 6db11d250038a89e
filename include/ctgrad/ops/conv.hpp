// SPDX-License-Identifier: BSL-1.0
// conv1d, conv2d: PyTorch's convolution (a cross-correlation), layouts as torch.nn:
//   x [B, C, L] or [B, C, H, W],  w [O, C/groups, K] or [O, C/groups, KH, KW],  b [O]
//   y[b, o, i] = b[o] + sum_{c in o's group, k} w[o, c, k] x[b, c, i*stride + k*dilation - padding]
//   shape(y) = [B, O, out...], out = floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1
// chain rule (the convolution is bilinear in x and w):
//   dx = conv_input_grad(dy, w)    the transposed convolution of dy (each x reads back the
//                                  outputs it fed, weighted by w)
//   dw = conv_weight_grad(x, dy)   dw[o, c, k] = sum_{b, i} dy[b, o, i] x[b, c, i*stride + ...]
//   db = channel_sum(dy)           dy summed over the batch and the spatial axes
// The two adjoints are bilinear too, so their own VJPs are convolutions again (second
// derivatives work), e.g. d/d(dy) of conv_input_grad(dy, w) applied to g is conv(g, w).
// Kernels: kernels/conv.hpp (direct loops; it says why not im2col).
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/conv.hpp>
#include <ctgrad/ops/channel.hpp>
#include <ctgrad/ops/window.hpp>

#include <cstddef>
#include <string>

namespace ctgrad {

namespace detail {

// kernels::conv_dims for an input of shape SX, weights of shape SW and a window; a 1-D
// convolution is the 2-D one over a single row.
template <class SX, class SW, class Window, bool OneD = SX::rank == 3> struct conv_dims_of;
template <class SX, class SW, class Window> struct conv_dims_of<SX, SW, Window, false> {
  using type =
      kernels::conv_dims<SX::dims[0], SX::dims[1], SX::dims[2], SX::dims[3], SW::dims[0],
                         SW::dims[2], SW::dims[3], Window::stride::dims[0], Window::stride::dims[1],
                         Window::padding::dims[0], Window::padding::dims[1],
                         Window::dilation::dims[0], Window::dilation::dims[1], Window::groups>;
};
template <class SX, class SW, class Window> struct conv_dims_of<SX, SW, Window, true> {
  using type =
      kernels::conv_dims<SX::dims[0], SX::dims[1], 1, SX::dims[2], SW::dims[0], 1, SW::dims[2], 1,
                         Window::stride::dims[0], 0, Window::padding::dims[0], 1,
                         Window::dilation::dims[0], Window::groups>;
};
template <class SX, class SW, class Window>
using conv_dims_t = typename conv_dims_of<SX, SW, Window>::type;

template <class SX, class SW, class Window>
using conv_shape_t =
    with_spatial_t<SX::dims[0], SW::dims[0], window_out_t<spatial_t<SX>, spatial_t<SW>, Window>>;

inline std::string conv_name(std::size_t rank) { return rank == 3 ? "conv1d" : "conv2d"; }

}  // namespace detail

template <class X, class W, class Window> struct conv_node;
template <class DY, class W, class Window, class XShape> struct conv_input_grad_node;
template <class X, class DY, class Window, class WShape> struct conv_weight_grad_node;

/// dx of y = conv(x, w): the transposed convolution of dy with w, of shape XShape.
template <class DY, class W, class Window, class XShape> struct conv_input_grad_node : node<DY, W> {
  /// Shape of the node's value (this header's shape rule).
  using shape = XShape;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::conv_dims_t<XShape, shape_of_t<W>, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "conv_input_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* dx, T const* dy, T const* w) {
    kernels::conv_input_grad<dims, Acc>(dx, dy, w);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(DY, W, conv_input_grad_node, auto g) {
    return make_adjoints(conv_node<decltype(g), W, Window>{},
                         conv_weight_grad_node<decltype(g), DY, Window, shape_of_t<W>>{});
  }
};

/// dw of y = conv(x, w): sum over the batch and the outputs of dy times the taps of x.
template <class X, class DY, class Window, class WShape>
struct conv_weight_grad_node : node<X, DY> {
  /// Shape of the node's value (this header's shape rule).
  using shape = WShape;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::conv_dims_t<shape_of_t<X>, WShape, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "conv_weight_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* dw, T const* x, T const* dy) {
    kernels::conv_weight_grad<dims, Acc>(dw, x, dy);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, DY, conv_weight_grad_node, auto g) {
    return make_adjoints(conv_input_grad_node<DY, decltype(g), Window, shape_of_t<X>>{},
                         conv_node<X, decltype(g), Window>{});
  }
};

/// y = conv(x, w), no bias.
template <class X, class W, class Window> struct conv_node : node<X, W> {
  /// Shape of the node's value (this header's shape rule).
  using shape = detail::conv_shape_t<shape_of_t<X>, shape_of_t<W>, Window>;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::conv_dims_t<shape_of_t<X>, shape_of_t<W>, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x, std::string const& w) {
    return detail::conv_name(shape_of_t<X>::rank) + "(" + x + ", " + w + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* y, T const* x, T const* w) {
    kernels::conv<dims, Acc, false>(y, x, w, static_cast<T const*>(nullptr));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, W, conv_node, auto dy) {
    return make_adjoints(conv_input_grad_node<decltype(dy), W, Window, shape_of_t<X>>{},
                         conv_weight_grad_node<X, decltype(dy), Window, shape_of_t<W>>{});
  }
};

/// y = conv(x, w) + b[o] on every output of channel o.
template <class X, class W, class Bias, class Window> struct conv_bias_node : node<X, W, Bias> {
  /// Shape of the node's value (this header's shape rule).
  using shape = detail::conv_shape_t<shape_of_t<X>, shape_of_t<W>, Window>;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::conv_dims_t<shape_of_t<X>, shape_of_t<W>, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x, std::string const& w, std::string const& b) {
    return detail::conv_name(shape_of_t<X>::rank) + "(" + x + ", " + w + ", " + b + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* y, T const* x, T const* w, T const* b) {
    kernels::conv<dims, Acc, true>(y, x, w, b);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, W, Bias, conv_bias_node, auto dy) {
    return make_adjoints(conv_input_grad_node<decltype(dy), W, Window, shape_of_t<X>>{},
                         conv_weight_grad_node<X, decltype(dy), Window, shape_of_t<W>>{},
                         channel_sum_node<decltype(dy)>{});
  }
};

/// True when x [B, C, spatial...] and w [O, C/groups, kernel...] have the ranks of a
/// convolution over Rank spatial axes.
template <std::size_t Rank, class SX, class SW>
inline constexpr bool conv_ranks_fit_v = SX::rank == Rank + 2 && SW::rank == Rank + 2;
/// True when the groups divide x's channels and w's output channels.
template <class SX, class SW, std::size_t Groups>
inline constexpr bool conv_channels_divisible_by_groups_v =
    SX::dims[1] % Groups == 0 && SW::dims[0] % Groups == 0;
/// True when w's second dimension is x's channels per group.
template <class SX, class SW, std::size_t Groups>
inline constexpr bool conv_weight_channels_fit_v = SW::dims[1] * Groups == SX::dims[1];
/// True when, along every spatial axis, x padded holds w's dilated kernel.
template <class SX, class SW, class Window>
inline constexpr bool conv_kernel_fits_input_v =
    window_fits_v<spatial_t<SX>, spatial_t<SW>, Window>;
/// True when the bias has one entry per output channel.
template <class SW, class SB>
inline constexpr bool conv_bias_fits_v = SB::rank == 1 && SB::dims[0] == SW::dims[0];

namespace detail {

// The shape rule, one static_assert per problem, in the order a user would fix them; the
// conditions name the shapes so both compilers print them.
template <std::size_t Rank, class X, class W, class Window, class... Bias>
constexpr bool conv_check() {
  using sx = shape_of_t<X>;
  using sw = shape_of_t<W>;
  constexpr std::size_t g = Window::groups;
  if constexpr (!conv_ranks_fit_v<Rank, sx, sw>) {
    static_assert(
        conv_ranks_fit_v<Rank, sx, sw>,
        "ctgrad::conv1d/conv2d(x, w): x must be [batch, channels, spatial...] and w [out, "
        "channels / groups, kernel...] with one spatial axis for conv1d, two for conv2d");
    return false;
  } else if constexpr (!conv_channels_divisible_by_groups_v<sx, sw, g>) {
    static_assert(conv_channels_divisible_by_groups_v<sx, sw, g>,
                  "ctgrad::conv1d/conv2d(x, w): channels not divisible by groups: x's channels "
                  "(dimension 1) and w's output channels (dimension 0) must both be multiples "
                  "of groups");
    return false;
  } else if constexpr (!conv_weight_channels_fit_v<sx, sw, g>) {
    static_assert(conv_weight_channels_fit_v<sx, sw, g>,
                  "ctgrad::conv1d/conv2d(x, w): shapes do not fit: w's dimension 1 must be x's "
                  "channels / groups");
    return false;
  } else if constexpr (!conv_kernel_fits_input_v<sx, sw, Window>) {
    static_assert(
        conv_kernel_fits_input_v<sx, sw, Window>,
        "ctgrad::conv1d/conv2d(x, w): kernel larger than the padded input: along each spatial "
        "axis, in + 2 padding must be at least dilation (kernel - 1) + 1");
    return false;
  } else if constexpr (sizeof...(Bias) == 1) {
    if constexpr (!(conv_bias_fits_v<sw, shape_of_t<Bias>> && ...)) {
      static_assert(
          (conv_bias_fits_v<sw, shape_of_t<Bias>> && ...),
          "ctgrad::conv1d/conv2d(x, w, b): b must be [out], one entry per output channel of w");
      return false;
    } else {
      return true;
    }
  } else {
    return true;
  }
}

template <std::size_t Rank, class X, class W, class... Opts> constexpr auto conv_call(X, W) {
  if constexpr (!window_options_valid_v<Rank, Opts...>) {
    static_assert(window_options_valid_v<Rank, Opts...>,
                  "ctgrad::conv1d/conv2d(x, w, options...): options are stride<...>, padding<...>, "
                  "dilation<...> (one value, or one per spatial axis) and groups<G>, each at "
                  "most once, strides, dilations and groups positive");
    return invalid_expression{};
  } else {
    using win = window_of_t<Rank, shape<1>, Opts...>;
    if constexpr (!conv_check<Rank, X, W, win>()) {
      return invalid_expression{};
    } else {
      return conv_node<X, W, win>{};
    }
  }
}

template <std::size_t Rank, class X, class W, class Bias, class... Opts>
constexpr auto conv_call(X, W, Bias) {
  if constexpr (!window_options_valid_v<Rank, Opts...>) {
    static_assert(
        window_options_valid_v<Rank, Opts...>,
        "ctgrad::conv1d/conv2d(x, w, b, options...): options are stride<...>, padding<...>, "
        "dilation<...> (one value, or one per spatial axis) and groups<G>, each at "
        "most once, strides, dilations and groups positive");
    return invalid_expression{};
  } else {
    using win = window_of_t<Rank, shape<1>, Opts...>;
    if constexpr (!conv_check<Rank, X, W, win, Bias>()) {
      return invalid_expression{};
    } else {
      return conv_bias_node<X, W, Bias, win>{};
    }
  }
}

template <class O>
concept WindowOption = is_window_option_v<O>;

}  // namespace detail

/// 1-D convolution, x [B, C, L], w [O, C/groups, K]:  conv1d(x, w, b, stride<2>, padding<1>)
template <Expression X, Expression W, Expression Bias, detail::WindowOption... Opts>
constexpr auto conv1d(X x, W w, Bias b, Opts...) {
  return detail::conv_call<1, X, W, Bias, Opts...>(x, w, b);
}
/// 1-D convolution without bias.
template <Expression X, Expression W, detail::WindowOption... Opts>
constexpr auto conv1d(X x, W w, Opts...) {
  return detail::conv_call<1, X, W, Opts...>(x, w);
}

/// 2-D convolution, x [B, C, H, W], w [O, C/groups, KH, KW], b [O]:
///   conv2d(x, w, b, stride<2>, padding<1>, groups<C>)   (depthwise when groups = C)
template <Expression X, Expression W, Expression Bias, detail::WindowOption... Opts>
constexpr auto conv2d(X x, W w, Bias b, Opts...) {
  return detail::conv_call<2, X, W, Bias, Opts...>(x, w, b);
}
/// 2-D convolution without bias.
template <Expression X, Expression W, detail::WindowOption... Opts>
constexpr auto conv2d(X x, W w, Opts...) {
  return detail::conv_call<2, X, W, Opts...>(x, w);
}

}  // namespace ctgrad
