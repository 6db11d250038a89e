// SPDX-License-Identifier: BSL-1.0
// The tape and ctgrad's compile-time gradient must agree: to the bit, when the tape records
// the expression's nodes one for one (same kernels, same rules, same order of every sum),
// unless the compiler may contract a * b + c into an FMA (-march with FMA, optimised), which
// it decides differently in the two programs; then to a few rounding errors.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>

namespace tape_test {

#if defined(__FMA__) || defined(__FP_FAST_FMA) || defined(__FP_FAST_FMAF)
inline constexpr bool bit_exact = false;
#else
inline constexpr bool bit_exact = true;
#endif

/// Every element of a (size n) equals b's, or is within rel of it (relative to the
/// tensor's largest magnitude) when contraction may differ.
template <class A, class B> void expect_same(A const& a, B const& b, std::size_t n, double rel) {
  double scale = 0;
  for (std::size_t i = 0; i < n; ++i) scale = std::fmax(scale, std::fabs(double(b[i])));
  for (std::size_t i = 0; i < n; ++i) {
    BOOST_TEST_CONTEXT("element " << i) {
      if constexpr (bit_exact) {
        BOOST_TEST(a[i] == b[i]);
      } else {
        BOOST_TEST(std::fabs(double(a[i]) - double(b[i])) <= rel * scale);
      }
    }
  }
}

}  // namespace tape_test
