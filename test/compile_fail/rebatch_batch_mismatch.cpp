// expect: ctgrad::rebatch<B>\(e\): the inputs of e disagree on the batch size
// within: shape<32, 4>
// within: shape<16, 2>
// SPDX-License-Identifier: BSL-1.0
// rebatch needs one batch size: inputs whose leading dimensions differ are named.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/layers/rebatch.hpp>

int main() {
  constexpr auto X = ctgrad::input<"X", 32, 4>;
  constexpr auto net = ctgrad::sequential(X, ctgrad::layer::dense<2>);
#ifdef CTGRAD_EXPECT_FAIL
  constexpr auto loss =
      ctgrad::mse(net, ctgrad::input<"Y", 32, 2>) + ctgrad::mean(ctgrad::input<"Z", 16, 2>);
#else
  constexpr auto loss =
      ctgrad::mse(net, ctgrad::input<"Y", 32, 2>) + ctgrad::mean(ctgrad::input<"Z", 32, 2>);
#endif
  constexpr auto one = ctgrad::rebatch<1>(loss);
  return static_cast<int>(ctgrad::shape_of_t<decltype(one)>::rank);
}
