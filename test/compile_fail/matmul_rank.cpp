// expect: ctgrad::matmul\(a, b\): both operands must be matrices \(rank 2\)
// within: shape<4>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// A single sample is a batch of one row, [1, K], not a vector [K].
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto c = ctgrad::matmul(ctgrad::input<"x", 4>, ctgrad::param<"W", 4, 2>);
#else
  constexpr auto c = ctgrad::matmul(ctgrad::input<"x", 1, 4>, ctgrad::param<"W", 4, 2>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(c)>::size) - 2;
}
