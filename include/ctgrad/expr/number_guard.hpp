// SPDX-License-Identifier: BSL-1.0
// A run-time number cannot become part of an expression's type. Without these overloads
// `x * 2` would fail with "no match for operator*" and a list of candidates; with them the
// first error line says what to write instead.
#pragma once

#include <ctgrad/expr/node.hpp>

#include <type_traits>

namespace ctgrad {

namespace detail {
// Asked of both operands of every + - * / between expressions (these overloads are candidates):
// a class (every expression) is answered without std::is_arithmetic's chain of traits.
template <class T, bool = __is_class(T)> struct is_number_c : std::is_arithmetic<T> {};
template <class T> struct is_number_c<T, true> : std::false_type {};

template <class T> constexpr invalid_expression reject_number() {
  static_assert(!is_number_c<T>::value,
                "ctgrad: a run-time number cannot be part of an expression; write a "
                "compile-time constant such as 2_c, 0.5_c or ctgrad::constant<1, 3>");
  return {};
}
}  // namespace detail

/// Rejects a run-time number in an expression (x * 2 instead of x * 2_c) with one static_assert
/// that says to write a compile-time constant (+ - * /, the number on either side).
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator+(E, T) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator+(T, E) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator-(E, T) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator-(T, E) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator*(E, T) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator*(T, E) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator/(E, T) {
  return detail::reject_number<T>();
}
/// \copydoc operator+(E, T)
template <Expression E, class T>
requires detail::is_number_c<T>::value constexpr auto operator/(T, E) {
  return detail::reject_number<T>();
}

}  // namespace ctgrad
