// expect: ctgrad::matmul\(a, b\): a is \[M, K\] and b must be \[K, N\]
// within: shape<4, 3>
// within: shape<5, 2>
// SPDX-License-Identifier: BSL-1.0
// matmul(transpose(A), B) takes its own path (no transpose is computed): the check and the
// shapes in the message must be the same as for a plain product.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto c = ctgrad::matmul(ctgrad::transpose(A), ctgrad::input<"B", 5, 2>);
#else
  constexpr auto c = ctgrad::matmul(ctgrad::transpose(A), ctgrad::input<"B", 4, 2>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(c)>::size) - 6;
}
