// SPDX-License-Identifier: BSL-1.0
//
// Distance in units in the last place between two IEEE float/double values:
// the number of representable values between them, counting across zero
// (+0 and -0 are the same point) and up to infinity.
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctgrad::test {

namespace detail {

template <class T>
using ulp_bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// Maps the bit pattern onto a signed line ordered like the values:
// ..., -denorm_min -> -1, ±0 -> 0, denorm_min -> 1, ..., infinity -> max + 1.
template <class T> constexpr std::int64_t ordinal(T x) {
  using bits_t = ulp_bits_t<T>;
  constexpr bits_t sign = bits_t{1} << (sizeof(T) * 8 - 1);
  const bits_t b = std::bit_cast<bits_t>(x);
  const auto magnitude = static_cast<std::int64_t>(b & ~sign);
  return (b & sign) != 0 ? -magnitude : magnitude;
}

}  // namespace detail

// ulp_distance(a, b): 0 when both are NaN or a == b, the maximum when exactly
// one is NaN, otherwise the count of representable steps from a to b.
template <std::floating_point T>
  requires(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8))
constexpr std::uint64_t ulp_distance(T a, T b) {
  const bool a_nan = a != a;
  const bool b_nan = b != b;
  if (a_nan || b_nan) {
    return a_nan && b_nan ? 0 : std::numeric_limits<std::uint64_t>::max();
  }
  const std::int64_t ia = detail::ordinal(a);
  const std::int64_t ib = detail::ordinal(b);
  // Unsigned (modular) subtraction: the difference may exceed INT64_MAX.
  const auto ua = static_cast<std::uint64_t>(ia);
  const auto ub = static_cast<std::uint64_t>(ib);
  return ia > ib ? ua - ub : ub - ua;
}

}  // namespace ctgrad::test
