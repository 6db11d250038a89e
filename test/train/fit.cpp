// SPDX-License-Identifier: BSL-1.0
// train::fit and train::evaluate: training reaches a separable task's optimum, evaluation
// is exact over a set that does not fill its last batch, the policies (drop, fill, seed,
// non-finite loss) do what fit.hpp says, the progress report's two forms, and the epochs
// allocate nothing (a counting operator new).
#define BOOST_TEST_MODULE train.fit
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

#include "support/counting_new.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {

constexpr std::size_t B = 8;
constexpr auto X = input<"X", B, 2>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
// The same network one sample at a time, for a reference evaluation.
constexpr auto X1 = input<"X", 1, 2>;
constexpr auto Y1 = input<"Y", 1, 3>;
constexpr auto logits1 = sequential(X1, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss1 = cross_entropy(softmax(logits1), Y1);

template <class T> using params_t = param_set<T, std::remove_cv_t<decltype(loss)>>;

/// Three Gaussian blobs in the plane, n samples, one-hot targets.
template <class T> struct blobs {
  std::vector<T> x, y;
  blobs(std::size_t n, unsigned seed, double spread = 0.3) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, spread);
    double const cx[] = {0.0, 2.0, -2.0}, cy[] = {2.0, -1.0, -1.0};
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t const c = i % 3;
      x.push_back(static_cast<T>(cx[c] + noise(rng)));
      x.push_back(static_cast<T>(cy[c] + noise(rng)));
      for (std::size_t k = 0; k < 3; ++k) y.push_back(k == c ? T{1} : T{0});
    }
  }
  train::samples<T> view() const { return {x, y}; }
};

template <class T> params_t<T> initial(std::uint64_t seed = 3) {
  params_t<T> ps{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  return ps;
}

constexpr auto task = train::classifier(X, Y, loss, logits);

}  // namespace

BOOST_AUTO_TEST_CASE(trains_a_separable_task_and_reports_every_epoch) {
  blobs<float> const data(203, 1), val(61, 2);  // neither fills its last batch of 8
  auto ps = initial<float>();
  optim::adam<params_t<float>> opt({.lr = 0.02f});
  std::vector<std::size_t> seen;
  auto const h =
      train::fit(task, ps, opt, data.view(),
                 {.epochs = 15,
                  .validation = val.view(),
                  .show = train::progress::none,
                  .on_epoch = [&](train::epoch_stats const& s) { seen.push_back(s.epoch); }});
  BOOST_TEST(h.size() == 15u);
  BOOST_TEST(seen == (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
             boost::test_tools::per_element());
  BOOST_TEST(h.front().samples == 200u);  // drop: 25 batches of 8, 3 samples wait
  BOOST_TEST(h.back().loss < h.front().loss / 4);
  BOOST_TEST(h.back().accuracy > 0.97);
  BOOST_TEST(h.back().val_accuracy > 0.97);
  BOOST_TEST(h.back().seconds > 0.0);
  BOOST_TEST(h.back().samples_per_second > 0.0);
  // The last epoch's validation numbers are evaluate's, on the final parameters.
  auto const m = train::evaluate(task, ps, val.view());
  BOOST_TEST(m.samples == 61u);
  BOOST_TEST(m.loss == h.back().val_loss, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(m.accuracy == h.back().val_accuracy);
}

BOOST_AUTO_TEST_CASE(evaluate_is_exact_over_a_partial_last_batch) {
  // 45 = 5 * 8 + 5: a padded last batch. Reference: one sample at a time, at batch 1.
  blobs<double> const data(45, 4, 1.5);  // overlapping blobs: some wrong answers
  auto const ps = initial<double>(9);
  double sum = 0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < 45; ++i) {
    tensor<double, shape<1, 2>> x{};
    tensor<double, shape<1, 3>> y{};
    std::copy_n(data.x.begin() + static_cast<long>(2 * i), 2, x.data.begin());
    std::copy_n(data.y.begin() + static_cast<long>(3 * i), 3, y.data.begin());
    sum += eval(loss1, ps, X1 = x, Y1 = y);
    auto const out = eval(logits1, ps, X1 = x);
    std::size_t best = 0;
    for (std::size_t c = 1; c < 3; ++c)
      if (out(0, c) > out(0, best)) best = c;
    correct += y(0, best) == 1.0;
  }
  auto const m = train::evaluate(train::classifier(X, Y, loss, logits), ps, data.view());
  BOOST_TEST(m.samples == 45u);
  BOOST_TEST(m.loss == sum / 45, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(m.accuracy == static_cast<double>(correct) / 45);
  BOOST_TEST(correct < 45u);  // the task is not trivially right
  BOOST_TEST(correct > 10u);
}

BOOST_AUTO_TEST_CASE(fill_uses_every_sample_and_pads_a_short_set) {
  blobs<float> const data(203, 1), tiny(5, 6);
  auto ps = initial<float>();
  optim::sgd<params_t<float>> opt({.lr = 0.1f});
  auto const h =
      train::fit(task, ps, opt, data.view(),
                 {.epochs = 2, .last = train::last_batch::fill, .show = train::progress::none});
  BOOST_TEST(h.front().samples == 208u);  // 26 batches, 5 samples twice
  auto const h2 =
      train::fit(task, ps, opt, tiny.view(),
                 {.epochs = 1, .last = train::last_batch::fill, .show = train::progress::none});
  BOOST_TEST(h2.front().samples == 8u);
  // With drop, a set smaller than one batch is an error that says so.
  try {
    train::fit(task, ps, opt, tiny.view(), {.show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (std::invalid_argument const& e) {
    BOOST_TEST(std::string(e.what()).find("5 training samples do not fill one batch of 8") !=
               std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_seed_reproduces_a_run_and_another_seed_differs) {
  blobs<float> const data(96, 1);
  auto run = [&](std::uint64_t seed) {
    auto ps = initial<float>();
    optim::sgd<params_t<float>> opt({.lr = 0.05f});
    train::fit(task, ps, opt, data.view(),
               {.epochs = 2, .seed = seed, .show = train::progress::none});
    return ps;
  };
  auto const a = run(11), b = run(11), c = run(12);
  BOOST_TEST((a == b));
  BOOST_TEST(!(a == c));
}

BOOST_AUTO_TEST_CASE(data_that_do_not_fit_the_network_are_named) {
  auto ps = initial<float>();
  optim::sgd<params_t<float>> opt({.lr = 0.1f});
  std::vector<float> x(21), y(30);  // 10.5 rows of 2 inputs
  try {
    train::fit(task, ps, opt, train::samples<float>{x, y}, {.show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (std::invalid_argument const& e) {
    BOOST_TEST(std::string(e.what()) ==
               "ctgrad::train: fit, training data: x has 21 values and y 30; the network wants "
               "rows of 2 inputs and 3 targets");
  }
}

namespace {
// SGD that remembers the parameters after its last step.
struct remembering_sgd {
  optim::sgd<params_t<float>> inner{{.lr = 0.05f}};
  params_t<float> last{};
  std::size_t steps = 0;
  void step(params_t<float>& ps, params_t<float> const& gs) {
    inner.step(ps, gs);
    last = ps;
    ++steps;
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_non_finite_loss_stops_before_its_step) {
  blobs<float> data(96, 1);
  data.x[2 * 50] = std::numeric_limits<float>::quiet_NaN();  // sample 50
  auto ps = initial<float>();
  remembering_sgd opt;
  try {
    train::fit(task, ps, opt, data.view(), {.epochs = 3, .show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (std::runtime_error const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.find("the loss is nan at epoch 1, batch ") != std::string::npos, what);
  }
  BOOST_TEST(opt.steps < 12u);  // stopped in the first epoch
  if (opt.steps > 0)
    BOOST_TEST((ps == opt.last));  // nothing after the last finite step
  else
    BOOST_TEST((ps == initial<float>()));
  train::each([](float v) { BOOST_TEST(std::isfinite(v)); }, ps);
}

BOOST_AUTO_TEST_CASE(a_regressor_fits_a_line) {
  constexpr auto Xr = input<"X", 4, 1>;
  constexpr auto Yr = input<"Y", 4, 1>;
  constexpr auto w = param<"w", 1, 1>;
  constexpr auto b = param<"b", 1>;
  constexpr auto lossr = mse(dense(Xr, w, b), Yr);
  std::vector<double> x, y;
  for (int i = 0; i < 30; ++i) {
    x.push_back(i / 10.0);
    y.push_back(2.0 * (i / 10.0) + 1.0);
  }
  param_set<double, std::remove_cv_t<decltype(lossr)>> ps{};
  optim::adam<decltype(ps)> opt({.lr = 0.05});
  auto const h =
      train::fit(train::regressor(Xr, Yr, lossr), ps, opt, train::samples<double>{x, y},
                 {.epochs = 300, .last = train::last_batch::fill, .show = train::progress::none});
  BOOST_TEST(std::isnan(h.back().accuracy));
  BOOST_TEST(h.back().loss < 1e-6);
  BOOST_TEST(ps[w](0, 0) == 2.0, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(ps[b](0) == 1.0, boost::test_tools::tolerance(1e-3));
}

BOOST_AUTO_TEST_CASE(epochs_allocate_nothing) {
  // fit allocates its buffers once: 1 epoch and 5 epochs (with validation) allocate alike.
  blobs<float> const data(203, 1), val(61, 2);
  auto count = [&](std::size_t epochs) {
    auto ps = std::make_unique<params_t<float>>(initial<float>());
    auto opt =
        std::make_unique<optim::adam<params_t<float>>>(optim::adam_options<float>{.lr = 0.01f});
    train::fit_options<float> const o{
        .epochs = epochs, .validation = val.view(), .show = train::progress::none};
    std::size_t const before = test::allocations();
    train::fit(task, *ps, *opt, data.view(), o);
    return test::allocations() - before;
  };
  std::size_t const one = count(1), five = count(5);
  BOOST_TEST_MESSAGE("allocations in fit: " << one << " (1 epoch), " << five << " (5 epochs)");
  BOOST_TEST(one == five);
  BOOST_TEST(one < 10u);
}

namespace {
std::string run_with(train::progress mode) {
  blobs<float> const data(64, 1), val(16, 2);
  auto ps = initial<float>();
  optim::sgd<params_t<float>> opt({.lr = 0.05f});
  std::FILE* f = std::tmpfile();
  train::fit(task, ps, opt, data.view(),
             {.epochs = 2, .validation = val.view(), .show = mode, .out = f});
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  std::fclose(f);
  return text;
}
}  // namespace

BOOST_AUTO_TEST_CASE(progress_lines_off_a_terminal_and_a_bar_on_request) {
  std::string const lines = run_with(train::progress::automatic);  // a file: no terminal
  BOOST_TEST(lines.find('\r') == std::string::npos);
  BOOST_TEST(std::count(lines.begin(), lines.end(), '\n') == 2);
  BOOST_TEST(lines.rfind("epoch  1/2  loss ", 0) == 0u, lines);
  BOOST_TEST(lines.find("val acc ") != std::string::npos);
  BOOST_TEST(lines.find("samples/s\nepoch  2/2  loss ") != std::string::npos, lines);
  std::string const bar = run_with(train::progress::bar);
  BOOST_TEST(bar.find("\repoch  1/2 [####################]     8/8  loss ") != std::string::npos,
             bar);
  BOOST_TEST(run_with(train::progress::none).empty());
}

BOOST_AUTO_TEST_CASE(grad_into_captures_a_node_of_its_forward_pass) {
  blobs<double> const data(8, 5);
  auto const ps = initial<double>(7);
  tensor<double, shape<B, 2>> x{};
  tensor<double, shape<B, 3>> y{}, out{};
  std::copy(data.x.begin(), data.x.end(), x.data.begin());
  std::copy(data.y.begin(), data.y.end(), y.data.begin());
  params_t<double> g1{}, g2{};
  double const L1 = grad_into(loss, g1, ps, X = x, Y = y);
  double const L2 = grad_into(loss, g2, capture(logits, out), ps, X = x, Y = y);
  BOOST_TEST(L1 == L2);
  BOOST_TEST((g1 == g2));
  auto const expected = eval(logits, ps, X = x);
  BOOST_TEST(out.data == expected.data, boost::test_tools::per_element());
}
