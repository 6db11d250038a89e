// SPDX-License-Identifier: BSL-1.0
// ctgrad's rnn layers against torch.nn in float64 (see torch_recurrent.hpp): one and two
// layers, T = 1, 7, 64, batch 1 and 5, with initial states for one-layer cases.
#define BOOST_TEST_MODULE loop.torch_rnn
#include "torch_recurrent.hpp"

using test::run_recurrent_case;
using namespace ctgrad;

BOOST_AUTO_TEST_CASE(rnn_tanh_l1_t1_b1) { run_recurrent_case<rnn_tanh_cell, 1, 1, 1>("rnn_tanh"); }

BOOST_AUTO_TEST_CASE(rnn_tanh_l1_t7_b5) { run_recurrent_case<rnn_tanh_cell, 1, 7, 5>("rnn_tanh"); }

BOOST_AUTO_TEST_CASE(rnn_tanh_l2_t7_b1) { run_recurrent_case<rnn_tanh_cell, 2, 7, 1>("rnn_tanh"); }

BOOST_AUTO_TEST_CASE(rnn_tanh_l2_t64_b5) {
  run_recurrent_case<rnn_tanh_cell, 2, 64, 5>("rnn_tanh");
}

BOOST_AUTO_TEST_CASE(rnn_relu_l1_t1_b1) { run_recurrent_case<rnn_relu_cell, 1, 1, 1>("rnn_relu"); }

BOOST_AUTO_TEST_CASE(rnn_relu_l1_t7_b5) { run_recurrent_case<rnn_relu_cell, 1, 7, 5>("rnn_relu"); }

BOOST_AUTO_TEST_CASE(rnn_relu_l2_t7_b1) { run_recurrent_case<rnn_relu_cell, 2, 7, 1>("rnn_relu"); }

BOOST_AUTO_TEST_CASE(rnn_relu_l2_t64_b5) {
  run_recurrent_case<rnn_relu_cell, 2, 64, 5>("rnn_relu");
}
