// expect: ctgrad::rebatch<B>\(e\): a constant multiplies a sum over the batch and is not a mean's 1/n
// SPDX-License-Identifier: BSL-1.0
// 3 * mse(a, y) folds its constants to 3/n * sum(...): whether that constant holds the
// batch size cannot be told any more, so rebatch refuses instead of guessing.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/layers/rebatch.hpp>

using namespace ctgrad::literals;

int main() {
  constexpr auto X = ctgrad::input<"X", 32, 4>;
  constexpr auto Y = ctgrad::input<"Y", 32, 2>;
  constexpr auto net = ctgrad::sequential(X, ctgrad::layer::dense<2>);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto one = ctgrad::rebatch<1>(3_c * ctgrad::mse(net, Y));
#else
  constexpr auto one = 3_c * ctgrad::rebatch<1>(ctgrad::mse(net, Y));
#endif
  return static_cast<int>(ctgrad::shape_of_t<decltype(one)>::rank);
}
