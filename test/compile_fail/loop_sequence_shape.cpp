// expect: ctgrad::scan\(cell, x = X, \.\.\.\): a sequence must be \[T, <the step input's shape>\]
// within: shape<5, 2, 4>
// within: shape<2, 3>
// SPDX-License-Identifier: BSL-1.0
// A sequence whose steps do not have the step input's shape (wrong feature size).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto h = ctgrad::carry<"h", 2, 3>;
  constexpr auto x = ctgrad::step_input<"x", 2, 3>;
  constexpr auto h0 = ctgrad::param<"h0", 2, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto X = ctgrad::input<"X", 5, 2, 4>;
#else
  constexpr auto X = ctgrad::input<"X", 5, 2, 3>;
#endif
  constexpr auto l = ctgrad::scan(ctgrad::tanh(h + x), h = h0, x = X);
  return static_cast<int>(ctgrad::topological_order_t<decltype(l)>::size) - 5;
}
