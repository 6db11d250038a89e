// SPDX-License-Identifier: BSL-1.0
// slice<Axis, Begin, End>(a):  a's entries [Begin, End) along Axis (torch: a.narrow or
//                               a[:, Begin:End] for Axis 1); shape: that axis becomes End - Begin
// chain rule:                   da = embed(dc): zeros of shape(a) with dc at [Begin, End)
// embed's adjoint is the slice again, so slices differentiate twice.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/blocks.hpp>

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {
// S seen as [Outer, S[Axis], Inner].
template <std::size_t Axis, class S> struct axis_view {
  static constexpr std::size_t n = S::dims[Axis];
  static constexpr std::size_t outer = [] {
    std::size_t p = 1;
    for (std::size_t a = 0; a < Axis; ++a) p *= S::dims[a];
    return p;
  }();
  static constexpr std::size_t inner = S::size / (outer * n);
};
template <std::size_t Axis, std::size_t Len, class S, class Seq = std::make_index_sequence<S::rank>>
struct with_axis;
template <std::size_t Axis, std::size_t Len, class S, std::size_t... I>
struct with_axis<Axis, Len, S, std::index_sequence<I...>> {
  using type = shape<(I == Axis ? Len : S::dims[I])...>;
};
}  // namespace detail

/// S with dimension Axis replaced by Len.
template <std::size_t Axis, std::size_t Len, class S>
using with_axis_t = typename detail::with_axis<Axis, Len, S>::type;

/// A compile-time index (an axis, a position) as a type.
template <std::size_t N> using index_c = std::integral_constant<std::size_t, N>;

template <class A, class Axis, class Begin, class End> struct slice_node;

/// Zeros of shape S with a at [Begin, Begin + len(a)) along Axis: slice's adjoint.
template <class A, class Axis, class Begin, class S> struct embed_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::axis_view<Axis::value, S>;
  /// Length of a along Axis.
  static constexpr std::size_t len = shape_of_t<A>::dims[Axis::value];
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "embed"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::embed_block<Acc, view::outer, view::n, Begin::value, len, view::inner>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, embed_node, auto dc) {
    return slice_node<decltype(dc), Axis, Begin, index_c<Begin::value + len>>{};
  }
};

/// The node of slice<Axis, Begin, End>(a): a's entries [Begin, End) along Axis.
template <class A, class Axis, class Begin, class End> struct slice_node : node<A> {
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::axis_view<Axis::value, shape_of_t<A>>;
  /// Shape of the node's value (this header's shape rule).
  using shape = with_axis_t<Axis::value, End::value - Begin::value, shape_of_t<A>>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a) {
    return "slice<" + std::to_string(Axis::value) + ", " + std::to_string(Begin::value) + ", " +
           std::to_string(End::value) + ">(" + a + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::get_block<Acc, view::outer, view::n, Begin::value, End::value - Begin::value,
                       view::inner>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, slice_node, auto dc) {
    return embed_node<decltype(dc), Axis, Begin, shape_of_t<A>>{};
  }
};

/// True when [Begin, End) is a non-empty range inside dimension Axis of S.
template <std::size_t Axis, std::size_t Begin, std::size_t End, class S>
inline constexpr bool slice_fits_v = [] {
  if constexpr (Axis >= S::rank) {
    return false;
  } else {
    return Begin < End && End <= S::dims[Axis];
  }
}();

/// a's entries [Begin, End) along Axis: slice<1, 2, 5>(x) is torch's x[:, 2:5].
template <std::size_t Axis, std::size_t Begin, std::size_t End, Expression A>
constexpr auto slice(A a) {
  using sa = shape_of_t<A>;
  if constexpr (!slice_fits_v<Axis, Begin, End, sa>) {
    static_assert(slice_fits_v<Axis, Begin, End, sa>,
                  "ctgrad::slice<Axis, Begin, End>(a): Axis must be an axis of a and [Begin, End) "
                  "a non-empty range inside it");
    return invalid_expression{};
  } else if constexpr (Begin == 0 && End == sa::dims[Axis]) {
    return a;
  } else {
    return slice_node<A, index_c<Axis>, index_c<Begin>, index_c<End>>{};
  }
}

}  // namespace ctgrad
