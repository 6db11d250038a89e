// expect: ctgrad::codegen::c_export\(net, name, params\): params must be the network's parameter set
// SPDX-License-Identifier: BSL-1.0
// The values given must be the exported network's parameter set.
#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3>;
  constexpr auto net = ctgrad::sequential(X, ctgrad::layer::dense<4>);
  constexpr auto other = ctgrad::sequential(X, ctgrad::layer::dense<5>);
#ifdef CTGRAD_EXPECT_FAIL
  auto const c = ctgrad::codegen::c_export(net, "f", ctgrad::params<float>(other));
#else
  auto const c = ctgrad::codegen::c_export(net, "f", ctgrad::params<float>(net));
#endif
  return c.source.empty() ? 1 : 0;
}
