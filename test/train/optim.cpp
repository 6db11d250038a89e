// SPDX-License-Identifier: BSL-1.0
// Optimisers against steps computed by hand, and convergence on a convex problem.
#define BOOST_TEST_MODULE train.optim
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>

using namespace ctgrad;
namespace tt = boost::test_tools;

constexpr auto w = param<"w", 2>;
using set_t = var_set<double, std::remove_cv_t<decltype(w)>>;

set_t make(double a, double b) {
  set_t s{};
  s[w].data = {a, b};
  return s;
}

BOOST_AUTO_TEST_CASE(sgd_plain_and_weight_decay) {
  auto p = make(1.0, -2.0);
  auto const g = make(0.5, 0.25);
  optim::sgd<set_t> opt({.lr = 0.1, .weight_decay = 0.01});
  opt.step(p, g);
  // w - lr (g + wd w)
  BOOST_TEST(p[w](0) == 1.0 - 0.1 * (0.5 + 0.01 * 1.0), tt::tolerance(1e-15));
  BOOST_TEST(p[w](1) == -2.0 - 0.1 * (0.25 + 0.01 * -2.0), tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(sgd_momentum_and_nesterov) {
  auto const g = make(1.0, -1.0);
  auto p = make(0.0, 0.0), q = make(0.0, 0.0);
  optim::sgd<set_t> heavy({.lr = 0.1, .momentum = 0.9});
  optim::sgd<set_t> nest({.lr = 0.1, .momentum = 0.9, .nesterov = true});
  heavy.step(p, g);  // v = 1, w = -0.1
  heavy.step(p, g);  // v = 1.9, w = -0.29
  nest.step(q, g);   // v = 1, w = -0.1 (1 + 0.9)
  nest.step(q, g);   // v = 1.9, w = -0.19 - 0.1 (1 + 0.9 * 1.9)
  BOOST_TEST(p[w](0) == -0.29, tt::tolerance(1e-14));
  BOOST_TEST(p[w](1) == 0.29, tt::tolerance(1e-14));
  BOOST_TEST(q[w](0) == -0.19 - 0.1 * (1 + 0.9 * 1.9), tt::tolerance(1e-14));
  BOOST_TEST(heavy.velocity()[w](0) == 1.9, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(adam_first_steps_by_hand) {
  auto p = make(1.0, 1.0);
  auto const g = make(0.2, -3.0);
  optim::adam<set_t> opt({.lr = 0.01});
  opt.step(p, g);
  // Step 1: m^ = g, v^ = g^2, so each entry moves by lr * g / (|g| + eps) ~ lr * sign(g).
  BOOST_TEST(p[w](0) == 1.0 - 0.01 * 0.2 / (0.2 + 1e-8), tt::tolerance(1e-13));
  BOOST_TEST(p[w](1) == 1.0 + 0.01 * 3.0 / (3.0 + 1e-8), tt::tolerance(1e-13));
  // Step 2 with a different gradient, computed out in full.
  auto const g2 = make(-0.1, 1.0);
  opt.step(p, g2);
  double const m = 0.9 * (0.1 * 0.2) + 0.1 * -0.1;
  double const v = 0.999 * (0.001 * 0.04) + 0.001 * 0.01;
  double const mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
  double const w0 = 1.0 - 0.01 * 0.2 / (0.2 + 1e-8);
  BOOST_TEST(p[w](0) == w0 - 0.01 * mh / (std::sqrt(vh) + 1e-8), tt::tolerance(1e-12));
  BOOST_TEST(opt.steps() == 2);
}

BOOST_AUTO_TEST_CASE(adamw_decays_the_weights_not_the_gradient) {
  auto p = make(2.0, 2.0), q = make(2.0, 2.0);
  auto const g = make(0.0, 0.0);
  auto opt = optim::adamw<set_t>({.lr = 0.1, .weight_decay = 0.5});
  opt.step(p, g);
  BOOST_TEST(p[w](0) == 2.0 * (1 - 0.1 * 0.5), tt::tolerance(1e-15));  // m = v = 0: decay only
  optim::adam<set_t> l2({.lr = 0.1, .weight_decay = 0.5});             // L2: g' = 0.5 w = 1
  l2.step(q, g);
  BOOST_TEST(q[w](0) == 2.0 - 0.1 * 1.0 / (1.0 + 1e-8), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(schedules) {
  optim::step_lr<double> s{.base = 0.1, .step_size = 10, .gamma = 0.5};
  BOOST_TEST(s(0) == 0.1);
  BOOST_TEST(s(9) == 0.1);
  BOOST_TEST(s(10) == 0.05);
  BOOST_TEST(s(25) == 0.025);
  optim::cosine_lr<double> c{.base = 0.1, .period = 100, .min = 0.001};
  BOOST_TEST(c(0) == 0.1, tt::tolerance(1e-15));
  BOOST_TEST(c(50) == 0.001 + 0.099 * 0.5, tt::tolerance(1e-12));
  BOOST_TEST(c(100) == 0.001);
  BOOST_TEST(c(500) == 0.001);
}

// Least squares y = X a + b on a fixed batch: a convex problem every optimiser must solve.
constexpr auto X = input<"X", 8, 2>;
constexpr auto Y = input<"Y", 8, 1>;
constexpr auto A = param<"A", 2, 1>;
constexpr auto b = param<"b", 1>;
constexpr auto loss = mse(dense(X, A, b), Y);

template <class Opt, class Schedule = std::nullptr_t>
double train_linear(Opt opt, int steps, Schedule schedule = nullptr) {
  auto ps = params<double>(loss);
  decltype(ps) gs{};
  tensor<double, shape<8, 2>> x{};
  tensor<double, shape<8, 1>> y{};
  for (std::size_t r = 0; r < 8; ++r) {
    x(r, 0) = static_cast<double>(r) / 4.0 - 1.0;
    x(r, 1) = std::sin(static_cast<double>(r));
    y(r, 0) = 3.0 * x(r, 0) - 2.0 * x(r, 1) + 0.5;  // exactly representable: minimum is 0
  }
  double L = 0;
  for (int i = 0; i < steps; ++i) {
    if constexpr (!std::is_null_pointer_v<Schedule>) opt.lr() = schedule(i);
    L = grad_into(loss, gs, ps, X = x, Y = y);
    opt.step(ps, gs);
  }
  BOOST_TEST(ps[A](0, 0) == 3.0, tt::tolerance(1e-3));
  BOOST_TEST(ps[A](1, 0) == -2.0, tt::tolerance(1e-3));
  BOOST_TEST(ps[b](0) == 0.5, tt::tolerance(1e-3));
  return L;
}

BOOST_AUTO_TEST_CASE(every_optimiser_solves_least_squares) {
  using S = param_set<double, std::remove_cv_t<decltype(loss)>>;
  BOOST_TEST(train_linear(optim::sgd<S>({.lr = 0.3}), 3000) < 1e-10);
  BOOST_TEST(train_linear(optim::sgd<S>({.lr = 0.1, .momentum = 0.9}), 1500) < 1e-10);
  BOOST_TEST(train_linear(optim::sgd<S>({.lr = 0.1, .momentum = 0.9, .nesterov = true}), 1500) <
             1e-10);
  // Adam at a constant rate hovers around the minimum; a cosine decay lets it settle.
  BOOST_TEST(train_linear(optim::adam<S>({.lr = 0.05}), 4000,
                          optim::cosine_lr<double>{.base = 0.05, .period = 4000}) < 1e-8);
}
