// expect: ctgrad::train::sharded_gradient: the number of shards must divide the batch
// within: divides_v<3, 8>
// SPDX-License-Identifier: BSL-1.0
// Shards are equal slices of the batch: 3 shards of a batch of 8 are refused.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 8, 4>;
  constexpr auto Y = ctgrad::input<"Y", 8, 3>;
  constexpr auto loss = ctgrad::mse(ctgrad::sequential(X, ctgrad::layer::dense<3>), Y);
#ifdef CTGRAD_EXPECT_FAIL
  ctgrad::train::sharded_gradient<double, decltype(loss), 3> sg;
#else
  ctgrad::train::sharded_gradient<double, decltype(loss), 4> sg;
#endif
  return static_cast<int>(decltype(sg)::rows) - 2;
}
