// SPDX-License-Identifier: BSL-1.0
// erf usable in constant expressions (clang 14 has no constexpr <cmath>): during constant
// evaluation the series
//   erf x = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1))
// whose terms are all positive (no cancellation, unlike the Taylor series of erf itself),
// summed in long double until they stop changing; |x| >= 6 gives +-1 (erf 6 is 1
// to 2e-17). At run time, <cmath>'s erf.
#pragma once

#include <ctgrad/math/elementary.hpp>

#include <cmath>
#include <concepts>
#include <type_traits>

namespace ctgrad::math {

/// The constexpr series and rational implementations, usable in constant evaluation (also at
/// run time); ctgrad::math's functions choose them when std::is_constant_evaluated().
namespace ct {

/// The error function, in constant evaluation.
template <std::floating_point T> constexpr T erf(T x) {
  if (x != x) return x;
  using W = long double;  // x87 extended: the sum and e^(-x^2) keep 11 bits beyond double
  W const a = x < 0 ? -static_cast<W>(x) : static_cast<W>(x);
  if (a >= W(6)) return x < 0 ? T(-1) : T(1);
  W const two_x2 = 2 * a * a;
  W term = a;
  W sum = a;
  for (int n = 1; n < 400; ++n) {
    term *= two_x2 / W(2 * n + 1);
    W const next = sum + term;
    if (next == sum) break;
    sum = next;
  }
  W const two_over_sqrt_pi = W(1.1283791670955125738961589031215452L);
  W const r = two_over_sqrt_pi * ct::exp(-a * a) * sum;
  return static_cast<T>(x < 0 ? -r : r);
}

}  // namespace ct

/// erf x: the series above in constant evaluation, std::erf at run time.
template <std::floating_point T> constexpr T erf(T x) {
  if (std::is_constant_evaluated()) return ct::erf(x);
  return std::erf(x);
}

}  // namespace ctgrad::math
