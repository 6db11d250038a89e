// SPDX-License-Identifier: BSL-1.0
// neg:         b = -a
// chain rule:  da = -db
// rules:       -(c) folds; -(-a) = a; -(c*t) = (-c)*t; -(a - b) = b - a
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sub.hpp>

namespace ctgrad {

/// The node of -a: b = -a.
template <class A> struct neg_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<A>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::prefix, "-", 15, 0, 20};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto a) { return -a; }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, neg_node, auto db) { return -db; }
};

namespace detail {
template <class A> struct neg_rule {
  static constexpr auto apply() { return neg_node<A>{}; }
};
template <class A> struct neg_rule<neg_node<A>> {
  static constexpr auto apply() { return A{}; }
};
template <std::intmax_t N, std::intmax_t D, class T>
struct neg_rule<mul_node<constant_node<N, D>, T>> {
  static constexpr auto apply() { return fold_negate<constant_node<N, D>>() * T{}; }
};
template <class A, class B> struct neg_rule<sub_node<A, B>> {
  static constexpr auto apply() { return B{} - A{}; }
};
}  // namespace detail

/// -a, simplified.
template <Expression A> constexpr auto operator-(A) {
  if constexpr (detail::is_constant<A>::value) {
    return detail::fold_negate<A>();
  } else {
    return detail::neg_rule<A>::apply();
  }
}

}  // namespace ctgrad
