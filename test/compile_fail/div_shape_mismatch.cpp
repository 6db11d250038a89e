// expect: ctgrad::operator/\(a, b\): shapes must be equal
// within: shape<2, 5>
// within: shape<4>
// SPDX-License-Identifier: BSL-1.0
// Dividing a batch [2, 5] by a row that is not its trailing dimension.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 2, 5>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = A / ctgrad::input<"B", 4>;
#else
  constexpr auto r = A / ctgrad::input<"B", 5>;
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 10;
}
