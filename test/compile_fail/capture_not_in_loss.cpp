// expect: capture\(e, out\), \.\.\.\): e is not a subexpression of the loss
// SPDX-License-Identifier: BSL-1.0
// grad_into can copy out a node of the loss's forward pass, not an expression of its own.
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 3>;
  constexpr auto W = param<"W", 3, 4>;
  constexpr auto b = param<"b", 4>;
  constexpr auto z = dense(X, W, b);
  constexpr auto loss = sum(relu(z));
  auto ps = params<double>(loss);
  auto gs = ps;
  tensor<double, shape<2, 3>> x{};
  tensor<double, shape<2, 4>> out{};
#ifdef CTGRAD_EXPECT_FAIL
  grad_into(loss, gs, capture(sigmoid(z), out), ps, X = x);
#else
  grad_into(loss, gs, capture(z, out), ps, X = x);
#endif
  return static_cast<int>(out(0, 0));
}
