// SPDX-License-Identifier: BSL-1.0
// Issue 15's round trip for the GRU (torch_roundtrip.py export gru writes the files first):
// torch's GRU(3, 8) + Linear(8, 3) on sequences [T=6, B=16, 3]; "gru.weight_ih_l0" ... are
// layer::gru<8, "gru.">'s own names and "head.*" the one dense layer (the one nn.Linear).
// Run: test.interop.torch_gru -- DIR
#define BOOST_TEST_MODULE interop.torch_gru
#include "interop/torch_roundtrip.hpp"

using namespace ctgrad;

BOOST_AUTO_TEST_CASE(torch_gru_outputs_gradients_and_fine_tuned_export) {
  constexpr auto net_of = [](auto x) {
    return sequential(x, layer::gru<8, "gru.">, layer::last_step, layer::dense<3>);
  };
  interop::round_trip<std::remove_cv_t<decltype(input<"X", 6, 16, 3>)>,
                      std::remove_cv_t<decltype(input<"X", 6, 1, 3>)>,
                      std::remove_cv_t<decltype(input<"Y", 16, 3>)>>(
      net_of, [](auto const&) { return io::linear_modules({"head"}); }, 20, 0.5f);
}
