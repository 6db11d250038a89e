// SPDX-License-Identifier: BSL-1.0
// Simplification rules shared by + and -, so a derivative reads like a hand derivation:
//   like terms are collected across a sum (among its last 8 terms):
//       sin(x) + y + sin(x)  ->  2*sin(x) + y
//   fractions over powers of one base are put over the larger power:
//       a/u - b/u^2  ->  (a*u - b)/u^2
//   and a product over a sum loses the term it is then cancelled by:
//       p*(q + r) - r*p  ->  p*q
// The operators call these only after their own cheap rules; each rule looks one level
// into its operands (the like-term search walks at most 8 terms, one small bool per step),
// so building an n-term sum costs a bounded amount per inserted term.
#pragma once

#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/fwd.hpp>

namespace ctgrad {
// Declared, not included: ops/pow.hpp includes mul.hpp, which includes add.hpp, whose rules
// need this header complete first.
template <int N, Expression A> constexpr auto pow(A a);
}  // namespace ctgrad

namespace ctgrad::detail {

// a + b where the sum a has a term like b's: add b into the part of a that holds it.
template <class A1, class A2, class B> constexpr auto insert_like_term(add_node<A1, A2>, B b) {
  if constexpr (has_like_term_c<A2, typename split_term<B>::term>::value) {
    return A1{} + (A2{} + b);
  } else {
    return (A1{} + b) + A2{};
  }
}
template <class A1, class A2, class B> constexpr auto insert_like_term(sub_node<A1, A2>, B b) {
  if constexpr (has_like_term_c<A2, typename split_term<B>::term>::value) {
    return A1{} - (A2{} - b);
  } else {
    return (A1{} + b) - A2{};
  }
}
// a - b where the sum a has a term like b's.
template <class A1, class A2, class B> constexpr auto remove_like_term(add_node<A1, A2>, B b) {
  if constexpr (has_like_term_c<A2, typename split_term<B>::term>::value) {
    return A1{} + (A2{} - b);
  } else {
    return (A1{} - b) + A2{};
  }
}
template <class A1, class A2, class B> constexpr auto remove_like_term(sub_node<A1, A2>, B b) {
  if constexpr (has_like_term_c<A2, typename split_term<B>::term>::value) {
    return A1{} - (A2{} + b);
  } else {
    return (A1{} - b) - A2{};
  }
}

/// Is a + b (or a - b) a sum into which b's term can be collected?
template <class A, class B>
struct collects_c : std::bool_constant<(is_add_or_sub_c<A>::value && !is_add_or_sub_c<B>::value &&
                                        __is_same(shape_of_t<A>, shape_of_t<B>) &&
                                        has_like_term_c<A, typename split_term<B>::term>::value)> {
};

template <class D>
struct positive_power_c
    : std::bool_constant<(split_power<D>::exponent > 0 && !detail::is_constant<D>::value)> {};

/// Are a and b fractions over powers of one base (a/u^m and b/u^n)?
template <class A, class B, bool = is_div_c<A>::value&& is_div_c<B>::value>
struct common_denominator_c : std::false_type {};
template <class A, class B>
struct common_denominator_c<A, B, true>
    : std::bool_constant<(__is_same(shape_of_t<A>, shape_of_t<B>) &&
                          positive_power_c<typename A::denominator>::value &&
                          positive_power_c<typename B::denominator>::value &&
                          same_base_c<typename A::denominator, typename B::denominator>::value)> {};

/// Is the denominator of a a factor of b's (a/d and b/(p*d))? Then b's is the common one.
template <class DA, class DB> struct extra_factor { static constexpr bool value = false; };
template <class D, class P> struct extra_factor<D, mul_node<P, D>> {
  static constexpr bool value = !detail::is_constant<D>::value;
  using type = P;
};
template <class D, class P> struct extra_factor<D, mul_node<D, P>> {
  static constexpr bool value = !detail::is_constant<D>::value;
  using type = P;
};
template <class A, class B, bool = is_div_c<A>::value&& is_div_c<B>::value>
struct factor_denominator_c : std::false_type {};
template <class A, class B>
struct factor_denominator_c<A, B, true>
    : std::bool_constant<(__is_same(shape_of_t<A>, shape_of_t<B>) &&
                          extra_factor<typename A::denominator, typename B::denominator>::value)> {
};

template <bool Plus, class A, class B> constexpr auto plus_or_minus(A a, B b) {
  if constexpr (Plus) {
    return a + b;
  } else {
    return a - b;
  }
}
/// a/u^m +- b/u^n over u^max(m, n).
template <bool Plus, class A, class B> constexpr auto over_common_denominator(A, B) {
  using na = typename A::numerator;
  using nb = typename B::numerator;
  using da = typename A::denominator;
  using db = typename B::denominator;
  using u = typename split_power<da>::base;
  constexpr int m = split_power<da>::exponent;
  constexpr int n = split_power<db>::exponent;
  if constexpr (m == n) {
    return plus_or_minus<Plus>(na{}, nb{}) / da{};
  } else if constexpr (m < n) {
    return plus_or_minus<Plus>(na{} * pow<n - m>(u{}), nb{}) / db{};
  } else {
    return plus_or_minus<Plus>(na{}, nb{} * pow<m - n>(u{})) / da{};
  }
}

/// a/d +- b/(p*d) = (a*p +- b)/(p*d), and a/(p*d) +- b/d likewise.
template <bool Plus, class A, class B> constexpr auto over_larger_denominator(A, B) {
  using na = typename A::numerator;
  using nb = typename B::numerator;
  if constexpr (factor_denominator_c<A, B>::value) {
    using p = typename extra_factor<typename A::denominator, typename B::denominator>::type;
    return plus_or_minus<Plus>(na{} * p{}, nb{}) / typename B::denominator{};
  } else {
    using p = typename extra_factor<typename B::denominator, typename A::denominator>::type;
    return plus_or_minus<Plus>(na{}, nb{} * p{}) / typename A::denominator{};
  }
}

/// p*(q + r) - r*p  (or p*r) is p*q; p*(q - r) + r*p is p*q.
template <class A, class B, template <class, class> class Sum>
struct distributes : std::false_type {};
template <class P, class Q, class R, class B, template <class, class> class Sum>
struct distributes<mul_node<P, Sum<Q, R>>, B, Sum>
    : std::bool_constant<__is_same(B, mul_node<R, P>) || __is_same(B, mul_node<P, R>)> {
  static constexpr auto result() { return P{} * Q{}; }
};

}  // namespace ctgrad::detail
