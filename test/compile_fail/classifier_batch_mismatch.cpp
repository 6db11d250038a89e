// expect: ctgrad::train task: X and Y must be batches \[B, n\] with the same B
// within: shape<32, 4>
// within: shape<16, 3>
// SPDX-License-Identifier: BSL-1.0
// Inputs and targets with different batch sizes.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 32, 4>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto Y = input<"Y", 16, 3>;
  constexpr auto Yl = input<"Y", 32, 3>;  // the loss is well formed; the task is not
#else
  constexpr auto Y = input<"Y", 32, 3>;
  constexpr auto Yl = Y;
#endif
  constexpr auto logits = sequential(X, layer::dense<3>);
  constexpr auto loss = cross_entropy(softmax(logits), Yl);
  constexpr auto task = train::classifier(X, Y, loss, logits);
  return task.threshold == 0.5 ? 0 : 1;
}
