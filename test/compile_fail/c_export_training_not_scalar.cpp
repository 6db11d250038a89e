// expect: ctgrad::codegen::c_export_training: the loss must be a scalar
// SPDX-License-Identifier: BSL-1.0
// Training needs a loss: a network's output is not one.
#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3>;
  constexpr auto net = ctgrad::sequential(X, ctgrad::layer::dense<4>);
#ifdef CTGRAD_EXPECT_FAIL
  auto const c = ctgrad::codegen::c_export_training(net, "f", ctgrad::params<float>(net));
#else
  auto const c =
      ctgrad::codegen::c_export_training(ctgrad::sum(net), "f", ctgrad::params<float>(net));
#endif
  return c.source.empty() ? 1 : 0;
}
