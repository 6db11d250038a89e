// expect: ctgrad::scan\(cell, h = h0, \.\.\.\): the cell's next state must have the carried state's shape
// within: shape<2, 3>
// within: shape<2, 4>
// SPDX-License-Identifier: BSL-1.0
// A cell whose next state is not the shape of the state it carries is rejected at scan.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto h = ctgrad::carry<"h", 2, 4>;
  constexpr auto x = ctgrad::step_input<"x", 2, 3>;
  constexpr auto X = ctgrad::input<"X", 5, 2, 3>;
  constexpr auto h0 = ctgrad::param<"h0", 2, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto l = ctgrad::scan(ctgrad::tanh(x), h = h0, x = X);  // [2, 3], not [2, 4]
#else
  constexpr auto l = ctgrad::scan(ctgrad::tanh(h), h = h0, x = X);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(l)>::size) - 3;
}
