// SPDX-License-Identifier: BSL-1.0
// Pooling over [B, C, L] or [B, C, H, W], each channel on its own (PyTorch's nn.MaxPool1d/2d,
// AvgPool1d/2d with ceil_mode=False; stride defaults to the kernel size):
//   max_pool:  y = max over each window's taps inside x (padding never wins)
//              dx = dy routed to the window's first maximal tap (max_pool_grad: as PyTorch,
//              first in row-major order on ties)
//   avg_pool:  y = (sum of the window's taps) / (kernel size), padding counted as zeros
//              (count_include_pad=True); dx = dy / (kernel size) on every tap (avg_pool_grad),
//              a linear map whose own adjoint is the average pool again
//   shape(y) = [B, C, out...], out = floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1
// rule:      max_pool(relu(z)) is built as relu(max_pool(z)). The values are equal (max and relu
//            commute; NaN wins both), and so is dz: where a window's maximum is positive both route
//            dy to the first maximal tap of z, elsewhere both give 0. The ReLU, its mask and the
//            mask's product then run on the pooled plane (a quarter of it for max_pool2d<2>)
//            instead of the convolution's whole output: two of the CNN's full-plane passes.
// Global average pooling is in ops/reduce_rows.hpp.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/pool.hpp>
#include <ctgrad/ops/conv.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/window.hpp>

#include <cstddef>
#include <string>

namespace ctgrad {

namespace detail {
// The window geometry of a pool: a convolution with one group per channel.
template <class SX, class Kernel, class Window>
using pool_dims_t = conv_dims_t<SX, with_spatial_t<SX::dims[1], 1, Kernel>,
                                ctgrad::window<typename Window::stride, typename Window::padding,
                                               typename Window::dilation, SX::dims[1]>>;
template <class SX, class Kernel, class Window>
using pool_shape_t =
    with_spatial_t<SX::dims[0], SX::dims[1], window_out_t<spatial_t<SX>, Kernel, Window>>;
inline std::string pool_name(char const* kind, std::size_t rank) {
  return std::string(kind) + (rank == 3 ? "_pool1d" : "_pool2d");
}
}  // namespace detail

/// dx of a max pool: dy routed to each window's winning tap of x. Not differentiable again.
template <class X, class DY, class Kernel, class Window> struct max_pool_grad_node : node<X, DY> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::pool_dims_t<shape_of_t<X>, Kernel, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "max_pool_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* dx, T const* x, T const* dy) {
    kernels::max_pool_grad<dims, Acc>(dx, x, dy);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<X>,
                  "ctgrad: second derivatives through max pooling are not supported");
    return invalid_expression{};
  }
};

/// The node of max_pool1d / max_pool2d: each window's maximum, padding never winning.
template <class X, class Kernel, class Window> struct max_pool_node : node<X> {
  /// Shape of the node's value (this header's shape rule).
  using shape = detail::pool_shape_t<shape_of_t<X>, Kernel, Window>;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::pool_dims_t<shape_of_t<X>, Kernel, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x) {
    return detail::pool_name("max", shape_of_t<X>::rank) + "(" + x + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* y, T const* x) {
    kernels::max_pool<dims, Acc>(y, x);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, max_pool_node, auto dy) {
    return max_pool_grad_node<X, decltype(dy), Kernel, Window>{};
  }
};

template <class X, class Kernel, class Window> struct avg_pool_node;

/// dx of an average pool, of shape XShape: dy / (kernel size) on every tap.
template <class DY, class Kernel, class Window, class XShape> struct avg_pool_grad_node : node<DY> {
  /// Shape of the node's value (this header's shape rule).
  using shape = XShape;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::pool_dims_t<XShape, Kernel, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "avg_pool_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* dx, T const* dy) {
    kernels::avg_pool_grad<dims, Acc>(dx, dy);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(DY, avg_pool_grad_node, auto g) {
    return avg_pool_node<decltype(g), Kernel, Window>{};
  }
};

/// The node of avg_pool1d / avg_pool2d: each window's mean, padding counted
/// (count_include_pad=True).
template <class X, class Kernel, class Window> struct avg_pool_node : node<X> {
  /// Shape of the node's value (this header's shape rule).
  using shape = detail::pool_shape_t<shape_of_t<X>, Kernel, Window>;
  /// The sizes the kernels loop over, from the shapes and the window options.
  using dims = detail::pool_dims_t<shape_of_t<X>, Kernel, Window>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& x) {
    return detail::pool_name("avg", shape_of_t<X>::rank) + "(" + x + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* y, T const* x) {
    kernels::avg_pool<dims, Acc>(y, x);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, avg_pool_node, auto dy) {
    return avg_pool_grad_node<decltype(dy), Kernel, Window, shape_of_t<X>>{};
  }
};

/// True when a pool's padding is at most half its kernel along every axis (PyTorch's rule:
/// every window then holds a tap of x).
template <class Kernel, class Window>
inline constexpr bool pool_padding_fits_v = [] {
  for (std::size_t a = 0; a < Kernel::rank; ++a)
    if (2 * Window::padding::dims[a] > Kernel::dims[a]) return false;
  return true;
}();
/// True when, along every spatial axis of x, x padded holds the dilated kernel.
template <class SX, class Kernel, class Window>
inline constexpr bool pool_kernel_fits_input_v = window_fits_v<spatial_t<SX>, Kernel, Window>;
/// True when x is [batch, channels, spatial...] with Rank spatial axes.
template <std::size_t Rank, class SX> inline constexpr bool pool_rank_fits_v = SX::rank == Rank + 2;

namespace detail {

template <class O> inline constexpr bool is_groups_option_v = false;
template <class X> struct relu_operand { static constexpr bool value = false; };
template <class Z> struct relu_operand<relu_node<Z>> {
  static constexpr bool value = true;
  using type = Z;
};
template <std::size_t... N> inline constexpr bool is_groups_option_v<groups_t<N...>> = true;

template <bool Max, std::size_t Rank, class KernelArg, class X, class... Opts>
constexpr auto pool_call(X) {
  using sx = shape_of_t<X>;
  if constexpr (!window_options_valid_v<Rank, Opts...> || (is_groups_option_v<Opts> || ...) ||
                !fits_rank_v<Rank, KernelArg> || !all_positive_v<KernelArg>) {
    static_assert(window_options_valid_v<Rank, Opts...> && !(is_groups_option_v<Opts> || ...) &&
                      fits_rank_v<Rank, KernelArg> && all_positive_v<KernelArg>,
                  "ctgrad::max_pool/avg_pool<kernel...>(x, options...): the kernel is one "
                  "positive size or one per spatial axis; options are stride<...>, padding<...> "
                  "and (max only) dilation<...>, each at most once");
    return invalid_expression{};
  } else if constexpr (!pool_rank_fits_v<Rank, sx>) {
    static_assert(pool_rank_fits_v<Rank, sx>,
                  "ctgrad::max_pool/avg_pool(x): x must be [batch, channels, spatial...], one "
                  "spatial axis for *_pool1d, two for *_pool2d");
    return invalid_expression{};
  } else {
    using kernel = typename per_axis<Rank, KernelArg>::type;
    using win = window_of_t<Rank, kernel, Opts...>;
    if constexpr (!Max &&
                  !__is_same(typename win::dilation, typename per_axis<Rank, shape<1>>::type)) {
      static_assert(Max, "ctgrad::avg_pool(x): average pooling has no dilation (as PyTorch)");
      return invalid_expression{};
    } else if constexpr (!pool_padding_fits_v<kernel, win>) {
      static_assert(pool_padding_fits_v<kernel, win>,
                    "ctgrad::max_pool/avg_pool(x): padding must be at most half the kernel size");
      return invalid_expression{};
    } else if constexpr (!pool_kernel_fits_input_v<sx, kernel, win>) {
      static_assert(pool_kernel_fits_input_v<sx, kernel, win>,
                    "ctgrad::max_pool/avg_pool(x): kernel larger than the padded input: along "
                    "each spatial axis, in + 2 padding must be at least dilation (kernel - 1) + 1");
      return invalid_expression{};
    } else if constexpr (Max && relu_operand<X>::value) {
      // See the rule at the top: relu after the pool, on the smaller plane.
      return relu(max_pool_node<typename relu_operand<X>::type, kernel, win>{});
    } else if constexpr (Max) {
      return max_pool_node<X, kernel, win>{};
    } else {
      return avg_pool_node<X, kernel, win>{};
    }
  }
}

}  // namespace detail

/// Max pooling of x [B, C, L]: max_pool1d<3>(x, stride<2>, padding<1>) (stride: the kernel).
template <std::size_t... Kernel, Expression X, detail::WindowOption... Opts>
constexpr auto max_pool1d(X x, Opts...) {
  return detail::pool_call<true, 1, shape<Kernel...>, X, Opts...>(x);
}
/// Max pooling of x [B, C, H, W]: max_pool2d<2>(x), max_pool2d<3, 2>(x, stride<2, 1>).
template <std::size_t... Kernel, Expression X, detail::WindowOption... Opts>
constexpr auto max_pool2d(X x, Opts...) {
  return detail::pool_call<true, 2, shape<Kernel...>, X, Opts...>(x);
}
/// Average pooling of x [B, C, L] (padding counted as zeros).
template <std::size_t... Kernel, Expression X, detail::WindowOption... Opts>
constexpr auto avg_pool1d(X x, Opts...) {
  return detail::pool_call<false, 1, shape<Kernel...>, X, Opts...>(x);
}
/// Average pooling of x [B, C, H, W] (padding counted as zeros).
template <std::size_t... Kernel, Expression X, detail::WindowOption... Opts>
constexpr auto avg_pool2d(X x, Opts...) {
  return detail::pool_call<false, 2, shape<Kernel...>, X, Opts...>(x);
}

}  // namespace ctgrad
