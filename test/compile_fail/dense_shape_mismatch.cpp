// expect: ctgrad::dense\(x, W, b\): shapes do not fit
// within: shape<32, 4>
// within: shape<5, 8>
// SPDX-License-Identifier: BSL-1.0
// A layer whose weights do not fit its input is rejected where it is written.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 32, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto z = ctgrad::dense(X, ctgrad::param<"W1", 5, 8>, ctgrad::param<"b1", 8>);
#else
  constexpr auto z = ctgrad::dense(X, ctgrad::param<"W1", 4, 8>, ctgrad::param<"b1", 8>);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(z)>::size) - 4;
}
