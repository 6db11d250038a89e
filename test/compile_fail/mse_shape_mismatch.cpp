// expect: ctgrad::mse\(prediction, target\): the shapes must be equal
// within: shape<4, 3>
// within: shape<4, 2>
// SPDX-License-Identifier: BSL-1.0
// A loss whose target does not have the prediction's shape.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto Z = ctgrad::input<"Z", 4, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto L = ctgrad::mse(Z, ctgrad::input<"Y", 4, 2>);
#else
  constexpr auto L = ctgrad::mse(Z, ctgrad::input<"Y", 4, 3>);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(L)>::rank);
}
