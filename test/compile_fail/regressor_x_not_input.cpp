// expect: ctgrad::train task: X and Y must be input variables
// SPDX-License-Identifier: BSL-1.0
// The task's X is the data fit feeds in, so it cannot be a parameter.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 8, 4>;
  constexpr auto Y = input<"Y", 8, 1>;
  constexpr auto W = param<"W", 4, 1>;
  constexpr auto b = param<"b", 1>;
  constexpr auto loss = mse(dense(X, W, b), Y);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto task = train::regressor(W, Y, loss);
#else
  constexpr auto task = train::regressor(X, Y, loss);
#endif
  return task.threshold == 0.5 ? 0 : 1;
}
