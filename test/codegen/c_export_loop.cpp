// SPDX-License-Identifier: BSL-1.0
// C export of nets with a loop: a GRU (PyTorch's names, the last step, a dense head), two
// stacked LSTM layers (two carried states, read back with states<0>) and a scan written by
// hand with a dense layer in its body become C99 with a for loop over the steps; the
// generated code compiles with -std=c99 -Wall -Wextra -Werror -pedantic and gives eval's
// outputs, to 1e-6 in float and 1e-12 in double.
#define BOOST_TEST_MODULE codegen.c_export_loop
#include <boost/test/unit_test.hpp>

#include "support/random.hpp"

#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

#include "codegen/c_driver.hpp"

#include <string>

using namespace ctgrad;

constexpr auto X = input<"X", 6, 4, 3>;  // [T, batch, features]
constexpr auto gru_net = sequential(X, layer::gru<8, "gru.">, layer::last_step, layer::dense<3>);
constexpr auto lstm_net = sequential(X, layer::lstm<5, "enc.", 2>, layer::tanh);
// A scan written by hand whose body has a dense layer of the same shape as the one after it:
// one C function serves both.
constexpr auto S = input<"S", 3, 4, 5>;
constexpr auto h_var = carry<"h", 4, 5>;
constexpr auto s_var = step_input<"s", 4, 5>;
constexpr auto cell = tanh(dense(h_var, param<"U", 5, 5>, param<"c", 5>) + s_var);
constexpr auto scan_net =
    dense(last(scan(cell, h_var = broadcast_to<shape<4, 5>>(zero_t{}), s_var = S)),
          param<"V", 5, 5>, param<"d", 5>);

BOOST_AUTO_TEST_CASE(a_gru_net_in_float_and_double_gives_evals_outputs) {
  auto p = params<float>(gru_net);
  test::fill_normal(p, 1, 0.6);
  auto const x = test::normal_tensor<float, shape<6, 4, 3>>(2);
  auto const c = codegen::c_export(gru_net, "gru32", p);
  BOOST_TEST(c.source.find("for (t = 0; t < 6; ++t)") != std::string::npos);
  auto const got =
      run_c<float>(c, array_literal("x", x), "gru32_forward(&gru32_trained, &ws, x, out)");
  double const worst = worst_difference<float>(eval(gru_net, p, X = x), got);
  BOOST_TEST_MESSAGE("GRU, float: largest difference from eval " << worst);
  BOOST_TEST(worst <= 1e-6);

  auto pd = params<double>(gru_net);
  test::fill_normal(pd, 3, 0.6);
  auto const xd = test::normal_tensor<double, shape<6, 4, 3>>(4);
  auto const cd = codegen::c_export(gru_net, "gru64", pd);
  auto const gotd =
      run_c<double>(cd, array_literal("x", xd), "gru64_forward(&gru64_trained, &ws, x, out)");
  double const worstd = worst_difference<double>(eval(gru_net, pd, X = xd), gotd);
  BOOST_TEST_MESSAGE("GRU, double: largest difference from eval " << worstd);
  BOOST_TEST(worstd <= 1e-12);
}

BOOST_AUTO_TEST_CASE(stacked_lstm_layers_with_two_carried_states) {
  auto p = params<float>(lstm_net);
  test::fill_normal(p, 5, 0.6);
  auto const x = test::normal_tensor<float, shape<6, 4, 3>>(6);
  auto const c = codegen::c_export(lstm_net, "lstm", p);
  auto const got =
      run_c<float>(c, array_literal("x", x), "lstm_forward(&lstm_trained, &ws, x, out)");
  double const worst = worst_difference<float>(eval(lstm_net, p, X = x), got);
  BOOST_TEST_MESSAGE("two LSTM layers, float: largest difference from eval " << worst);
  BOOST_TEST(worst <= 1e-6);
}

BOOST_AUTO_TEST_CASE(a_dense_layer_inside_and_after_a_loop_shares_its_c_function) {
  auto p = params<double>(scan_net);
  test::fill_normal(p, 7, 0.6);
  auto const x = test::normal_tensor<double, shape<3, 4, 5>>(8);
  auto const c = codegen::c_export(scan_net, "rnn", p);
  std::string const f = "static void dense_double_4_5_5(";
  BOOST_TEST(c.source.find(f) != std::string::npos);
  BOOST_TEST(c.source.find(f) == c.source.rfind(f), "one definition");
  auto const got =
      run_c<double>(c, array_literal("x", x), "rnn_forward(&rnn_trained, &ws, x, out)");
  double const worst = worst_difference<double>(eval(scan_net, p, S = x), got);
  BOOST_TEST_MESSAGE("scan with dense layers, double: largest difference from eval " << worst);
  BOOST_TEST(worst <= 1e-12);
}
