// expect: ctgrad::matmul\(a, b\): a is \[M, K\] and b must be \[K, N\]
// within: shape<3, 4>
// within: shape<3, 2>
// SPDX-License-Identifier: BSL-1.0
// A matrix product whose inner dimensions differ.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 3, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto c = ctgrad::matmul(A, ctgrad::input<"B", 3, 2>);
#else
  constexpr auto c = ctgrad::matmul(A, ctgrad::input<"B", 4, 2>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(c)>::size) - 6;
}
