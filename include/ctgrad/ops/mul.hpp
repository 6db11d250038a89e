// SPDX-License-Identifier: BSL-1.0
// mul:         c = a * b
// chain rule:  da = dc * b,  db = dc * a
// rules:       constants fold and move to the front; 0*a = 0; 1*a = a; (-1)*a = -a;
//              (-a)*b = -(a*b); c1*(c2*a) = (c1*c2)*a; a*(p/q) = (a*p)/q; t^m * t^n = t^(m+n)
#pragma once

#include <ctgrad/core/constant.hpp>
#include <ctgrad/core/node.hpp>
#include <ctgrad/core/simplify.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/pow.hpp>

namespace ctgrad {

template <class A, class B> struct mul_node : node<A, B> {
  static constexpr print_style style{print_style::infix, "*", 20, 15, 20};
  static constexpr auto forward(auto a, auto b) { return a * b; }
  static constexpr auto vjp(A a, B b, mul_node, auto dc) { return make_adjoints(dc * b, dc * a); }
};

/// a * b, simplified.
template <Expression A, Expression B> constexpr auto operator*(A a, B b) {
  using namespace detail;
  using pa = split_power<A>;
  using pb = split_power<B>;
  if constexpr (is_constant_v<A> && is_constant_v<B>) {
    return fold_mul<A, B>();
  } else if constexpr (is_zero_v<A> || is_zero_v<B>) {
    return zero_t{};
  } else if constexpr (is_one_v<A>) {
    return b;
  } else if constexpr (is_one_v<B>) {
    return a;
  } else if constexpr (is_minus_one_v<A>) {
    return -b;
  } else if constexpr (is_constant_v<B>) {
    return b * a;
  } else if constexpr (is_neg_v<A>) {
    return -((-a) * b);
  } else if constexpr (is_neg_v<B>) {
    return -(a * (-b));
  } else if constexpr (is_constant_v<A> && is_scaled_v<B>) {
    return fold_mul<A, typename split_term<B>::coefficient>() * typename split_term<B>::term{};
  } else if constexpr (is_scaled_v<A>) {
    return typename split_term<A>::coefficient{} * (typename split_term<A>::term{} * b);
  } else if constexpr (is_scaled_v<B>) {
    return typename split_term<B>::coefficient{} * (a * typename split_term<B>::term{});
  } else if constexpr (is_div_v<B> && !is_constant_v<A>) {
    return (a * typename B::numerator{}) / typename B::denominator{};
  } else if constexpr (is_div_v<A>) {
    return (typename A::numerator{} * b) / typename A::denominator{};
  } else if constexpr (!is_constant_v<A> && __is_same(typename pa::base, typename pb::base)) {
    return pow<pa::exponent + pb::exponent>(typename pa::base{});
  } else {
    return mul_node<A, B>{};
  }
}

}  // namespace ctgrad
