// SPDX-License-Identifier: BSL-1.0
// Sliding windows, shared by convolution and pooling: the options (PyTorch's keyword
// arguments, as tags) and the output-size rule along each spatial axis:
//   out = floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1,
// defined when the padded input holds the dilated kernel: in + 2 padding >= dilation (kernel - 1)
// + 1.
//   conv2d(x, w, b, stride<2>, padding<1>)       the same value on every axis
//   conv2d(x, w, b, stride<2, 1>, dilation<1, 2>, groups<4>)   one value per axis
#pragma once

#include <ctgrad/expr/shape.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad {

/// The type of ctgrad::stride<N...>: a tag passed to a convolution or a pooling.
template <std::size_t... N> struct stride_t {};
/// The type of ctgrad::padding<N...>.
template <std::size_t... N> struct padding_t {};
/// The type of ctgrad::dilation<N...>.
template <std::size_t... N> struct dilation_t {};
/// The type of ctgrad::groups<G>.
template <std::size_t... N> struct groups_t {};

/// Step between windows (default 1 for convolutions, the kernel size for pooling).
template <std::size_t... N> inline constexpr stride_t<N...> stride{};
/// Zeros added on both sides of each spatial axis (pooling: ignored by max).
template <std::size_t... N> inline constexpr padding_t<N...> padding{};
/// Spacing between a kernel's taps (default 1).
template <std::size_t... N> inline constexpr dilation_t<N...> dilation{};
/// Channels split into G independent groups (G = channels: depthwise).
template <std::size_t G> inline constexpr groups_t<G> groups{};

/// A window's options, each as shape<one value per spatial axis>, and its group count.
template <class Stride, class Padding, class Dilation, std::size_t Groups> struct window {
  /// Stride along each spatial axis.
  using stride = Stride;
  /// Zero padding on each side of each spatial axis.
  using padding = Padding;
  /// Spacing between the kernel's taps along each spatial axis.
  using dilation = Dilation;
  /// Number of channel groups (the channel count for a depthwise convolution).
  static constexpr std::size_t groups = Groups;
};

namespace detail {

template <class O> inline constexpr bool is_window_option_v = false;
template <std::size_t... N> inline constexpr bool is_window_option_v<stride_t<N...>> = true;
template <std::size_t... N> inline constexpr bool is_window_option_v<padding_t<N...>> = true;
template <std::size_t... N> inline constexpr bool is_window_option_v<dilation_t<N...>> = true;
template <std::size_t... N> inline constexpr bool is_window_option_v<groups_t<N...>> = true;

template <template <std::size_t...> class Tag, class O> inline constexpr bool is_tag_v = false;
template <template <std::size_t...> class Tag, std::size_t... N>
inline constexpr bool is_tag_v<Tag, Tag<N...>> = true;

// The values of the option of kind Tag among Opts, as shape<...> (Default when absent).
template <template <std::size_t...> class Tag, class Default, class... Opts> struct pick {
  using type = Default;
};
template <template <std::size_t...> class Tag, class Default, std::size_t... N, class... Rest>
struct pick<Tag, Default, Tag<N...>, Rest...> {
  using type = shape<N...>;
};
template <template <std::size_t...> class Tag, class Default, class O, class... Rest>
struct pick<Tag, Default, O, Rest...> : pick<Tag, Default, Rest...> {};

// shape<v> repeated to Rank axes; shape<v...> of Rank values kept.
template <std::size_t Rank, class S> struct per_axis { using type = S; };
template <std::size_t Rank, std::size_t V> struct per_axis<Rank, shape<V>> {
  template <std::size_t... I> static auto make(std::index_sequence<I...>) -> shape<(void(I), V)...>;
  using type = decltype(make(std::make_index_sequence<Rank>{}));
};

template <std::size_t Rank, class S>
inline constexpr bool fits_rank_v = S::rank == 1 || S::rank == Rank;
template <class S>
inline constexpr bool all_positive_v = [] {
  for (std::size_t v : S::dims)
    if (v == 0) return false;
  return true;
}();

}  // namespace detail

/// True when Opts are window options, each given once, with one value or one per axis,
/// strides, dilations and groups positive.
template <std::size_t Rank, class... Opts>
inline constexpr bool window_options_valid_v = [] {
  if constexpr (!(detail::is_window_option_v<Opts> && ...)) {
    return false;
  } else {
    constexpr std::size_t strides = (std::size_t{0} + ... + detail::is_tag_v<stride_t, Opts>);
    constexpr std::size_t paddings = (std::size_t{0} + ... + detail::is_tag_v<padding_t, Opts>);
    constexpr std::size_t dilations = (std::size_t{0} + ... + detail::is_tag_v<dilation_t, Opts>);
    constexpr std::size_t group_counts = (std::size_t{0} + ... + detail::is_tag_v<groups_t, Opts>);
    using s = typename detail::pick<stride_t, shape<1>, Opts...>::type;
    using p = typename detail::pick<padding_t, shape<0>, Opts...>::type;
    using d = typename detail::pick<dilation_t, shape<1>, Opts...>::type;
    using g = typename detail::pick<groups_t, shape<1>, Opts...>::type;
    return strides <= 1 && paddings <= 1 && dilations <= 1 && group_counts <= 1 &&
           detail::fits_rank_v<Rank, s> && detail::fits_rank_v<Rank, p> &&
           detail::fits_rank_v<Rank, d> && g::rank == 1 && detail::all_positive_v<s> &&
           detail::all_positive_v<d> && detail::all_positive_v<g>;
  }
}();

/// The window of Rank axes that Opts describe (stride DefaultStride when not given).
template <std::size_t Rank, class DefaultStride, class... Opts>
using window_of_t =
    window<typename detail::per_axis<
               Rank, typename detail::pick<stride_t, DefaultStride, Opts...>::type>::type,
           typename detail::per_axis<
               Rank, typename detail::pick<padding_t, shape<0>, Opts...>::type>::type,
           typename detail::per_axis<
               Rank, typename detail::pick<dilation_t, shape<1>, Opts...>::type>::type,
           detail::pick<groups_t, shape<1>, Opts...>::type::dims[0]>;

/// True when, along every spatial axis, the padded input holds the dilated kernel.
/// In and Kernel are the spatial shapes.
template <class In, class Kernel, class Window>
inline constexpr bool window_fits_v = [] {
  if (In::rank != Kernel::rank) return false;
  for (std::size_t a = 0; a < In::rank; ++a)
    if (In::dims[a] + 2 * Window::padding::dims[a] <
        Window::dilation::dims[a] * (Kernel::dims[a] - 1) + 1)
      return false;
  return true;
}();

namespace detail {
template <class In, class Kernel, class Window, class Seq = std::make_index_sequence<In::rank>>
struct window_out;
template <class In, class Kernel, class Window, std::size_t... A>
struct window_out<In, Kernel, Window, std::index_sequence<A...>> {
  using type = shape<((In::dims[A] + 2 * Window::padding::dims[A] -
                       Window::dilation::dims[A] * (Kernel::dims[A] - 1) - 1) /
                          Window::stride::dims[A] +
                      1)...>;
};
}  // namespace detail

/// The spatial output shape of a window over the spatial input shape In.
template <class In, class Kernel, class Window>
using window_out_t = typename detail::window_out<In, Kernel, Window>::type;

namespace detail {
template <class S, class Seq = std::make_index_sequence<S::rank - 2>> struct spatial;
template <class S, std::size_t... A> struct spatial<S, std::index_sequence<A...>> {
  using type = shape<S::dims[2 + A]...>;
};
template <std::size_t B, std::size_t C, class Spatial> struct with_spatial;
template <std::size_t B, std::size_t C, std::size_t... N> struct with_spatial<B, C, shape<N...>> {
  using type = shape<B, C, N...>;
};
}  // namespace detail

/// The spatial dimensions of an [N, C, spatial...] shape.
template <class S> using spatial_t = typename detail::spatial<S>::type;
/// shape<B, C, spatial...>.
template <std::size_t B, std::size_t C, class Spatial>
using with_spatial_t = typename detail::with_spatial<B, C, Spatial>::type;

}  // namespace ctgrad
