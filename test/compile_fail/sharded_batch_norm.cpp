// expect: ctgrad::train::sharded_gradient: the net has batch norm
// SPDX-License-Identifier: BSL-1.0
// Batch norm normalises with the statistics of the whole batch, which shards do not have: a
// batch-parallel gradient of such a net is refused where its buffers are declared.
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 8, 4>;
  constexpr auto Y = ctgrad::input<"Y", 8, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto loss = ctgrad::cross_entropy(
      ctgrad::softmax(ctgrad::sequential(X, ctgrad::layer::dense<8>, ctgrad::layer::batch_norm,
                                         ctgrad::layer::relu, ctgrad::layer::dense<3>)),
      Y);
#else
  constexpr auto loss = ctgrad::cross_entropy(
      ctgrad::softmax(ctgrad::sequential(X, ctgrad::layer::dense<8>, ctgrad::layer::relu,
                                         ctgrad::layer::dense<3>)),
      Y);
#endif
  ctgrad::train::sharded_gradient<float, decltype(loss), 2> sg;
  return static_cast<int>(decltype(sg)::rows) - 4;
}
