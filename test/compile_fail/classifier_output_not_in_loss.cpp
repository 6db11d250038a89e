// expect: train::classifier\(X, Y, loss, output\): output is not a subexpression of loss
// SPDX-License-Identifier: BSL-1.0
// fit reads the classifier's output from the gradient's own forward pass, so it must be a
// node of the loss.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 4, 2>;
  constexpr auto Y = input<"Y", 4, 3>;
  constexpr auto logits = sequential(X, layer::dense<3>);
  constexpr auto loss = cross_entropy(softmax(logits), Y);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto task = train::classifier(X, Y, loss, sigmoid(logits));
#else
  constexpr auto task = train::classifier(X, Y, loss, logits);
#endif
  return task.threshold == 0.5 ? 0 : 1;
}
