// expect: ctgrad::rebatch<B>\(e\): e contains a loop \(a recurrent layer, scan or repeat\)
// SPDX-License-Identifier: BSL-1.0
// A recurrent net's batch size lives in its loop's body and in a time-major input's second
// axis, which rebatch does not rebuild: it refuses instead of keeping the old batch silently.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 5, 4, 3>;  // [T, batch, features]
  constexpr auto net = ctgrad::sequential(X, ctgrad::layer::gru<6>, ctgrad::layer::last_step,
                                          ctgrad::layer::dense<2>);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto one = ctgrad::rebatch<1>(net);
#else
  constexpr auto one = net;
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(one)>::dims[0]) - 4;
}
