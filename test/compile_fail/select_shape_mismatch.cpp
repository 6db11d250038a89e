// expect: ctgrad::select\(cond, a, b\): cond must be a scalar and a, b of one shape
// within: shape<2, 3>
// within: shape<3, 2>
// SPDX-License-Identifier: BSL-1.0
// A mode switch between two branches of different shapes.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 2, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y = ctgrad::select(ctgrad::train_mode, A, ctgrad::input<"B", 3, 2>);
#else
  constexpr auto y = ctgrad::select(ctgrad::train_mode, A, ctgrad::input<"B", 2, 3>);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 4;
}
