// SPDX-License-Identifier: BSL-1.0
// Shared patterns for the simplification rules that the primitives' constructors apply
// while an expression (or a derivative) is built:
//   a term  c*t  has coefficient c and term t (so 2*x + x folds to 3*x);
//   a power t^n  has base t and exponent n (so x*x folds to x^2).
// The rules themselves live with each primitive (ops/add.hpp, ops/mul.hpp, ...).
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/fwd.hpp>

namespace ctgrad::detail {

template <class T> struct split_term {
  using coefficient = one_t;
  using term = T;
};
template <std::intmax_t N, std::intmax_t D, class T>
struct split_term<mul_node<constant_node<N, D>, T>> {
  using coefficient = constant_node<N, D>;
  using term = T;
};
template <class T> struct split_term<neg_node<T>> {
  using coefficient = constant_node<-1, 1>;
  using term = T;
};

template <class T> struct split_power {
  using base = T;
  static constexpr int exponent = 1;
};
template <class T, int N> struct split_power<pow_node<T, N>> {
  using base = T;
  static constexpr int exponent = N;
};

template <class T> inline constexpr bool is_mul_v = false;
template <class A, class B> inline constexpr bool is_mul_v<mul_node<A, B>> = true;
template <class T> inline constexpr bool is_add_or_sub_v = false;
template <class A, class B> inline constexpr bool is_add_or_sub_v<add_node<A, B>> = true;
template <class A, class B> inline constexpr bool is_add_or_sub_v<sub_node<A, B>> = true;

/// Do a and b have the same base (t^m and t^n, t and t^n)? Constants are never merged so.
template <class A, class B>
inline constexpr bool same_base_v = __is_same(typename split_power<A>::base,
                                              typename split_power<B>::base);

/// Does the sum or difference S have a term c*T (searched through nested + and -)?
/// One bool per (sub-sum, T): a sum of n terms is searched in n small steps, and only
/// when a term is inserted, so the like-term search is linear per insertion.
template <class S, class T> inline constexpr bool has_like_term_v =
    __is_same(typename split_term<S>::term, T);
template <class A, class B, class T>
inline constexpr bool has_like_term_v<add_node<A, B>, T> =
    has_like_term_v<A, T> || has_like_term_v<B, T>;
template <class A, class B, class T>
inline constexpr bool has_like_term_v<sub_node<A, B>, T> =
    has_like_term_v<A, T> || has_like_term_v<B, T>;

template <class T> inline constexpr bool is_sqrt_v = false;
template <class U> inline constexpr bool is_sqrt_v<sqrt_node<U>> = true;
template <class T> struct sqrt_argument;
template <class U> struct sqrt_argument<sqrt_node<U>> {
  using type = U;
};

template <class T> inline constexpr bool is_neg_v = false;
template <class T> inline constexpr bool is_neg_v<neg_node<T>> = true;
template <class T> inline constexpr bool is_div_v = false;
template <class A, class B> inline constexpr bool is_div_v<div_node<A, B>> = true;
template <class T> inline constexpr bool is_scaled_v = false;  // c*t with a constant c
template <std::intmax_t N, std::intmax_t D, class T>
inline constexpr bool is_scaled_v<mul_node<constant_node<N, D>, T>> = true;

/// The constant a (op) b, folded exactly.
template <class A, class B> constexpr auto fold_add() {
  return to_constant<add(as_rational<A>(), as_rational<B>())>();
}
template <class A, class B> constexpr auto fold_mul() {
  return to_constant<mul(as_rational<A>(), as_rational<B>())>();
}
template <class A> constexpr auto fold_negate() { return to_constant<negate(as_rational<A>())>(); }
template <class A> constexpr auto fold_reciprocal() {
  return to_constant<reciprocal(as_rational<A>())>();
}
template <class A, int N> constexpr auto fold_power() {
  return to_constant<power(as_rational<A>(), N)>();
}

}  // namespace ctgrad::detail
