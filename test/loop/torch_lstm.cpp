// SPDX-License-Identifier: BSL-1.0
// ctgrad's lstm layers against torch.nn in float64 (see torch_recurrent.hpp): one and two
// layers, T = 1, 7, 64, batch 1 and 5, with initial states for one-layer cases.
#define BOOST_TEST_MODULE loop.torch_lstm
#include "torch_recurrent.hpp"

using test::run_recurrent_case;
using namespace ctgrad;

BOOST_AUTO_TEST_CASE(lstm_l1_t1_b1) { run_recurrent_case<lstm_cell, 1, 1, 1>("lstm"); }

BOOST_AUTO_TEST_CASE(lstm_l1_t7_b5) { run_recurrent_case<lstm_cell, 1, 7, 5>("lstm"); }

BOOST_AUTO_TEST_CASE(lstm_l2_t7_b1) { run_recurrent_case<lstm_cell, 2, 7, 1>("lstm"); }

BOOST_AUTO_TEST_CASE(lstm_l2_t64_b5) { run_recurrent_case<lstm_cell, 2, 64, 5>("lstm"); }
