// expect: ctgrad::codegen::c_export: this node has no C form yet
// SPDX-License-Identifier: BSL-1.0
// A node the C exporter does not know (sin) is named at compile time, not emitted wrongly.
#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 2, 3>;
#ifdef CTGRAD_EXPECT_FAIL
  auto const c = ctgrad::codegen::c_export<float>(ctgrad::sin(X), "f");
#else
  auto const c = ctgrad::codegen::c_export<float>(ctgrad::tanh(X), "f");
#endif
  return c.source.empty() ? 1 : 0;
}
