// expect: ctgrad::operator\+\(a, b\): shapes must be equal
// within: shape<8, 16>
// within: shape<8, 15>
// SPDX-License-Identifier: BSL-1.0
// Elementwise operands must be equal, a scalar, or trailing dimensions (a bias row).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto H = ctgrad::input<"H", 8, 16>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = H + ctgrad::input<"G", 8, 15>;
#else
  constexpr auto r = H + ctgrad::input<"G", 16>;
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 128;
}
