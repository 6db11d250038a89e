// SPDX-License-Identifier: BSL-1.0
// explain prints the derived backward program in the lesson's notation.
#define BOOST_TEST_MODULE nets.explain
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <string>

using namespace ctgrad;

constexpr auto X = input<"X", 4, 3>;
constexpr auto Y = input<"Y", 4, 2>;
constexpr auto W1 = param<"W1", 3, 8>;
constexpr auto b1 = param<"b1", 8>;
constexpr auto W2 = param<"W2", 8, 2>;
constexpr auto b2 = param<"b2", 2>;

BOOST_AUTO_TEST_CASE(two_layer_mlp_as_in_the_lesson) {
  constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  BOOST_TEST(explain(loss) ==
             "dL/dz2 = 1/4*(a2 - Y)\n"  // p - y, mean over the batch of 4
             "dL/db2 = sum_rows(dL/dz2)\n"
             "dL/dW2 = a1^T @ dL/dz2\n"
             "dL/da1 = dL/dz2 @ W2^T\n"
             "dL/dz1 = dL/da1*(z1 > 0)\n"
             "dL/db1 = sum_rows(dL/dz1)\n"
             "dL/dW1 = X^T @ dL/dz1\n");
}

BOOST_AUTO_TEST_CASE(names_and_fan_out) {
  constexpr auto h = named<"h">(tanh(dense(X, W1, b1)));
  constexpr auto loss = mse(dense(h + relu(h), W2, b2), Y);
  std::string const text = explain(loss);
  BOOST_TEST_MESSAGE(text);
  // h feeds the residual sum and relu: its gradient is the sum of both contributions.
  // t1 = relu(h), t2 = h + t1.
  BOOST_TEST(text.find("dL/dh = (dL/dt2) + (dL/dt1*(h > 0))\n") != std::string::npos);
  BOOST_TEST(text.find("dL/da1 = dL/dh\ndL/dz1 = dL/da1*(1 - a1^2)\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(with_respect_to_an_input) {
  constexpr auto loss = sum(sigmoid(dense(X, W1, b1)));
  BOOST_TEST(explain(loss, X) ==
             "dL/da1 = broadcast[4, 8](1)\n"
             "dL/dz1 = dL/da1*a1*(1 - a1)\n"
             "dL/dX = dL/dz1 @ W1^T\n");
}

// With a point bound, each line shows dL/d(node) (norm and first entries) and the node's
// value; then central differences of each parameter's first entries.
BOOST_AUTO_TEST_CASE(values_at_a_point) {
  constexpr auto loss = cross_entropy(softmax(dense(relu(dense(X, W1, b1)), W2, b2)), Y);
  auto p = params<double>(loss);
  int k = 0;
  p.for_each([&](auto, auto& t) {
    for (auto& v : t.data) v = 0.37 * ((k++ * 7) % 11) / 11.0 - 0.15;
  });
  tensor<double, shape<4, 3>> x{};
  tensor<double, shape<4, 2>> y{};
  for (std::size_t i = 0; i < 12; ++i) x.data[i] = 0.1 * static_cast<double>(i) - 0.5;
  for (std::size_t i = 0; i < 4; ++i) y(i, i % 2) = 1;
  std::string const text = explain(loss, p, X = x, Y = y);
  BOOST_TEST_MESSAGE(text);
  auto const number_after = [&](std::string const& line_start, std::string const& key) {
    std::size_t const line = text.find(line_start);
    BOOST_REQUIRE(line != std::string::npos);
    std::size_t const at = text.find(key, line);
    BOOST_REQUIRE(at < text.find('\n', line));
    return std::stod(text.substr(at + key.size()));
  };
  // z1 = X @ W1 + b1 by hand.
  double z1_squares = 0;
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 8; ++j) {
      double z = p[b1].data[j];
      for (std::size_t m = 0; m < 3; ++m) z += x(i, m) * p[W1](m, j);
      z1_squares += z * z;
    }
  BOOST_TEST(number_after("dL/dz1 = dL/da1*(z1 > 0)", "z1 |.| = ") == std::sqrt(z1_squares),
             boost::test_tools::tolerance(1e-3));
  // |dL/dW1| against central differences of the loss over every entry.
  double squares = 0;
  auto shifted = p;
  for (std::size_t e = 0; e < 24; ++e) {
    double const saved = shifted[W1].data[e];
    shifted[W1].data[e] = saved + 1e-5;
    double const up = eval(loss, shifted, X = x, Y = y);
    shifted[W1].data[e] = saved - 1e-5;
    double const down = eval(loss, shifted, X = x, Y = y);
    shifted[W1].data[e] = saved;
    squares += (up - down) / 2e-5 * (up - down) / 2e-5;
  }
  BOOST_TEST(number_after("dL/dW1 = X^T @ dL/dz1", "|.| = ") == std::sqrt(squares),
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(text.find("central differences (h = 1e-05, first entries of each parameter):\n") !=
             std::string::npos);
  for (char const* name : {"  dL/dW1: [", "  dL/db1: [", "  dL/dW2: [", "  dL/db2: ["})
    BOOST_TEST(number_after(name, "relative error ") < 1e-8);
}
