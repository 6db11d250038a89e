// expect: ctgrad::softmax\(z\): z must be a vector or a batch of rows
// SPDX-License-Identifier: BSL-1.0
// softmax normalises over the last dimension; a scalar has none.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto x = ctgrad::var<"x">;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto p = ctgrad::softmax(x);
#else
  constexpr auto p = ctgrad::softmax(ctgrad::input<"z", 1, 3>);
#endif
  (void)x;
  return static_cast<int>(ctgrad::shape_of_t<decltype(p)>::size) - 3;
}
