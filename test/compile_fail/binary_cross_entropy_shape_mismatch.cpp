// expect: ctgrad::binary_cross_entropy\(a, y\): the shapes must be equal
// within: shape<16, 1>
// within: shape<16>
// SPDX-License-Identifier: BSL-1.0
// Targets as a vector [16] where the prediction is a column [16, 1].
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto Z = ctgrad::input<"Z", 16, 1>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto L = ctgrad::binary_cross_entropy(ctgrad::sigmoid(Z), ctgrad::input<"Y", 16>);
#else
  constexpr auto L = ctgrad::binary_cross_entropy(ctgrad::sigmoid(Z), ctgrad::input<"Y", 16, 1>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(L)>::rank);
}
