// SPDX-License-Identifier: BSL-1.0
// reshape<S>(a):  the same values (row-major order) seen as shape S, size(S) = size(a)
// chain rule:     da = reshape<shape(a)>(dc)
// flatten(x):     [B, d1, d2, ...] -> [B, d1 d2 ...] (torch.nn.Flatten)
// rules:          reshape<shape(a)>(a) = a,  reshape<S>(reshape<S2>(a)) = reshape<S>(a)
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>
#include <string>

namespace ctgrad {

/// The node of reshape<S>(a): the same values in row-major order, seen as shape S.
template <class A, class S> struct reshape_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a) {
    return "reshape" + S::to_string() + "(" + a + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::copy<Acc, S::size>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, reshape_node, auto dc) {
    if constexpr (__is_same(shape_of_t<decltype(dc)>, shape_of_t<A>)) {
      return dc;
    } else {
      return reshape_node<decltype(dc), shape_of_t<A>>{};
    }
  }
};

/// True when two shapes hold the same number of elements.
template <class From, class To> inline constexpr bool same_size_v = From::size == To::size;

/// a's values seen as shape S (same element count): reshape<shape<4, 6>>(a).
template <class S, Expression A> constexpr auto reshape(A a) {
  using sa = shape_of_t<A>;
  if constexpr (!is_shape_v<S>) {
    static_assert(is_shape_v<S>, "ctgrad::reshape<S>(a): S must be a ctgrad::shape<...>");
    return invalid_expression{};
  } else if constexpr (!same_size_v<sa, S>) {
    static_assert(same_size_v<sa, S>,
                  "ctgrad::reshape<S>(a): reshape changes the element count: S must hold as many "
                  "elements as a's shape");
    return invalid_expression{};
  } else if constexpr (__is_same(sa, S)) {
    return a;
  } else {
    return reshape_node<A, S>{};
  }
}
/// reshape of a reshape is one reshape of the original: reshape<S>(reshape<S2>(a)) = reshape<S>(a).
template <class S, class A, class S2> constexpr auto reshape(reshape_node<A, S2>) {
  return reshape<S>(A{});
}

/// x [B, ...] as [B, (product of the rest)].
template <Expression X> constexpr auto flatten(X x) {
  using sx = shape_of_t<X>;
  if constexpr (sx::rank < 1) {
    static_assert(sx::rank >= 1, "ctgrad::flatten(x): x must be [batch, ...]");
    return invalid_expression{};
  } else {
    return reshape<shape<sx::dims[0], sx::size / sx::dims[0]>>(x);
  }
}

}  // namespace ctgrad
