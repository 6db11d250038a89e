// expect: ctgrad::operator-\(a, b\): shapes must be equal
// within: shape<4, 3>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// Elementwise operands must be equal, a scalar, or trailing dimensions (a bias row).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = A - ctgrad::input<"B", 4, 2>;
#else
  constexpr auto r = A - ctgrad::input<"B", 3>;
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 12;
}
