// expect: ctgrad::sum_to<S>\(a\): S must be the trailing dimensions of a's shape
// within: shape<2>
// within: shape<4, 3>
// SPDX-License-Identifier: BSL-1.0
// A [4, 3] batch summed over its rows is a [3] row, not a [2].
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto A = ctgrad::input<"A", 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = ctgrad::sum_to<ctgrad::shape<2>>(A);
#else
  constexpr auto r = ctgrad::sum_to<ctgrad::shape<3>>(A);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 3;
}
