// SPDX-License-Identifier: BSL-1.0
// C export: the generated C99 compiles with the C compiler (-std=c99 -Wall -Wextra -Werror
// -pedantic) and its forward pass gives eval's outputs, to 1e-6 in float and 1e-12 in
// double, for nets using every kind of node the forward exporter knows.
#define BOOST_TEST_MODULE codegen.c_export
#include <boost/test/unit_test.hpp>

#include "support/random.hpp"

#include <ctgrad/codegen/c_export.hpp>
#include <ctgrad/ctgrad.hpp>

#include "codegen/c_driver.hpp"

#include <cmath>
#include <string>
#include <type_traits>

using namespace ctgrad;
using namespace ctgrad::literals;

constexpr auto X = input<"X", 8, 5>;
constexpr auto residual = [](auto h) { return h + 0.5_c * relu(h); };
constexpr auto centred = [](auto h) { return leaky_relu(h - param<"c", 6>) * param<"g", 6>; };
constexpr auto net = softmax(sequential(X, layer::dense<16>, layer::tanh, residual, layer::dense<6>,
                                        layer::sigmoid, centred, layer::dense<3>));
constexpr auto Z = input<"Z", 4, 3>;
constexpr auto A = matmul(transpose(Z), exp(-Z) / (abs(Z) + 1_c));  // [3, 3]
constexpr auto other =
    log_softmax(A - sqrt(abs(transpose(A)))) + step(matmul(A, transpose(A)) - 1_c) + sign(A);

BOOST_AUTO_TEST_CASE(a_net_in_float_and_double_gives_evals_outputs) {
  auto p = params<float>(net);
  test::fill_normal(p, 1, 0.8);
  auto const x = test::normal_tensor<float, shape<8, 5>>(2);
  auto const c = codegen::c_export(net, "net32", p);
  BOOST_TEST_MESSAGE(c.header);
  auto const got =
      run_c<float>(c, array_literal("x", x), "net32_forward(&net32_trained, &ws, x, out)");
  double const worst = worst_difference<float>(eval(net, p, X = x), got);
  BOOST_TEST_MESSAGE("float: largest difference from eval " << worst);
  BOOST_TEST(worst <= 1e-6);

  auto pd = params<double>(net);
  test::fill_normal(pd, 3, 0.8);
  auto const xd = test::normal_tensor<double, shape<8, 5>>(4);
  auto const cd = codegen::c_export(net, "net64", pd);
  auto const gotd =
      run_c<double>(cd, array_literal("x", xd), "net64_forward(&net64_trained, &ws, x, out)");
  double const worstd = worst_difference<double>(eval(net, pd, X = xd), gotd);
  BOOST_TEST_MESSAGE("double: largest difference from eval " << worstd);
  BOOST_TEST(worstd <= 1e-12);
}

BOOST_AUTO_TEST_CASE(matmul_transpose_and_elementwise_nodes) {
  auto const z = test::normal_tensor<double, shape<4, 3>>(5);
  auto const c = codegen::c_export<double>(other, "other");
  BOOST_TEST(c.header.find("char unused; /* the network has no parameters */") !=
             std::string::npos);
  auto const got = run_c<double>(c, array_literal("z", z), "other_forward(0, &ws, z, out)");
  double const worst = worst_difference<double>(eval(other, Z = z), got);
  BOOST_TEST_MESSAGE("double: largest difference from eval " << worst);
  BOOST_TEST(worst <= 1e-12);
}

// A sum of 9 terms is one add_n node (ops/add_n.hpp); its C form adds the terms left to
// right. The reference is computed here term by term with <cmath>, not by eval.
constexpr auto W = input<"W", 3, 4>;
constexpr auto wide = exp(0.25_c * W) + abs(W) + tanh(W) + sigmoid(W) + relu(W) +
                      sqrt(abs(W) + 1_c) + W * W + sign(W) + step(W);
static_assert(ctgrad::detail::is_add_n_c<std::remove_cv_t<decltype(wide)>>::value,
              "9 terms make an add_n node");

BOOST_AUTO_TEST_CASE(a_long_sum_is_one_loop_over_its_terms) {
  auto w = test::normal_tensor<double, shape<3, 4>>(7);
  w.data[5] = 0.0;  // sign and step at zero
  auto const c = codegen::c_export<double>(wide, "wide");
  auto const got = run_c<double>(c, array_literal("w", w), "wide_forward(0, &ws, w, out)");
  BOOST_REQUIRE_EQUAL(got.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    double const v = w.data[i];
    double const want = std::exp(0.25 * v) + std::abs(v) + std::tanh(v) + 1 / (1 + std::exp(-v)) +
                        (v > 0 ? v : 0) + std::sqrt(std::abs(v) + 1) + v * v +
                        (v > 0   ? 1
                         : v < 0 ? -1
                                 : 0) +
                        (v > 0 ? 1 : 0);
    BOOST_TEST(got[i] == want, boost::test_tools::tolerance(1e-12));
  }
}
