// SPDX-License-Identifier: BSL-1.0
// explain prints the derived backward program in the lesson's notation.
#define BOOST_TEST_MODULE nets.explain
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

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
