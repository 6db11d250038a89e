// expect: ctgrad::conv1d/conv2d\(x, w\): channels not divisible by groups
// within: shape<2, 3, 8, 8>
// within: shape<4, 1, 3, 3>
// SPDX-License-Identifier: BSL-1.0
// Three input channels cannot be split into two groups.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3, 8, 8>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y =
      ctgrad::conv2d(X, ctgrad::param<"W", 4, 1, 3, 3>, ctgrad::param<"b", 4>, ctgrad::groups<2>);
#else
  constexpr auto y =
      ctgrad::conv2d(X, ctgrad::param<"W", 3, 1, 3, 3>, ctgrad::param<"b", 3>, ctgrad::groups<3>);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 4;
}
