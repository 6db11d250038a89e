// expect: ctgrad::rebatch<B>\(e\): the batch size B must be at least 1
// SPDX-License-Identifier: BSL-1.0
// A batch of zero rows is no batch.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto net = ctgrad::sequential(ctgrad::input<"X", 32, 4>, ctgrad::layer::dense<2>);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto none = ctgrad::rebatch<0>(net);
#else
  constexpr auto none = ctgrad::rebatch<1>(net);
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(none)>::dims[0]) - 1;
}
