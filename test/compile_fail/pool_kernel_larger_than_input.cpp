// expect: ctgrad::max_pool/avg_pool\(x\): kernel larger than the padded input
// within: shape<1, 2, 3, 3>
// within: shape<4, 4>
// SPDX-License-Identifier: BSL-1.0
// A 4x4 window over a 3x3 input.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 1, 2, 3, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto y = ctgrad::max_pool2d<4>(X);
#else
  constexpr auto y = ctgrad::max_pool2d<3>(X);
#endif
  return static_cast<int>(ctgrad::topological_order_t<decltype(y)>::size) - 2;
}
