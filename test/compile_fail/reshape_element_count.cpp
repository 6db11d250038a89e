// expect: ctgrad::reshape<S>\(a\): reshape changes the element count
// within: shape<2, 3, 4>
// within: shape<5, 5>
// SPDX-License-Identifier: BSL-1.0
// 24 elements cannot be seen as 25.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y = ctgrad::reshape<ctgrad::shape<5, 5>>(X);
#else
  constexpr auto y = ctgrad::reshape<ctgrad::shape<4, 6>>(X);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 2;
}
