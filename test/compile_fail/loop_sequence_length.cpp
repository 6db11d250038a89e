// expect: ctgrad::scan\(cell, x = X, \.\.\.\): every sequence must have the loop's length
// within: shape<6, 1, 3>
// SPDX-License-Identifier: BSL-1.0
// Two sequences of different lengths in one loop.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto h = ctgrad::carry<"h", 1, 3>;
  constexpr auto x = ctgrad::step_input<"x", 1, 3>;
  constexpr auto u = ctgrad::step_input<"u", 1, 3>;
  constexpr auto h0 = ctgrad::param<"h0", 1, 3>;
  constexpr auto X = ctgrad::input<"X", 5, 1, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto U = ctgrad::input<"U", 6, 1, 3>;
#else
  constexpr auto U = ctgrad::input<"U", 5, 1, 3>;
#endif
  constexpr auto l = ctgrad::scan(ctgrad::tanh(h + x * u), h = h0, x = X, u = U);
  return static_cast<int>(ctgrad::topological_order_t<decltype(l)>::size) - 7;
}
