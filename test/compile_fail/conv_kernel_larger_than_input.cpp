// expect: ctgrad::conv1d/conv2d\(x, w\): kernel larger than the padded input
// within: shape<2, 3, 5, 5>
// within: shape<4, 3, 7, 7>
// SPDX-License-Identifier: BSL-1.0
// A 7x7 kernel over a 5x5 input padded by 0 has no position: rejected where it is written.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3, 5, 5>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y = ctgrad::conv2d(X, ctgrad::param<"W", 4, 3, 7, 7>, ctgrad::param<"b", 4>);
#else
  constexpr auto y =
      ctgrad::conv2d(X, ctgrad::param<"W", 4, 3, 7, 7>, ctgrad::param<"b", 4>, ctgrad::padding<1>);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 4;
}
