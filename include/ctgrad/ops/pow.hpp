// SPDX-License-Identifier: BSL-1.0
// pow:         b = a^N, N a compile-time integer (negative allowed)
// chain rule:  da = db * N * a^(N-1)
// rules:       a^0 = 1; a^1 = a; c^N folds; (a^M)^N = a^(M*N); sqrt(u)^(2k) = u^k
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/number_guard.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/ops/mul.hpp>

#include <string>

namespace ctgrad {

/// The node of pow(...): b = a^N, N a compile-time integer (negative allowed).
template <class A, int N> struct pow_node : node<A> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<A>;  // elementwise
  /// The exponent N.
  static constexpr int exponent = N;
  /// The same power of other children (rules rebuild nodes with it).
  template <class... New> using with_children = pow_node<New..., N>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, "^", 40, 50, 0};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& base) {
    return base + "^" + (N < 0 ? "(" + std::to_string(N) + ")" : std::to_string(N));
  }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto a) {
    // Exact repeated squaring: integer powers must not go through std::pow.
    decltype(a) result{1};
    decltype(a) factor = a;
    for (unsigned n = N < 0 ? -static_cast<unsigned>(N) : static_cast<unsigned>(N); n != 0;
         n /= 2) {
      if (n % 2 != 0) result *= factor;
      factor *= factor;
    }
    return N < 0 ? decltype(a){1} / result : result;
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A a, pow_node, auto db) { return db * (constant<N> * pow<N - 1>(a)); }
};

/// a^N for a compile-time integer N.   pow<2>(x), pow<-1>(x)
template <int N, Expression A> constexpr auto pow(A a) {
  using namespace detail;
  if constexpr (N == 0) {
    return one_t{};
  } else if constexpr (N == 1) {
    return a;
  } else if constexpr (detail::is_constant<A>::value) {
    if constexpr (power_fits_c<A, N>::value) {
      return fold_power<A, N>();
    } else {
      return pow_node<A, N>{};
    }
  } else if constexpr (split_power<A>::exponent != 1) {
    return pow<N * split_power<A>::exponent>(typename split_power<A>::base{});
  } else if constexpr (N % 2 == 0 && is_sqrt_c<A>::value) {
    // sqrt(u)^2 = u wherever sqrt(u) is defined (u >= 0), which is everywhere it is evaluated.
    return pow<N / 2>(typename sqrt_argument<A>::type{});
  } else {
    return pow_node<A, N>{};
  }
}

/// a^n with n written as an integer constant.   pow(x, 3_c)
template <Expression A, std::intmax_t N> constexpr auto pow(A a, constant_node<N, 1>) {
  return pow<static_cast<int>(N)>(a);
}

/// pow(x, 2) with a run-time number: one error saying what to write, instead of "no
/// matching function" and every candidate, as number_guard.hpp does for x * 2.
template <Expression A, class N>
requires detail::is_number_c<N>::value constexpr auto pow(A, N) {
  static_assert(!detail::is_number_c<N>::value,
                "ctgrad::pow(a, n): the exponent must be a compile-time constant: write "
                "pow(x, 2_c) or pow<2>(x), not pow(x, 2)");
  return invalid_expression{};
}

/// a^2.
template <Expression A> constexpr auto square(A a) { return pow<2>(a); }

}  // namespace ctgrad
