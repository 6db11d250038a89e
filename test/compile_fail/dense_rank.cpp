// expect: ctgrad::dense\(x, W, b\): x must be \[batch, in\], W \[in, out\] and b \[out\]
// within: shape<4>
// SPDX-License-Identifier: BSL-1.0
// dense is batch-first: one sample is x of shape [1, in], not a vector [in].
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto X = ctgrad::input<"X", 4>;
#else
  constexpr auto X = ctgrad::input<"X", 1, 4>;
#endif
  constexpr auto z = ctgrad::dense(X, ctgrad::param<"W", 4, 8>, ctgrad::param<"b", 8>);
  return static_cast<int>(ctgrad::shape_of_t<decltype(z)>::size) - 8;
}
