// SPDX-License-Identifier: BSL-1.0
// broadcast_to<S>:  c = a repeated over the leading dimensions of S (shape(a) a trailing part
//                   of S, or a scalar)
// chain rule:       da = sum_to<shape(a)>(dc)
// rules:            broadcast_to<shape(a)>(a) = a
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/layout.hpp>
#include <ctgrad/ops/sum.hpp>

#include <string>

namespace ctgrad {

/// The node of broadcast_to<S>(a): a repeated over the leading dimensions of S; da =
/// sum_to<shape(a)>(dc).
template <class A, class S> struct broadcast_to_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a) {
    return "broadcast" + S::to_string() + "(" + a + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::broadcast_rows<Acc, S::size, shape_of_t<A>::size>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, broadcast_to_node, auto dc) { return sum_to<shape_of_t<A>>(dc); }
};

/// a repeated to shape S.
template <class S, Expression A> constexpr auto broadcast_to(A a) {
  if constexpr (!detail::is_suffix<shape_of_t<A>, S>::value) {
    static_assert(detail::is_suffix<shape_of_t<A>, S>::value,
                  "ctgrad::broadcast_to<S>(a): a's shape must be the trailing dimensions of S");
    return invalid_expression{};
  } else if constexpr (__is_same(S, shape_of_t<A>)) {
    return a;
  } else {
    return broadcast_to_node<A, S>{};
  }
}

}  // namespace ctgrad
