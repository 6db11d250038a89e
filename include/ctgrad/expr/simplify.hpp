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

template <class T> struct is_mul_c : std::false_type {};
template <class A, class B> struct is_mul_c<mul_node<A, B>> : std::true_type {};
template <class T> struct is_add_or_sub_c : std::false_type {};
template <class A, class B> struct is_add_or_sub_c<add_node<A, B>> : std::true_type {};
template <class A, class B> struct is_add_or_sub_c<sub_node<A, B>> : std::true_type {};

/// Do a and b have the same base (t^m and t^n, t and t^n)? Constants are never merged so.
template <class A, class B>
struct same_base_c : std::bool_constant<(__is_same(typename split_power<A>::base,
                                                   typename split_power<B>::base))> {};

/// Does the sum or difference S have a term c*T among its last `Depth` terms (searched
/// through nested + and -)? The search is bounded: a compiler hashes a template argument
/// structurally, so searching a whole n-term sum at every insertion would cost n^3 (a
/// 300-term derivative took 15 minutes with g++); terms written near each other, as in a
/// derivation, are still collected.
inline constexpr int like_term_search_depth = 8;
template <class S, class T, int Depth>
struct like_term_search : std::bool_constant<__is_same(typename split_term<S>::term, T)> {};
template <class A, class B, class T, int Depth>
struct like_term_search<add_node<A, B>, T, Depth>
    : std::bool_constant<like_term_search<B, T, Depth - 1>::value ||
                         like_term_search<A, T, Depth - 1>::value> {};
template <class A, class B, class T, int Depth>
struct like_term_search<sub_node<A, B>, T, Depth>
    : std::bool_constant<like_term_search<B, T, Depth - 1>::value ||
                         like_term_search<A, T, Depth - 1>::value> {};
template <class A, class B, class T>
struct like_term_search<add_node<A, B>, T, 0> : std::false_type {};
template <class A, class B, class T>
struct like_term_search<sub_node<A, B>, T, 0> : std::false_type {};
template <class S, class T>
struct has_like_term_c
    : std::bool_constant<(like_term_search<S, T, like_term_search_depth>::value)> {};

template <class T> struct is_sqrt_c : std::false_type {};
template <class U> struct is_sqrt_c<sqrt_node<U>> : std::true_type {};
template <class T> struct sqrt_argument;
template <class U> struct sqrt_argument<sqrt_node<U>> { using type = U; };

template <class T> struct is_neg_c : std::false_type {};
template <class T> struct is_neg_c<neg_node<T>> : std::true_type {};
template <class T> struct is_div_c : std::false_type {};
template <class A, class B> struct is_div_c<div_node<A, B>> : std::true_type {};
template <class T> struct is_scaled_c : std::false_type {};  // c*t with a constant c
template <std::intmax_t N, std::intmax_t D, class T>
struct is_scaled_c<mul_node<constant_node<N, D>, T>> : std::true_type {};

// Whether a (op) b folds into one constant: a derivative of a deep composition multiplies
// its chain's constants (1.5^64 = 3^64/2^64 overflows std::intmax_t), and then the two
// constants stay a product, evaluated in floating point like any other node.
template <class A, class B>
struct add_fits_c : std::bool_constant<(add(as_rational<A>(), as_rational<B>()).ok)> {};
template <class A, class B>
struct mul_fits_c : std::bool_constant<(mul(as_rational<A>(), as_rational<B>()).ok)> {};
template <class A, class B>
struct div_fits_c : std::bool_constant<(mul(as_rational<A>(), reciprocal(as_rational<B>())).ok)> {};
template <class A, int N>
struct power_fits_c : std::bool_constant<(power(as_rational<A>(), N).ok)> {};

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
