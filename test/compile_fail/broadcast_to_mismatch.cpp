// expect: ctgrad::broadcast_to<S>\(a\): a's shape must be the trailing dimensions of S
// within: shape<3>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// A row of 3 cannot be repeated into a [4, 2] batch.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto b = ctgrad::param<"b", 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto r = ctgrad::broadcast_to<ctgrad::shape<4, 2>>(b);
#else
  constexpr auto r = ctgrad::broadcast_to<ctgrad::shape<4, 3>>(b);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(r)>::size) - 12;
}
