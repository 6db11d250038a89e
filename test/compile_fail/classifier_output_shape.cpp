// expect: ctgrad::train::classifier\(X, Y, loss, output\): output must have Y's shape
// within: shape<8, 5>
// within: shape<8, 3>
// SPDX-License-Identifier: BSL-1.0
// The output scored against Y must have one column per class.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 8, 4>;
  constexpr auto Y = input<"Y", 8, 3>;
  constexpr auto hidden = sequential(X, layer::dense<5>, layer::relu);
  constexpr auto logits = sequential<"out.">(hidden, layer::dense<3>);
  constexpr auto loss = cross_entropy(softmax(logits), Y);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto task = train::classifier(X, Y, loss, hidden);
#else
  constexpr auto task = train::classifier(X, Y, loss, logits);
#endif
  return task.threshold == 0.5 ? 0 : 1;
}
