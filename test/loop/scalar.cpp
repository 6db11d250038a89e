// SPDX-License-Identifier: BSL-1.0
// The loop node on scalar recurrences whose derivatives are written by hand, and on
// central differences.
#define BOOST_TEST_MODULE loop.scalar
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/engine/loop.hpp>

#include <array>
#include <cmath>

namespace {
using namespace ctgrad;
constexpr auto h = carry<"h", 1, 1>;
constexpr auto xt = step_input<"x", 1, 1>;
constexpr auto w = param<"w", 1, 1>;
constexpr auto h0 = param<"h0", 1, 1>;
constexpr auto X = input<"X", 5, 1, 1>;
constexpr std::array<double, 5> xs{0.5, -1.2, 0.8, 0.1, -0.4};
}  // namespace

// h_t = tanh(w h_{t-1} + x_t), L = h_T. By hand, with a_t = 1 - h_t^2:
// dL/dh_{t-1} = dL/dh_t a_t w;  dL/dw = sum_t dL/dh_t a_t h_{t-1};  dL/dx_t = dL/dh_t a_t.
BOOST_AUTO_TEST_CASE(tanh_recurrence_against_hand_derivation) {
  auto loop = scan(tanh(w * h + xt), h = h0, xt = X);
  static_assert(std::is_same_v<shape_of_t<decltype(loop)>, shape<5, 1, 1>>);
  auto loss = sum(last(loop));
  double const wv = 0.7, h0v = 0.3;
  var_set<double, decltype(X), decltype(w), decltype(h0)> wrt;
  for (std::size_t t = 0; t < 5; ++t) wrt[X].data[t] = xs[t];
  wrt[w].data[0] = wv;
  wrt[h0].data[0] = h0v;

  std::array<double, 6> hs{h0v};
  for (std::size_t t = 0; t < 5; ++t) hs[t + 1] = std::tanh(wv * hs[t] + xs[t]);
  double dh = 1, dw = 0;
  std::array<double, 5> dx{};
  for (std::size_t k = 0; k < 5; ++k) {
    std::size_t const t = 4 - k;
    double const a = 1 - hs[t + 1] * hs[t + 1];
    dw += dh * a * hs[t];
    dx[t] = dh * a;
    dh = dh * a * wv;
  }

  auto const g = grad(loss, wrt);
  BOOST_TEST(eval(loss, wrt) == hs[5], boost::test_tools::tolerance(1e-15));
  BOOST_TEST(g[w].data[0] == dw, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(g[h0].data[0] == dh, boost::test_tools::tolerance(1e-14));
  for (std::size_t t = 0; t < 5; ++t)
    BOOST_TEST(g[X].data[t] == dx[t], boost::test_tools::tolerance(1e-14));

  // Every state is the loop's value, and d(sum of all states) is checked numerically.
  auto const v = eval(loop, wrt);
  for (std::size_t t = 0; t < 5; ++t)
    BOOST_TEST(v.data[t] == hs[t + 1], boost::test_tools::tolerance(1e-15));
  BOOST_TEST(check::gradcheck(sum(loop * loop), wrt).ok(1e-8));
}

// Two carried states (a second-order recurrence, like an LSTM's h and c):
// u_t = u_{t-1} + w v_{t-1},  v_t = v_{t-1} * x_t  — a product of inputs, checked by hand:
// v_t = v0 * x_1 ... x_t, u_T = u0 + w (v_0 + ... + v_{T-1}).
BOOST_AUTO_TEST_CASE(two_carries_against_closed_form) {
  constexpr auto u = carry<"u", 1, 1>;
  constexpr auto v = carry<"v", 1, 1>;
  constexpr auto u0 = param<"u0", 1, 1>;
  constexpr auto v0 = param<"v0", 1, 1>;
  auto loop = scan(bundle(u + w * v, v * xt), u = u0, v = v0, xt = X);
  static_assert(std::is_same_v<shape_of_t<decltype(loop)>, shape<5, 2>>);
  auto loss = sum(last<0>(loop)) + sum(states<1>(loop));
  var_set<double, decltype(X), decltype(w), decltype(u0), decltype(v0)> wrt;
  for (std::size_t t = 0; t < 5; ++t) wrt[X].data[t] = xs[t];
  wrt[w].data[0] = 0.6;
  wrt[u0].data[0] = 0.2;
  wrt[v0].data[0] = 1.5;
  std::array<double, 6> vs{1.5};
  for (std::size_t t = 0; t < 5; ++t) vs[t + 1] = vs[t] * xs[t];
  double const sum_v_before = vs[0] + vs[1] + vs[2] + vs[3] + vs[4];
  double const sum_v_after = vs[1] + vs[2] + vs[3] + vs[4] + vs[5];
  BOOST_TEST(eval(loss, wrt) == 0.2 + 0.6 * sum_v_before + sum_v_after,
             boost::test_tools::tolerance(1e-14));
  auto const g = grad(loss, wrt);
  BOOST_TEST(g[w].data[0] == sum_v_before, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(g[u0].data[0] == 1.0, boost::test_tools::tolerance(1e-14));
  // d/dv0: every v_t is v0 times a product of inputs.
  BOOST_TEST(g[v0].data[0] == (0.6 * sum_v_before + sum_v_after) / 1.5,
             boost::test_tools::tolerance(1e-13));
  BOOST_TEST(check::gradcheck(loss, wrt).ok(1e-8));
}

// A loop without a sequence (a fixed trip count), inside an ordinary expression, with the
// parameter also used outside it: gradients from both paths add.
BOOST_AUTO_TEST_CASE(repeat_inside_expression) {
  constexpr auto z = carry<"z", 1, 1>;
  constexpr auto z0 = input<"z0", 1, 1>;
  auto loop = scan<7>(sigmoid(w * z) - z0, z = z0 * w);
  auto loss = sum(last(loop) * w) + sum(w * w);
  var_set<double, decltype(w), decltype(z0)> wrt;
  wrt[w].data[0] = 1.3;
  wrt[z0].data[0] = -0.4;
  BOOST_TEST(check::gradcheck(loss, wrt).ok(1e-8));
  // float: the same program, single precision.
  var_set<float, decltype(w), decltype(z0)> wf;
  wf[w].data[0] = 1.3f;
  wf[z0].data[0] = -0.4f;
  auto const gd = grad(loss, wrt);
  auto const gf = grad(loss, wf);
  BOOST_TEST(gf[w].data[0] == gd[w].data[0], boost::test_tools::tolerance(1e-5));
}

// explain prints the body's backward program once, inside the loop over t.
BOOST_AUTO_TEST_CASE(explain_prints_the_body_once) {
  auto loop = scan(tanh(w * h + xt), h = h0, xt = X);
  std::string const text = explain(sum(last(loop)));
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.find("for t = 4 ... 0:") != std::string::npos);
  BOOST_TEST(text.find("dL/dnext") != std::string::npos);
  std::size_t lines_with_tanh_rule = 0;
  for (std::size_t at = text.find("1 - next^2"); at != std::string::npos;
       at = text.find("1 - next^2", at + 1))
    ++lines_with_tanh_rule;
  BOOST_TEST(lines_with_tanh_rule >= 1u);
  BOOST_TEST(text.find("dL/dw = sum over t of dL/dw (the loop above)") != std::string::npos);
}

// A child in two slots: the initial state is the cell's own parameter (h = w). Its gradient
// is the sum of both paths (a loop once assigned the initial state's after adding the
// parameter's, losing the latter).
BOOST_AUTO_TEST_CASE(initial_state_is_a_parameter_of_the_cell) {
  auto loop = scan(tanh(w * h + xt), h = w, xt = X);
  auto loss = sum(last(loop));
  var_set<double, decltype(X), decltype(w)> wrt;
  for (std::size_t t = 0; t < 5; ++t) wrt[X].data[t] = xs[t];
  wrt[w].data[0] = 0.7;
  auto const r = check::gradcheck(loss, wrt);
  BOOST_TEST_INFO(r);
  BOOST_TEST(r.ok(1e-8));
}
