// expect: ctgrad::explain\(loss, x = value, \.\.\.\): numbers beside the steps are only
// SPDX-License-Identifier: BSL-1.0
// Values beside the steps are shown for scalar formulas only (issue 21): a net is one
// static_assert, not a cascade.
#include <ctgrad/ctgrad.hpp>

#include <string>

int main() {
  using namespace ctgrad;
  constexpr auto X = input<"X", 2, 3>;
  constexpr auto W = param<"W", 3, 2>;
  constexpr auto x = var<"x">;
  tensor<double, shape<2, 3>> data{};
#ifdef CTGRAD_EXPECT_FAIL
  std::string const text = explain(sum(matmul(X, W)), X = data);
#else
  std::string const text = explain(sum(matmul(X, W))) + explain(x * x, x = 2.0);
#endif
  return text.empty() ? 1 : 0;
}
