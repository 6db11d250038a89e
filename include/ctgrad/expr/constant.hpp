// SPDX-License-Identifier: BSL-1.0
// Compile-time constants: exact rationals N/D in the type, so that derivation can fold
// 2*3 to 6 and 1/2 + 1/2 to 1 exactly. Integers and rationals only: clang 14 rejects
// double template arguments, and exact folding keeps printed derivatives clean.
//   2_c, 0.25_c (= 1/4), constant<1, 3>
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>

#include <cstdint>
#include <string>

namespace ctgrad {

/// The rational N/D, kept normalised (D > 0, gcd(N, D) = 1) so equal values are equal types.
template <std::intmax_t N, std::intmax_t D> struct constant_node : node<> {
  static_assert(D > 0, "ctgrad::constant_node: denominator must be positive (normalised)");
  /// A constant is a scalar: shape<>.
  using shape = ctgrad::shape<>;
  /// Numerator N.
  static constexpr std::intmax_t num = N;
  /// Denominator D (positive).
  static constexpr std::intmax_t den = D;
  // Negative constants print like a unary minus, fractions like a division.
  /// How to_string prints the constant (as a number, a negation or a fraction).
  static constexpr print_style style{print_style::leaf, {}, N < 0 ? 15 : (D != 1 ? 20 : 50)};
  /// The constant as text: "3" or "1/3".
  static std::string label() {
    return D == 1 ? std::to_string(N) : std::to_string(N) + "/" + std::to_string(D);
  }
  /// The constant's value in T.
  template <class T> static constexpr T value() { return static_cast<T>(N) / static_cast<T>(D); }
};

namespace detail {
struct rational {
  std::intmax_t num = 0, den = 1;
  bool ok = true;  // false when a folded constant overflows std::intmax_t
};

constexpr std::intmax_t gcd(std::intmax_t a, std::intmax_t b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    std::intmax_t t = a % b;
    a = b;
    b = t;
  }
  return a == 0 ? 1 : a;
}

constexpr rational normalise(rational r) {
  if (!r.ok || r.den == 0) return {0, 1, false};
  if (r.den < 0) {
    if (__builtin_mul_overflow(r.num, -1, &r.num)) return {0, 1, false};
    r.den = -r.den;
  }
  std::intmax_t g = gcd(r.num, r.den);
  return {r.num / g, r.den / g, true};
}

constexpr rational add(rational a, rational b) {
  rational r;
  std::intmax_t x = 0, y = 0;
  r.ok = !__builtin_mul_overflow(a.num, b.den, &x) && !__builtin_mul_overflow(b.num, a.den, &y) &&
         !__builtin_add_overflow(x, y, &r.num) && !__builtin_mul_overflow(a.den, b.den, &r.den);
  return normalise(r);
}
constexpr rational negate(rational a) { return normalise({a.num, -a.den, a.ok}); }
constexpr rational mul(rational a, rational b) {
  rational r;
  r.ok = !__builtin_mul_overflow(a.num, b.num, &r.num) &&
         !__builtin_mul_overflow(a.den, b.den, &r.den);
  return normalise(r);
}
constexpr rational reciprocal(rational a) { return normalise({a.den, a.num, a.ok && a.num != 0}); }
constexpr rational power(rational a, int n) {
  rational r{1, 1, true};
  rational b = n < 0 ? reciprocal(a) : a;
  for (int i = 0; i < (n < 0 ? -n : n); ++i) r = mul(r, b);
  return r;
}

template <rational R> constexpr auto to_constant() {
  static_assert(R.ok,
                "ctgrad: a folded compile-time constant overflows std::intmax_t "
                "(or divides by zero)");
  if constexpr (R.ok) {
    return constant_node<R.num, R.den>{};
  } else {
    return constant_node<0, 1>{};
  }
}

template <class T> struct is_constant : std::false_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_constant<constant_node<N, D>> : std::true_type {};

template <class C> constexpr rational as_rational() { return {C::num, C::den, true}; }
}  // namespace detail

/// True when T is a constant_node.
template <class T> inline constexpr bool is_constant_v = detail::is_constant<T>::value;

/// The constant N/D, normalised.   auto half = ctgrad::constant<1, 2>;
template <std::intmax_t N, std::intmax_t D = 1>
inline constexpr auto constant = detail::to_constant<detail::normalise({N, D, true})>();

/// The constant 0.
using zero_t = constant_node<0, 1>;
/// The constant 1.
using one_t = constant_node<1, 1>;

namespace detail {
template <class T> struct is_zero_c : std::bool_constant<(__is_same(T, zero_t))> {};
template <class T> struct is_one_c : std::bool_constant<(__is_same(T, one_t))> {};
template <class T>
struct is_minus_one_c : std::bool_constant<(__is_same(T, constant_node<-1, 1>))> {};
template <class T> struct is_negative_constant_c : std::false_type {};
template <std::intmax_t N, std::intmax_t D>
struct is_negative_constant_c<constant_node<N, D>> : std::bool_constant<((N < 0))> {};

// Parses the characters of a literal such as 12 or 0.25 into an exact rational.
template <char... Cs> constexpr rational parse_decimal() {
  constexpr char text[] = {Cs...};
  rational r{0, 1, true};
  bool fraction = false;
  for (char c : text) {
    if (c == '\'') continue;
    if (c == '.') {
      fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return {0, 1, false};
    r.ok = r.ok && !__builtin_mul_overflow(r.num, 10, &r.num) &&
           !__builtin_add_overflow(r.num, c - '0', &r.num);
    if (fraction) r.ok = r.ok && !__builtin_mul_overflow(r.den, 10, &r.den);
  }
  return normalise(r);
}
}  // namespace detail

namespace literals {
/// 3_c is the constant 3; 0.5_c is exactly 1/2. Decimal digits only (no exponent, no hex).
template <char... Cs> constexpr auto operator""_c() {
  constexpr detail::rational r = detail::parse_decimal<Cs...>();
  static_assert(r.ok,
                "ctgrad::literals::_c: write a decimal number such as 3_c or 0.25_c "
                "that fits in std::intmax_t");
  return detail::to_constant<r>();
}
}  // namespace literals

}  // namespace ctgrad
