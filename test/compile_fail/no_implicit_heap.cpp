// expect: ctgrad::grad / grad_into: this gradient's workspace \(first number, in bytes\) is larger than CTGRAD_STACK_WORKSPACE
// within: 11[0-9][0-9]U?L?[;,].*512
// SPDX-License-Identifier: BSL-1.0
// With CTGRAD_NO_IMPLICIT_HEAP, a gradient whose workspace exceeds the stack budget (here
// set to 512 bytes) and is given no workspace does not compile: the message names its size
// in bytes (1164 here) and the budget, and shows how to pass a workspace.
#define CTGRAD_NO_IMPLICIT_HEAP
#define CTGRAD_STACK_WORKSPACE 512
#include <ctgrad/ctgrad.hpp>

#include <memory>

int main() {
  constexpr auto X = ctgrad::input<"X", 4, 4>;
  constexpr auto Y = ctgrad::input<"Y", 4, 8>;
  constexpr auto loss = ctgrad::mse(
      ctgrad::relu(ctgrad::dense(X, ctgrad::param<"W", 4, 8>, ctgrad::param<"b", 8>)), Y);
  ctgrad::tensor<float, ctgrad::shape<4, 4>> x{};
  ctgrad::tensor<float, ctgrad::shape<4, 8>> y{};
  auto ps = ctgrad::params<float>(loss);
  auto g = ctgrad::params<float>(loss);
#ifdef CTGRAD_EXPECT_FAIL
  return static_cast<int>(ctgrad::grad_into(loss, g, ps, X = x, Y = y));
#else
  auto ws = std::make_unique<ctgrad::workspace_for<float, decltype(loss)>>();
  return static_cast<int>(ctgrad::grad_into(loss, g, *ws, ps, X = x, Y = y));
#endif
}
