// expect: ctgrad::concat<Axis>\(a, b, ...\): concat of mismatched shapes
// within: shape<2, 3, 4>
// within: shape<2, 2, 5>
// SPDX-License-Identifier: BSL-1.0
// Along axis 1 the other dimensions must agree: 4 and 5 do not.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 2, 3, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y = ctgrad::concat<1>(A, ctgrad::input<"B", 2, 2, 5>);
#else
  constexpr auto y = ctgrad::concat<1>(A, ctgrad::input<"B", 2, 2, 4>);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 3;
}
