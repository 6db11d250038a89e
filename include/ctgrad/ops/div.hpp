// SPDX-License-Identifier: BSL-1.0
// div:         c = a / b
// chain rule:  da = dc / b,  db = -dc * c / b       (reuses the output c = a/b)
// rules:       constants fold; 0/b = 0; a/1 = a; a/a = 1; a/c = (1/c)*a; (a/b)/c = a/(b*c);
//              signs and constant factors move out (also from the denominator);
//              t^m/t^n = t^(m-n) or 1/t^(n-m); a factor shared by a product and the other
//              side cancels:  (p*t^m)/t^n,  t^m/(p*t^n)
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>

namespace ctgrad {

namespace detail {
/// t^m / t^n.
template <int M, int N, class T> constexpr auto cancel_powers(T t) {
  if constexpr (M >= N) {
    return pow<M - N>(t);
  } else {
    return one_t{} / pow<N - M>(t);
  }
}
/// Is B (or a power of B's base) a factor of the product A?
template <class A, class B> struct shares_factor_c : std::false_type {};
template <class P, class Q, class B>
struct shares_factor_c<mul_node<P, Q>, B>
    : std::bool_constant<(!detail::is_constant<B>::value &&
                          (same_base_c<P, B>::value || same_base_c<Q, B>::value))> {};
/// (p*q)/b with p or q a power of b's base.
template <class P, class Q, class B> constexpr auto cancel_factor(mul_node<P, Q>, B b) {
  if constexpr (same_base_c<Q, B>::value) {
    return P{} * (Q{} / b);
  } else {
    return (P{} / b) * Q{};
  }
}
}  // namespace detail

/// The node of a / b: c = a / b.
template <class A, class B> struct div_node : node<A, B> {
  /// Shape of the node's value (this header's shape rule).
  using shape = broadcast_shape_t<shape_of_t<A>, shape_of_t<B>>;  // elementwise
  /// The numerator a of a / b (rules read it).
  using numerator = A;
  /// The denominator b of a / b (rules read it).
  using denominator = B;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::infix, "/", 20, 15, 21};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto a, auto b) { return a / b; }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, B b, div_node c, auto dc) {
    return make_adjoints(dc / b, -(dc * c / b));
  }
};

/// a / b, simplified.
template <Expression A, Expression B> constexpr auto operator/(A a, B b) {
  using namespace detail;
  if constexpr (!broadcastable_v<shape_of_t<A>, shape_of_t<B>>) {
    static_assert(broadcastable_v<shape_of_t<A>, shape_of_t<B>>,
                  "ctgrad::operator/(a, b): shapes must be equal, or one must be a scalar or the "
                  "trailing dimensions of the other");
    return invalid_expression{};
  } else if constexpr (is_zero_c<B>::value) {
    static_assert(!is_zero_c<B>::value, "ctgrad::operator/(a, b): b is the constant 0");
    return invalid_expression{};
  } else if constexpr (detail::is_constant<A>::value && detail::is_constant<B>::value) {
    if constexpr (div_fits_c<A, B>::value) {
      return fold_mul<A, decltype(fold_reciprocal<B>())>();
    } else {
      return div_node<A, B>{};
    }
  } else if constexpr (is_zero_c<A>::value) {
    return zero_t{};
  } else if constexpr (is_one_c<B>::value) {
    return a;
  } else if constexpr (__is_same(A, B)) {
    return one_t{};
  } else if constexpr (detail::is_constant<B>::value) {
    return fold_reciprocal<B>() * a;
  } else if constexpr (is_neg_c<A>::value || is_negative_constant_c<A>::value) {
    return -((-a) / b);
  } else if constexpr (is_neg_c<B>::value) {
    return -(a / (-b));
  } else if constexpr (is_div_c<A>::value) {
    return typename A::numerator{} / (typename A::denominator{} * b);
  } else if constexpr (is_scaled_c<A>::value) {
    return typename split_term<A>::coefficient{} * (typename split_term<A>::term{} / b);
  } else if constexpr (is_scaled_c<B>::value && !detail::is_constant<A>::value) {
    // A constant numerator keeps its denominator whole: 1/(2*sqrt(x)), not 1/2*1/sqrt(x).
    return fold_reciprocal<typename split_term<B>::coefficient>() *
           (a / typename split_term<B>::term{});
  } else if constexpr (!detail::is_constant<A>::value && same_base_c<A, B>::value) {
    return cancel_powers<split_power<A>::exponent, split_power<B>::exponent>(
        typename split_power<A>::base{});
  } else if constexpr (shares_factor_c<A, B>::value) {
    return cancel_factor(a, b);
  } else if constexpr (shares_factor_c<B, A>::value) {
    return one_t{} / cancel_factor(b, a);
  } else {
    return div_node<A, B>{};
  }
}

}  // namespace ctgrad
