// expect: ctgrad::cross_entropy\(p, y\): p and y must have the same shape
// within: shape<8, 10>
// within: shape<8, 9>
// SPDX-License-Identifier: BSL-1.0
// One-hot targets with a class too few.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto Z = ctgrad::input<"Z", 8, 10>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto L = ctgrad::cross_entropy(ctgrad::softmax(Z), ctgrad::input<"Y", 8, 9>);
#else
  constexpr auto L = ctgrad::cross_entropy(ctgrad::softmax(Z), ctgrad::input<"Y", 8, 10>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(L)>::rank);
}
