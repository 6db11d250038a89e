// SPDX-License-Identifier: BSL-1.0
// The layers of convolutional nets, for sequential (layers/sequential.hpp):
//   sequential(X, layer::conv2d<32, 3, padding<1>>, layer::relu, layer::max_pool2d<2>,
//              layer::flatten, layer::dense<10>)
// layer::conv1d<Out, K, options...> / conv2d<Out, K, options...> own parameters Wk
// [Out, C / groups, K(, K)] and bk [Out], numbered with the dense layers (the k-th layer with
// parameters owns Wk and bk), C being the channels of the input; the options are those of
// ops/window.hpp (stride<...>, padding<...>, dilation<...>, groups<G>). Pools, flatten and
// global average pooling have no parameters.
#pragma once

#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/layers/sequential.hpp>
#include <ctgrad/ops/conv.hpp>
#include <ctgrad/ops/pool.hpp>
#include <ctgrad/ops/reduce_rows.hpp>
#include <ctgrad/ops/reshape.hpp>
#include <ctgrad/ops/window.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad::layer {

/// A convolution over Rank spatial axes with Out output channels and a K-wide kernel.
template <std::size_t Rank, std::size_t Out, std::size_t K, class... Opts> struct conv_t {
  static_assert(Out > 0 && K > 0,
                "ctgrad::layer::conv1d/conv2d<Out, K>: Out and K must be positive");
  /// The layer has parameters, numbered by sequential (W1, b1, ...).
  static constexpr bool numbered = true;
  /// The convolution of e with parameters Prefix W<Index> and b<Index>, their shapes from e's.
  template <detail::fixed_string Prefix, std::size_t Index, class E>
  static constexpr auto apply(E e) {
    using s = shape_of_t<E>;
    if constexpr (s::rank != Rank + 2) {
      static_assert(s::rank == Rank + 2,
                    "ctgrad::sequential: a conv1d layer needs a [batch, channels, length] input, "
                    "a conv2d layer [batch, channels, height, width]");
      return invalid_expression{};
    } else if constexpr (!window_options_valid_v<Rank, Opts...>) {
      static_assert(window_options_valid_v<Rank, Opts...>,
                    "ctgrad::layer::conv1d/conv2d<Out, K, options...>: options are stride<...>, "
                    "padding<...>, dilation<...> (one value, or one per spatial axis) and "
                    "groups<G>, each at most once, strides, dilations and groups positive");
      return invalid_expression{};
    } else {
      constexpr std::size_t groups = window_of_t<Rank, shape<1>, Opts...>::groups;
      using kernel = std::conditional_t<Rank == 1, shape<Out, s::dims[1] / groups, K>,
                                        shape<Out, s::dims[1] / groups, K, K>>;
      using W =
          var_node<typename detail::layer_param_name<Prefix, 'W', Index>::type, kernel, param_role>;
      using B = var_node<typename detail::layer_param_name<Prefix, 'b', Index>::type, shape<Out>,
                         param_role>;
      if constexpr (Rank == 1) {
        return ctgrad::conv1d(e, W{}, B{}, Opts{}...);
      } else {
        return ctgrad::conv2d(e, W{}, B{}, Opts{}...);
      }
    }
  }
};

/// conv1d with Out channels and kernel K: layer::conv1d<16, 5, padding<2>>.
template <std::size_t Out, std::size_t K, auto... Opts>
inline constexpr conv_t<1, Out, K, std::remove_cv_t<decltype(Opts)>...> conv1d{};
/// conv2d with Out channels and a K x K kernel: layer::conv2d<32, 3, padding<1>>.
template <std::size_t Out, std::size_t K, auto... Opts>
inline constexpr conv_t<2, Out, K, std::remove_cv_t<decltype(Opts)>...> conv2d{};

/// Max (Max) or average pooling over Rank spatial axes with a K-wide window, as a layer.
template <bool Max, std::size_t Rank, std::size_t K, class... Opts> struct pool_t {
  /// Pools e with the layer's window and options.
  template <Expression E> constexpr auto operator()(E e) const {
    if constexpr (Max && Rank == 1) {
      return ctgrad::max_pool1d<K>(e, Opts{}...);
    } else if constexpr (Max) {
      return ctgrad::max_pool2d<K>(e, Opts{}...);
    } else if constexpr (Rank == 1) {
      return ctgrad::avg_pool1d<K>(e, Opts{}...);
    } else {
      return ctgrad::avg_pool2d<K>(e, Opts{}...);
    }
  }
};

/// Max pooling with a K (x K) window, stride K unless given: layer::max_pool2d<2>.
template <std::size_t K, auto... Opts>
inline constexpr pool_t<true, 1, K, std::remove_cv_t<decltype(Opts)>...> max_pool1d{};
/// Max pooling over two spatial axes with a K x K window: layer::max_pool2d<2>.
template <std::size_t K, auto... Opts>
inline constexpr pool_t<true, 2, K, std::remove_cv_t<decltype(Opts)>...> max_pool2d{};
/// Average pooling with a K (x K) window: layer::avg_pool2d<2>.
template <std::size_t K, auto... Opts>
inline constexpr pool_t<false, 1, K, std::remove_cv_t<decltype(Opts)>...> avg_pool1d{};
/// Average pooling over two spatial axes with a K x K window: layer::avg_pool2d<2>.
template <std::size_t K, auto... Opts>
inline constexpr pool_t<false, 2, K, std::remove_cv_t<decltype(Opts)>...> avg_pool2d{};

/// ctgrad::flatten as a layer of sequential.
struct flatten_t {
  /// Returns flatten(x).
  template <Expression E> constexpr auto operator()(E e) const { return ctgrad::flatten(e); }
};
/// ctgrad::global_avg_pool1d as a layer of sequential.
struct global_avg_pool1d_t {
  /// Returns global_avg_pool1d(x).
  template <Expression E> constexpr auto operator()(E e) const {
    return ctgrad::global_avg_pool1d(e);
  }
};
/// ctgrad::global_avg_pool2d as a layer of sequential.
struct global_avg_pool2d_t {
  /// Returns global_avg_pool2d(x).
  template <Expression E> constexpr auto operator()(E e) const {
    return ctgrad::global_avg_pool2d(e);
  }
};

/// [B, ...] -> [B, rest] (torch.nn.Flatten).
inline constexpr flatten_t flatten{};
/// [B, C, ...] -> [B, C], each channel's mean.
inline constexpr global_avg_pool1d_t global_avg_pool1d{};
/// [B, C, H, W] -> [B, C], each channel's mean.
inline constexpr global_avg_pool2d_t global_avg_pool2d{};

}  // namespace ctgrad::layer
