// SPDX-License-Identifier: BSL-1.0
// Every activation inside a small network, derived gradient against central differences,
// in double (< 1e-7) and float (< 1e-5), batch 1 and 4.
#define BOOST_TEST_MODULE nets.activations
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <iostream>

using namespace ctgrad;

template <std::size_t B, class Act> struct net {
  static constexpr auto X = input<"X", B, 3>;
  static constexpr auto Y = input<"Y", B, 2>;
  static constexpr auto W1 = param<"W1", 3, 5>;
  static constexpr auto b1 = param<"b1", 5>;
  static constexpr auto W2 = param<"W2", 5, 2>;
  static constexpr auto b2 = param<"b2", 2>;
  static constexpr auto loss = mse(dense(Act{}(dense(X, W1, b1)), W2, b2), Y);

  template <class T> static double check(unsigned seed) {
    auto ps = params<T>(loss);
    test::fill_normal(ps, seed, 1.0);
    auto const x = test::normal_tensor<T, shape<B, 3>>(seed + 100);
    auto const y = test::normal_tensor<T, shape<B, 2>>(seed + 200);
    auto const r = check::gradcheck(loss, ps, X = x, Y = y);
    std::cout << Act::name << " B=" << B << (sizeof(T) == 4 ? " float: " : " double: ") << r
              << '\n';
    return r.max_relative_error;
  }
};

#define CTGRAD_ACTIVATION(fn)                                                 \
  struct act_##fn {                                                           \
    static constexpr char const* name = #fn;                                  \
    template <class Z> constexpr auto operator()(Z z) const { return fn(z); } \
  };
CTGRAD_ACTIVATION(relu)
CTGRAD_ACTIVATION(sigmoid)
CTGRAD_ACTIVATION(tanh)
CTGRAD_ACTIVATION(identity)
CTGRAD_ACTIVATION(exp)
CTGRAD_ACTIVATION(softmax)
CTGRAD_ACTIVATION(log_softmax)
struct act_leaky_relu {
  static constexpr char const* name = "leaky_relu<1, 10>";
  template <class Z> constexpr auto operator()(Z z) const { return leaky_relu<1, 10>(z); }
};

using activations = std::tuple<act_relu, act_sigmoid, act_tanh, act_identity, act_exp, act_softmax,
                               act_log_softmax, act_leaky_relu>;

BOOST_AUTO_TEST_CASE_TEMPLATE(double_precision, Act, activations) {
  for (unsigned seed : {1u, 2u}) {
    double const e1 = net<1, Act>::template check<double>(seed);
    double const e4 = net<4, Act>::template check<double>(seed);
    BOOST_TEST(e1 < 1e-7);
    BOOST_TEST(e4 < 1e-7);
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(single_precision, Act, activations) {
  double const e1 = net<1, Act>::template check<float>(3);
  double const e4 = net<4, Act>::template check<float>(4);
  BOOST_TEST(e1 < 1e-5);
  BOOST_TEST(e4 < 1e-5);
}

BOOST_AUTO_TEST_CASE(identity_adds_no_node) {
  constexpr auto z = input<"z", 2, 3>;
  static_assert(std::is_same_v<decltype(identity(z)), std::remove_cv_t<decltype(z)>>);
}
