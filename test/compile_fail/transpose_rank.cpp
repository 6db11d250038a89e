// expect: ctgrad::transpose\(a\): a must be a matrix \(rank 2\)
// within: shape<2, 3, 4>
// SPDX-License-Identifier: BSL-1.0
// transpose swaps the two dimensions of a matrix; a rank-3 tensor has no single transpose.
#include <ctgrad/ctgrad.hpp>

int main() {
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto t = ctgrad::transpose(ctgrad::input<"A", 2, 3, 4>);
#else
  constexpr auto t = ctgrad::transpose(ctgrad::input<"A", 3, 4>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(t)>::dims[0]) - 4;
}
