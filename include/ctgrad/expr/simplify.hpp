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

/// Does the sum or difference S have a term c*T among its last `Depth` terms (searched
/// through nested + and -)? The search is bounded: a compiler hashes a template argument
/// structurally, so searching a whole n-term sum at every insertion would cost n^3 (a
/// 300-term derivative took 15 minutes with g++); terms written near each other, as in a
/// derivation, are still collected.
inline constexpr int like_term_search_depth = 8;
template <class S, class T, int Depth> struct like_term_search {
  static constexpr bool value = __is_same(typename split_term<S>::term, T);
};
template <class A, class B, class T, int Depth> struct like_term_search<add_node<A, B>, T, Depth> {
  static constexpr bool value =
      like_term_search<B, T, Depth - 1>::value || like_term_search<A, T, Depth - 1>::value;
};
template <class A, class B, class T, int Depth> struct like_term_search<sub_node<A, B>, T, Depth> {
  static constexpr bool value =
      like_term_search<B, T, Depth - 1>::value || like_term_search<A, T, Depth - 1>::value;
};
template <class A, class B, class T> struct like_term_search<add_node<A, B>, T, 0> {
  static constexpr bool value = false;
};
template <class A, class B, class T> struct like_term_search<sub_node<A, B>, T, 0> {
  static constexpr bool value = false;
};
template <class S, class T>
inline constexpr bool has_like_term_v = like_term_search<S, T, like_term_search_depth>::value;

template <class T> inline constexpr bool is_sqrt_v = false;
template <class U> inline constexpr bool is_sqrt_v<sqrt_node<U>> = true;
template <class T> struct sqrt_argument;
template <class U> struct sqrt_argument<sqrt_node<U>> { using type = U; };

template <class T> inline constexpr bool is_neg_v = false;
template <class T> inline constexpr bool is_neg_v<neg_node<T>> = true;
template <class T> inline constexpr bool is_div_v = false;
template <class A, class B> inline constexpr bool is_div_v<div_node<A, B>> = true;
template <class T> inline constexpr bool is_scaled_v = false;  // c*t with a constant c
template <std::intmax_t N, std::intmax_t D, class T>
inline constexpr bool is_scaled_v<mul_node<constant_node<N, D>, T>> = true;

// Whether a (op) b folds into one constant: a derivative of a deep composition multiplies
// its chain's constants (1.5^64 = 3^64/2^64 overflows std::intmax_t), and then the two
// constants stay a product, evaluated in floating point like any other node.
template <class A, class B>
inline constexpr bool add_fits_v = add(as_rational<A>(), as_rational<B>()).ok;
template <class A, class B>
inline constexpr bool mul_fits_v = mul(as_rational<A>(), as_rational<B>()).ok;
template <class A, class B>
inline constexpr bool div_fits_v = mul(as_rational<A>(), reciprocal(as_rational<B>())).ok;
template <class A, int N> inline constexpr bool power_fits_v = power(as_rational<A>(), N).ok;

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
