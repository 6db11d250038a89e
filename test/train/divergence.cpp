// SPDX-License-Identifier: BSL-1.0
// train::fit stops a diverging run (fit_options::divergence_factor) before the loss
// overflows, names the epoch, the batch and the learning rate, and leaves a converging run
// alone. The net: a line fitted by SGD. For mse(x w + b, y) the step w -= lr dL/dw
// multiplies w's error by (1 - 2 lr mean(x^2)) per step, so with lr far above
// 1 / mean(x^2) the loss grows by about (2 lr mean(x^2))^2 per step: it diverges for
// certain, and a hundred steps later it is infinite.
#define BOOST_TEST_MODULE train.divergence
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {

constexpr auto X = input<"X", 4, 1>;
constexpr auto Y = input<"Y", 4, 1>;
constexpr auto w = param<"w", 1, 1>;
constexpr auto b = param<"b", 1>;
constexpr auto loss = mse(dense(X, w, b), Y);
using params_t = param_set<double, std::remove_cv_t<decltype(loss)>>;

// y = 2x + 1 on x in [0, 3): mean(x^2) is about 3.
struct line {
  std::vector<double> x, y;
  line() {
    for (int i = 0; i < 32; ++i) {
      x.push_back(i / 10.0);
      y.push_back(2.0 * (i / 10.0) + 1.0);
    }
  }
  train::samples<double> view() const { return {x, y}; }
};

// sgd that counts its steps and remembers the loss-free state it last wrote.
struct counting_sgd {
  optim::sgd<params_t> inner;
  std::size_t steps = 0;
  params_t last{};
  double& lr() { return inner.lr(); }
  void step(params_t& ps, params_t const& gs) {
    inner.step(ps, gs);
    last = ps;
    ++steps;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_diverging_loss_is_stopped_early_with_advice) {
  line const data;
  params_t ps{};
  counting_sgd opt{optim::sgd<params_t>({.lr = 10.0})};
  std::string what;
  try {
    train::fit(train::regressor(X, Y, loss), ps, opt, data.view(),
               {.epochs = 50, .show = train::progress::none});
    BOOST_FAIL("a learning rate of 10 did not stop fit");
  } catch (train::diverged const& e) {
    what = e.what();
  }
  BOOST_TEST_MESSAGE(what);
  // Within the first epoch (8 batches of 4), long before the loss overflows (it reaches
  // infinity in about 100 steps without the test: see the next case).
  BOOST_TEST(opt.steps < 8u);
  BOOST_TEST(what.find("the training loss diverged at epoch 1, batch ") != std::string::npos, what);
  BOOST_TEST(what.find("learning rate too high? it is 10: try 1 or 0.1") != std::string::npos,
             what);
  // Stopped before the batch's step, with finite parameters.
  BOOST_TEST(opt.steps > 0u);
  BOOST_TEST((ps == opt.last));
  train::each([](double v) { BOOST_TEST(std::isfinite(v)); }, ps);
}

BOOST_AUTO_TEST_CASE(without_the_test_the_same_run_ends_only_at_a_non_finite_loss) {
  line const data;
  params_t ps{};
  counting_sgd opt{optim::sgd<params_t>({.lr = 10.0})};
  try {
    train::fit(train::regressor(X, Y, loss), ps, opt, data.view(),
               {.epochs = 50, .show = train::progress::none, .divergence_factor = 0});
    BOOST_FAIL("no exception");
  } catch (train::diverged const&) {
    BOOST_FAIL("divergence_factor = 0 still tested");
  } catch (std::runtime_error const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.find("ctgrad::train::fit: the loss is ") != std::string::npos, what);
  }
  BOOST_TEST(opt.steps > 20u);  // the divergence test stopped the same run within 8
}

BOOST_AUTO_TEST_CASE(a_converging_run_is_not_stopped) {
  // lr 0.05: the factor (1 - 2 lr mean(x^2)) is below 1 in magnitude; the loss falls.
  line const data;
  params_t ps{};
  counting_sgd opt{optim::sgd<params_t>({.lr = 0.05})};
  auto const h = train::fit(train::regressor(X, Y, loss), ps, opt, data.view(),
                            {.epochs = 200, .show = train::progress::none});
  BOOST_TEST(h.size() == 200u);
  BOOST_TEST(h.back().loss < 1e-4);
}

BOOST_AUTO_TEST_CASE(an_optimiser_without_a_learning_rate_gets_general_advice) {
  struct plain_step {
    void step(params_t& ps, params_t const& gs) {
      ps[w](0, 0) -= 10.0 * gs[w](0, 0);
      ps[b](0) -= 10.0 * gs[b](0);
    }
  };
  line const data;
  params_t ps{};
  plain_step opt;
  try {
    train::fit(train::regressor(X, Y, loss), ps, opt, data.view(),
               {.epochs = 5, .show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (train::diverged const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.find("learning rate too high? try a smaller one") != std::string::npos, what);
  }
}
