// SPDX-License-Identifier: BSL-1.0
// mul:         c = a * b
// chain rule:  da = dc * b,  db = dc * a
// rules:       constants fold and move to the front; 0*a = 0; 1*a = a; (-1)*a = -a;
//              (-a)*b = -(a*b); c1*(c2*a) = (c1*c2)*a; a*(p/q) = (a*p)/q; t^m * t^n = t^(m+n),
//              also with the factors of a product:  (p*t^m)*t^n = p*t^(m+n)
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/fwd.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/pow.hpp>

namespace ctgrad {

namespace detail {
// broadcast_to<S>(c) for a constant c: the adjoint of a sum. Times a tensor of shape S it is
// just c times that tensor (a scalar broadcasts by itself).
template <class T> struct const_broadcast : std::false_type {};
template <class C, class S> struct const_broadcast<broadcast_to_node<C, S>> {
  static constexpr bool value = detail::is_constant<C>::value;
  using constant = C;
};
template <class T> struct is_const_broadcast_c : std::bool_constant<(const_broadcast<T>::value)> {};

// (p*q)*b where p or q is a power of b's base: the powers merge, (y*e)*y = y^2*e.
template <class A, class B> struct merges_factor : std::false_type {};
template <class P, class Q, class B> struct merges_factor<mul_node<P, Q>, B> {
  static constexpr bool value = same_base_c<P, B>::value || same_base_c<Q, B>::value;
  static constexpr auto result(B b) {
    if constexpr (same_base_c<Q, B>::value) {
      return P{} * (Q{} * b);
    } else {
      return (P{} * b) * Q{};
    }
  }
};
}  // namespace detail

/// The node of a * b: c = a * b.
template <class A, class B> struct mul_node : node<A, B> {
  /// Shape of the node's value (this header's shape rule).
  using shape = broadcast_shape_t<shape_of_t<A>, shape_of_t<B>>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::infix, "*", 20, 15, 20};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto a, auto b) { return a * b; }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  /// A constant factor's rule is zero_t: nothing reads a constant's adjoint, and building
  /// dc * b for it cost a simplifying operator* per k*x term (issue 19).
  static constexpr auto vjp(A a, B b, mul_node, auto dc) {
    if constexpr (detail::is_constant<A>::value) {
      return make_adjoints(zero_t{}, a * dc);
    } else if constexpr (detail::is_constant<B>::value) {
      return make_adjoints(b * dc, zero_t{});
    } else {
      return make_adjoints(dc * b, dc * a);
    }
  }
};

/// a * b, simplified.
template <Expression A, Expression B> constexpr auto operator*(A a, B b) {
  using namespace detail;
  using pa = split_power<A>;
  using pb = split_power<B>;
  if constexpr (!broadcastable_v<shape_of_t<A>, shape_of_t<B>>) {
    static_assert(broadcastable_v<shape_of_t<A>, shape_of_t<B>>,
                  "ctgrad::operator*(a, b): shapes must be equal, or one must be a scalar or the "
                  "trailing dimensions of the other");
    return invalid_expression{};
  } else if constexpr (is_const_broadcast_c<A>::value && __is_same(shape_of_t<A>, shape_of_t<B>)) {
    return typename const_broadcast<A>::constant{} * b;
  } else if constexpr (is_const_broadcast_c<B>::value && __is_same(shape_of_t<A>, shape_of_t<B>)) {
    return a * typename const_broadcast<B>::constant{};
  } else if constexpr (detail::is_constant<A>::value && detail::is_constant<B>::value) {
    if constexpr (mul_fits_c<A, B>::value) {
      return fold_mul<A, B>();
    } else {
      return mul_node<A, B>{};
    }
  } else if constexpr (is_zero_c<A>::value || is_zero_c<B>::value) {
    return zero_t{};
  } else if constexpr (is_one_c<A>::value) {
    return b;
  } else if constexpr (is_one_c<B>::value) {
    return a;
  } else if constexpr (is_minus_one_c<A>::value) {
    return -b;
  } else if constexpr (detail::is_constant<B>::value) {
    return b * a;
  } else if constexpr (is_neg_c<A>::value) {
    return -((-a) * b);
  } else if constexpr (is_neg_c<B>::value) {
    return -(a * (-b));
  } else if constexpr (detail::is_constant<A>::value && is_scaled_c<B>::value) {
    if constexpr (mul_fits_c<A, typename split_term<B>::coefficient>::value) {
      return fold_mul<A, typename split_term<B>::coefficient>() * typename split_term<B>::term{};
    } else {
      // The constants' product stays a node of its own, in front, where no later product
      // looks into it again (as c1*(c2*t) it would be re-split at every further factor).
      return mul_node<mul_node<A, typename split_term<B>::coefficient>,
                      typename split_term<B>::term>{};
    }
  } else if constexpr (is_scaled_c<A>::value) {
    return typename split_term<A>::coefficient{} * (typename split_term<A>::term{} * b);
  } else if constexpr (is_scaled_c<B>::value) {
    return typename split_term<B>::coefficient{} * (a * typename split_term<B>::term{});
  } else if constexpr (is_div_c<B>::value && !detail::is_constant<A>::value) {
    return (a * typename B::numerator{}) / typename B::denominator{};
  } else if constexpr (is_div_c<A>::value) {
    return (typename A::numerator{} * b) / typename A::denominator{};
  } else if constexpr (!detail::is_constant<A>::value &&
                       __is_same(typename pa::base, typename pb::base)) {
    return pow<pa::exponent + pb::exponent>(typename pa::base{});
  } else if constexpr (is_mul_c<A>::value && !detail::is_constant<B>::value) {
    // Nested, so that merges_factor (keyed on both operands) is asked only of a product.
    if constexpr (merges_factor<A, B>::value) {
      return merges_factor<A, B>::result(b);
    } else {
      return mul_node<A, B>{};
    }
  } else {
    return mul_node<A, B>{};
  }
}

}  // namespace ctgrad
