// expect: ctgrad::grad_into\(loss, grads, ws, \.\.\.\): the workspace is too small
// within: 20U?L?[;,].*51
// SPDX-License-Identifier: BSL-1.0
// A workspace sized for another (smaller) computation: the message gives the entries it
// holds (20) and the entries this gradient needs (51).
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 1, 4>;
  constexpr auto Y = ctgrad::input<"Y", 1, 2>;
  constexpr auto loss = ctgrad::cross_entropy(
      ctgrad::softmax(ctgrad::dense(
          ctgrad::relu(ctgrad::dense(X, ctgrad::param<"W1", 4, 8>, ctgrad::param<"b1", 8>)),
          ctgrad::param<"W2", 8, 2>, ctgrad::param<"b2", 2>)),
      Y);
  ctgrad::tensor<float, ctgrad::shape<1, 4>> x{};
  ctgrad::tensor<float, ctgrad::shape<1, 2>> y{};
  auto ps = ctgrad::params<float>(loss);
  auto g = ctgrad::params<float>(loss);
#ifdef CTGRAD_EXPECT_FAIL
  ctgrad::workspace<float, 20> ws;
#else
  ctgrad::workspace<float, 51> ws;
#endif
  return static_cast<int>(ctgrad::grad_into(loss, g, ws, ps, X = x, Y = y));
}
