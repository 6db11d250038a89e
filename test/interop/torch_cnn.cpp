// SPDX-License-Identifier: BSL-1.0
// Issue 15's round trip for the CNN (torch_roundtrip.py export cnn writes the files first):
// torch's Sequential(Conv2d(1, 4, 3, padding=1), ReLU, MaxPool2d(2), Conv2d(4, 6, 3), Tanh,
// Flatten, Linear(24, 3)) on [16, 1, 8, 8]; its modules "0", "3", "6" are the layers with
// weights W1 (conv, same layout), W2 (conv) and W3 (dense, transposed), in that order.
// Run: test.interop.torch_cnn -- DIR
#define BOOST_TEST_MODULE interop.torch_cnn
#include "interop/torch_roundtrip.hpp"

using namespace ctgrad;

BOOST_AUTO_TEST_CASE(torch_cnn_outputs_gradients_and_fine_tuned_export) {
  constexpr auto net_of = [](auto x) {
    return sequential(x, layer::conv2d<4, 3, padding<1>>, layer::relu, layer::max_pool2d<2>,
                      layer::conv2d<6, 3>, layer::tanh, layer::flatten, layer::dense<3>);
  };
  interop::round_trip<std::remove_cv_t<decltype(input<"X", 16, 1, 8, 8>)>,
                      std::remove_cv_t<decltype(input<"X", 1, 1, 8, 8>)>,
                      std::remove_cv_t<decltype(input<"Y", 16, 3>)>>(
      net_of,
      [](auto const& p) {
        return io::layer_modules(p, {"0", "3", "6"});
      },
      20, 0.5f);
}
