// expect: ctgrad::operator\*\(a, b\): shapes must be equal
// within: shape<4, 3>
// within: shape<3, 4>
// SPDX-License-Identifier: BSL-1.0
// Elementwise product of a [4, 3] and a [3, 4]: neither is the other's trailing dimensions
// (matmul is the matrix product).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = A * ctgrad::input<"B", 3, 4>;
#else
  constexpr auto r = A * ctgrad::input<"B", 4, 3>;
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 12;
}
