// SPDX-License-Identifier: BSL-1.0
// ctgrad's gru layers against torch.nn in float64 (see torch_recurrent.hpp): one and two
// layers, T = 1, 7, 64, batch 1 and 5, with initial states for one-layer cases.
#define BOOST_TEST_MODULE loop.torch_gru
#include "torch_recurrent.hpp"

#include <ctgrad/layers/recurrent.hpp>

#include <memory>
#include <string>

namespace {
using namespace ctgrad;

template <class Cell, std::size_t Layers, std::size_t T, std::size_t B>
void run(std::string const& kind) {
  constexpr auto X = param<"X", T, B, 3>;  // a parameter here, for its gradient
  constexpr auto R = input<"R", T, B, 4>;
  constexpr auto out = [&] {
    if constexpr (Layers == 2) {
      return detail::recurrent<Cell, 4, "", 2>(X);
    } else if constexpr (__is_same(Cell, lstm_cell)) {
      return detail::recurrent<Cell, 4, "", 1>(X, param<"h0", B, 4>, param<"c0", B, 4>);
    } else {
      return detail::recurrent<Cell, 4, "", 1>(X, param<"h0", B, 4>);
    }
  }();
  constexpr auto loss = sum(out * R);
  auto wrt = std::make_unique<param_set<double, decltype(loss)>>();
  auto r = std::make_unique<tensor<double, shape<T, B, 4>>>();
  test::check_against_torch(kind + "_l" + std::to_string(Layers) + "_t" + std::to_string(T) +
                                "_b" + std::to_string(B),
                            loss, *wrt, *r);
}
}  // namespace

BOOST_AUTO_TEST_CASE(gru_l1_t1_b1) { run<gru_cell, 1, 1, 1>("gru"); }

BOOST_AUTO_TEST_CASE(gru_l1_t7_b5) { run<gru_cell, 1, 7, 5>("gru"); }

BOOST_AUTO_TEST_CASE(gru_l2_t7_b1) { run<gru_cell, 2, 7, 1>("gru"); }

BOOST_AUTO_TEST_CASE(gru_l2_t64_b5) { run<gru_cell, 2, 64, 5>("gru"); }
