// SPDX-License-Identifier: BSL-1.0
// Streaming: one input at a time gives the states of the whole-sequence layer, with no heap.
#define BOOST_TEST_MODULE loop.stream
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/counting_new.hpp"
#include "support/random.hpp"

namespace {
using namespace ctgrad;
constexpr std::size_t T = 9;
constexpr auto X = input<"X", T, 1, 2>;

template <class Net, class Cell> void same_as_sequence(Net net, Cell cell, unsigned seed) {
  auto ps = params<double>(net);
  test::fill_normal(ps, seed, 0.6);
  auto const x = test::normal_tensor<double, shape<T, 1, 2>>(seed + 1);
  auto const states = eval(net, ps, X = x);  // [T, 1, H]
  auto s = make_stream<double>(cell);
  for (int pass = 0; pass < 2; ++pass) {  // the second pass after reset() repeats the first
    for (std::size_t t = 0; t < T; ++t) {
      tensor<double, shape<1, 2>> xt{};
      xt.data = {x.data[2 * t], x.data[2 * t + 1]};
      auto const& h = s.step(ps, xt);
      for (std::size_t j = 0; j < h.size; ++j)
        BOOST_TEST(h.data[j] == states.data[t * h.size + j], boost::test_tools::tolerance(1e-14));
    }
    s.reset();
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(gru_stream_equals_the_layer) {
  same_as_sequence(gru<5, "g.">(X), gru_cell_of<5, "g.", 2>(), 3);
}
BOOST_AUTO_TEST_CASE(lstm_stream_equals_the_layer) {
  same_as_sequence(lstm<4, "l.">(X), lstm_cell_of<4, "l.", 2>(), 4);
}
BOOST_AUTO_TEST_CASE(rnn_stream_equals_the_layer) {
  same_as_sequence(rnn_tanh<3>(X), rnn_tanh_cell_of<3, "", 2>(), 5);
}

BOOST_AUTO_TEST_CASE(a_step_allocates_nothing) {
  constexpr auto net = gru<16, "gru.">(input<"X", 4, 1, 1>);
  auto ps = params<float>(net);
  test::fill_normal(ps, 7, 0.3);
  auto s = make_stream<float>(gru_cell_of<16, "gru.", 1>());
  tensor<float, shape<1, 1>> x{};
  std::size_t const before = test::allocations();
  float acc = 0;
  for (int t = 0; t < 1000; ++t) {
    x.data[0] = static_cast<float>(t % 7) * 0.1f;
    acc += s.step(ps, x).data[0];
  }
  BOOST_TEST(test::allocations() == before);
  BOOST_TEST(std::isfinite(acc));
}

// Batch-first layers ([B, T, in] -> [B, T, H]) are the time-major ones on swapped axes, and
// stacked layers read the layer below's states.
BOOST_AUTO_TEST_CASE(batch_first_and_stacked) {
  constexpr auto Xb = input<"Xb", 3, T, 2>;
  constexpr auto first = gru_batch_first<4, "g.", 2>(Xb);
  static_assert(std::is_same_v<shape_of_t<decltype(first)>, shape<3, T, 4>>);
  auto ps = params<double>(first);
  test::fill_normal(ps, 11, 0.6);
  auto const xb = test::normal_tensor<double, shape<3, T, 2>>(12);
  tensor<double, shape<T, 3, 2>> xt{};
  for (std::size_t b = 0; b < 3; ++b)
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t f = 0; f < 2; ++f) xt(t, b, f) = xb(b, t, f);
  constexpr auto Xt = input<"Xt", T, 3, 2>;
  auto const a = eval(first, ps, Xb = xb);
  auto const hs = eval(gru<4, "g.", 2>(Xt), ps, Xt = xt);
  for (std::size_t b = 0; b < 3; ++b)
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t j = 0; j < 4; ++j) BOOST_TEST(a(b, t, j) == hs(t, b, j));
  // The two layers' parameters are l0 and l1, and the gradient through the swaps checks out.
  BOOST_TEST(check::gradcheck(sum(first * first), ps, Xb = xb).ok(1e-7));
}
