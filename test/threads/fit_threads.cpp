// SPDX-License-Identifier: BSL-1.0
// train::fit with fit_options::threads: 1 (sharded), 2 and 3 threads give bit-identical
// parameters and histories after 48 Adam steps, equal to the one-piece fit to rounding; with
// dropout too; batch norm is refused with a clear error. Run under ThreadSanitizer in CI
// (CTGRAD_SANITIZE=thread); no heap per step: train/parallel_heap.cpp.
#define BOOST_TEST_MODULE threads.fit_threads
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/optim/adam.hpp>
#include <ctgrad/train/fit.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {
constexpr std::size_t B = 12;
constexpr auto X = input<"X", B, 2>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
constexpr auto task = train::classifier(X, Y, loss, logits);
constexpr auto dlogits =
    sequential(X, layer::dense<16>, layer::relu, layer::dropout<1, 4>, layer::dense<3>);
constexpr auto dloss = cross_entropy(softmax(dlogits), Y);
constexpr auto dtask = train::classifier(X, Y, dloss, dlogits);

template <class T> struct blobs {
  std::vector<T> x, y;
  blobs(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.8);
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

template <class Set> bool same_bits(Set a, Set b) {
  bool same = true;
  train::each([&](auto u, auto v) { same = same && std::memcmp(&u, &v, sizeof u) == 0; }, a, b);
  return same;
}

template <class Set> double max_relative(Set a, Set b) {
  double worst = 0;
  train::each(
      [&](auto u, auto v) {
        double const du = u, dv = v;
        worst = std::max(worst, std::abs(du - dv) / std::max(1e-30, std::abs(du) + std::abs(dv)));
      },
      a, b);
  return worst;
}

// 203 samples: 16 batches of 12 per epoch, 3 epochs, 48 Adam steps.
template <class T, class Task, class Loss>
auto run(Task const& t, Loss, std::size_t threads, bool sharded,
         std::vector<train::epoch_stats>* history = nullptr) {
  blobs<T> const data(203, 1);
  param_set<T, Loss> ps{};
  init::apply(ps, 5, init::xavier_normal_rule{});
  optim::adam<param_set<T, Loss>> opt({.lr = T(0.01)});
  auto h = train::fit(
      t, ps, opt, data.view(),
      {.epochs = 3, .show = train::progress::none, .threads = threads, .sharded = sharded});
  if (history) *history = h;
  return ps;
}
}  // namespace

BOOST_AUTO_TEST_CASE(one_two_and_three_threads_give_the_same_bits) {
  std::vector<train::epoch_stats> h1, h2, h3;
  auto const one = run<double>(task, loss, 1, true, &h1);
  auto const two = run<double>(task, loss, 2, false, &h2);
  auto const three = run<double>(task, loss, 3, false, &h3);
  BOOST_TEST(same_bits(one, two));
  BOOST_TEST(same_bits(one, three));
  for (std::size_t e = 0; e < 3; ++e) {
    BOOST_TEST(h1[e].loss == h2[e].loss);
    BOOST_TEST(h1[e].loss == h3[e].loss);
    BOOST_TEST(h1[e].accuracy == h3[e].accuracy);
  }
  // The one-piece fit sums over the batch in another grouping: the same run to rounding.
  std::vector<train::epoch_stats> hp;
  auto const plain = run<double>(task, loss, 1, false, &hp);
  double const rel = max_relative(one, plain);
  BOOST_TEST_MESSAGE(
      "double, 48 Adam steps: sharded vs one-piece parameters, max relative "
      "difference "
      << rel);
  BOOST_TEST(rel < 1e-12);
  BOOST_TEST(!same_bits(one, plain));  // the shards really ran
  BOOST_TEST(h1[2].loss == hp[2].loss, boost::test_tools::tolerance(1e-10));
  BOOST_TEST(h1[2].accuracy == hp[2].accuracy);
}

BOOST_AUTO_TEST_CASE(float_too) {
  auto const one = run<float>(task, loss, 1, true);
  auto const two = run<float>(task, loss, 2, false);
  BOOST_TEST(same_bits(one, two));
  double const rel = max_relative(one, run<float>(task, loss, 1, false));
  BOOST_TEST_MESSAGE(
      "float, 48 Adam steps: sharded vs one-piece parameters, max relative "
      "difference "
      << rel);
  BOOST_TEST(rel < 1e-5);
}

BOOST_AUTO_TEST_CASE(dropout_masks_do_not_depend_on_the_threads) {
  auto const one = run<double>(dtask, dloss, 1, true);
  auto const three = run<double>(dtask, dloss, 3, false);
  BOOST_TEST(same_bits(one, three));
}

BOOST_AUTO_TEST_CASE(batch_norm_is_refused) {
  constexpr auto blogits =
      sequential(X, layer::dense<8>, layer::batch_norm, layer::relu, layer::dense<3>);
  constexpr auto bloss = cross_entropy(softmax(blogits), Y);
  blobs<float> const data(48, 3);
  param_set<float, decltype(bloss)> ps{};
  init::apply(ps, 5, init::xavier_normal_rule{});
  optim::adam<param_set<float, decltype(bloss)>> opt({.lr = 0.01f});
  std::string message;
  try {
    train::fit(train::classifier(X, Y, bloss, blogits), ps, opt, data.view(),
               {.show = train::progress::none, .threads = 2});
  } catch (std::invalid_argument const& e) {
    message = e.what();
  }
  BOOST_TEST_MESSAGE(message);
  BOOST_TEST(message.find("ctgrad::train::fit: threads = 2") == 0u);
  BOOST_TEST(message.find("batch norm") != std::string::npos);
  // One thread trains it as before.
  auto const h = train::fit(train::classifier(X, Y, bloss, blogits), ps, opt, data.view(),
                            {.show = train::progress::none});
  BOOST_TEST(h.size() == 1u);
}
