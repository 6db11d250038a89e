// SPDX-License-Identifier: BSL-1.0
// sum_to<S>:   c = a summed over its leading dimensions down to shape S (S a trailing part
//              of shape(a), or shape<> for the sum of everything)
// chain rule:  da = broadcast_to<shape(a)>(dc)
// sum(a) = sum_to<shape<>>(a); mean(a) = sum(a) / size(a)
// rules:       sum_to<shape(a)>(a) = a
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/layout.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/mul.hpp>

#include <string>

namespace ctgrad {

/// The node of sum_to<S>(a): a summed over its leading dimensions down to shape S.
template <class A, class S> struct sum_to_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = S;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& a) {
    if constexpr (S::rank == 0) return "sum(" + a + ")";
    if constexpr (shape_of_t<A>::rank == S::rank + 1) return "sum_rows(" + a + ")";
    return "sum_to" + S::to_string() + "(" + a + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* a) {
    kernels::sum_rows<Acc, shape_of_t<A>::size, S::size>(out, a);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, sum_to_node, auto dc) { return broadcast_to<shape_of_t<A>>(dc); }
};

/// a summed over its leading dimensions down to the trailing shape S.
template <class S, Expression A> constexpr auto sum_to(A a) {
  if constexpr (!detail::is_suffix<S, shape_of_t<A>>::value) {
    static_assert(detail::is_suffix<S, shape_of_t<A>>::value,
                  "ctgrad::sum_to<S>(a): S must be the trailing dimensions of a's shape");
    return invalid_expression{};
  } else if constexpr (__is_same(S, shape_of_t<A>)) {
    return a;
  } else {
    return sum_to_node<A, S>{};
  }
}

/// The sum of all elements of a.
template <Expression A> constexpr auto sum(A a) { return sum_to<shape<>>(a); }

/// The mean of all elements of a.
template <Expression A> constexpr auto mean(A a) {
  return constant<1, static_cast<std::intmax_t>(shape_of_t<A>::size)> * sum(a);
}

}  // namespace ctgrad
