// SPDX-License-Identifier: BSL-1.0
// train::parallel_grad_into: the gradient of a batch in fixed shards on a thread pool gives
// the same bits for 1, 2, 3 and 5 threads, equals the unsharded grad_into to rounding and
// central differences to their truncation error, keeps dropout
// deterministic with a different mask per shard; rows filled in place (input_rows,
// gradient_in_place) give the bits of a bound batch; the pool rethrows a thread's exception.
// Run under ThreadSanitizer in CI (CTGRAD_SANITIZE=thread); no heap per call:
// train/parallel_heap.cpp (TSan has its own operator new).
#define BOOST_TEST_MODULE threads.parallel_grad
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/train/parallel.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

using namespace ctgrad;

namespace {
constexpr std::size_t B = 12;
constexpr auto X = input<"X", B, 5>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto loss =
    cross_entropy(softmax(sequential(X, layer::dense<16>, layer::tanh, layer::dense<8>, layer::relu,
                                     layer::dense<3>)),
                  Y);
constexpr auto dropped = cross_entropy(
    softmax(sequential(X, layer::dense<16>, layer::tanh, layer::dropout<1, 2>, layer::dense<3>)),
    Y);
using params_t = param_set<double, decltype(loss)>;
using x_t = tensor<double, shape<B, 5>>;
using y_t = tensor<double, shape<B, 3>>;

struct problem {
  params_t params{};
  x_t x{};
  y_t y{};
  explicit problem(std::uint64_t seed) {
    init::apply(params, seed, init::xavier_normal_rule{});
    init::rng r(seed + 7);
    init::normal(x, r, 0.0, 1.0);
    for (std::size_t i = 0; i < B; ++i) y(i, (i * 5 + seed) % 3) = 1.0;
  }
};

template <class Set> bool same_bits(Set const& a, Set const& b) {
  bool same = true;
  auto ca = a;
  auto cb = b;
  train::each([&](double u, double v) { same = same && std::memcmp(&u, &v, sizeof u) == 0; }, ca,
              cb);
  return same;
}

template <class Set> double max_relative(Set const& a, Set const& b) {
  double worst = 0;
  auto ca = a;
  auto cb = b;
  train::each(
      [&](double u, double v) {
        worst = std::max(worst, std::abs(u - v) / std::max(1e-300, std::abs(u) + std::abs(v)));
      },
      ca, cb);
  return worst;
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_shards_are_fixed_by_the_batch) {
  static_assert(train::default_shards(32) == 2 && train::default_shards(12) == 2 &&
                train::default_shards(9) == 3 && train::default_shards(15) == 3 &&
                train::default_shards(7) == 1 && train::default_shards(1) == 1);
  using sg = train::sharded_gradient<double, decltype(loss), 4>;
  static_assert(sg::batch == 12 && sg::shards == 4 && sg::rows == 3);
}

BOOST_AUTO_TEST_CASE(any_thread_count_gives_the_same_bits) {
  problem const p(3);
  auto sg = std::make_unique<train::sharded_gradient<double, decltype(loss), 4>>();
  params_t first{};
  double first_loss = 0;
  for (std::size_t threads : {1u, 2u, 3u, 5u}) {
    train::thread_pool pool(threads);
    params_t g{};
    double const l = train::parallel_grad_into(pool, *sg, loss, g, p.params, X = p.x, Y = p.y);
    if (threads == 1) {
      first = g;
      first_loss = l;
    } else {
      BOOST_TEST(same_bits(first, g), "threads " << threads);
      BOOST_TEST(std::memcmp(&l, &first_loss, sizeof l) == 0);
    }
  }
  // Against the unsharded gradient: the same sums, grouped differently.
  params_t plain{};
  double const plain_loss = grad_into(loss, plain, p.params, X = p.x, Y = p.y);
  double const rel = max_relative(first, plain);
  BOOST_TEST_MESSAGE("sharded vs unsharded gradient: max relative difference " << rel);
  BOOST_TEST(rel < 1e-13);
  BOOST_TEST(first_loss == plain_loss, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(rows_filled_in_place_give_the_bits_of_a_bound_batch) {
  problem const p(4);
  auto sg = std::make_unique<train::sharded_gradient<double, decltype(loss), 3>>();
  params_t bound{};
  train::thread_pool one(1);
  double const bound_loss = sg->gradient(one, bound, p.params, X = p.x, Y = p.y);
  for (std::size_t threads : {1u, 2u, 3u}) {
    train::thread_pool pool(threads);
    auto fresh = std::make_unique<train::sharded_gradient<double, decltype(loss), 3>>();
    for (std::size_t sh = 0; sh < 3; ++sh) {
      auto& xs = fresh->input_rows(sh, X);
      auto& ys = fresh->input_rows(sh, Y);
      static_assert(std::remove_reference_t<decltype(xs)>::size == 4 * 5);
      std::copy_n(p.x.data.begin() + long(sh * xs.size), xs.size, xs.data.begin());
      std::copy_n(p.y.data.begin() + long(sh * ys.size), ys.size, ys.data.begin());
    }
    params_t g{};
    double const l = fresh->gradient_in_place(pool, g, p.params);
    BOOST_TEST(same_bits(bound, g), "threads " << threads);
    BOOST_TEST(std::memcmp(&l, &bound_loss, sizeof l) == 0);
  }
}

BOOST_AUTO_TEST_CASE(matches_central_differences) {
  // An independent reference: (L(w + h) - L(w - h)) / 2h for every entry of W1 and b3.
  problem p(5);
  train::thread_pool pool(2);
  auto sg = std::make_unique<train::sharded_gradient<double, decltype(loss), 3>>();
  params_t g{};
  train::parallel_grad_into(pool, *sg, loss, g, p.params, X = p.x, Y = p.y);
  double worst = 0;
  auto check = [&](auto var) {
    auto& w = p.params[var];
    for (std::size_t i = 0; i < w.size; ++i) {
      double const keep = w.data[i], h = 1e-5;
      w.data[i] = keep + h;
      double const up = eval(loss, p.params, X = p.x, Y = p.y);
      w.data[i] = keep - h;
      double const down = eval(loss, p.params, X = p.x, Y = p.y);
      w.data[i] = keep;
      double const numeric = (up - down) / (2 * h), analytic = g[var].data[i];
      worst = std::max(worst, std::abs(numeric - analytic) /
                                  std::max(1e-12, std::abs(numeric) + std::abs(analytic)));
    }
  };
  check(param<"W1", 5, 16>);
  check(param<"b3", 3>);
  BOOST_TEST_MESSAGE("sharded gradient vs central differences: max relative error " << worst);
  BOOST_TEST(worst < 1e-7);
}

BOOST_AUTO_TEST_CASE(dropout_is_deterministic_with_a_mask_per_shard) {
  using dparams_t = param_set<double, decltype(dropped)>;
  dparams_t ps{};
  init::apply(ps, 11, init::xavier_normal_rule{});
  problem const p(6);
  auto sg = std::make_unique<train::sharded_gradient<double, decltype(dropped), 4>>();
  dparams_t one{}, three{};
  train::thread_pool pool1(1), pool3(3);
  double const l1 = train::parallel_grad_into(pool1, *sg, dropped, one, ps, X = p.x, Y = p.y,
                                              dropout_seed = 17.0);
  double const l3 = train::parallel_grad_into(pool3, *sg, dropped, three, ps, X = p.x, Y = p.y,
                                              dropout_seed = 17.0);
  BOOST_TEST(same_bits(one, three));
  BOOST_TEST(l1 == l3);
  // Shard k uses seed 17 * 4 + k: the reference is the shard's net evaluated with that seed.
  constexpr auto X3 = input<"X", 3, 5>;
  constexpr auto Y3 = input<"Y", 3, 3>;
  constexpr auto shard = cross_entropy(
      softmax(sequential(X3, layer::dense<16>, layer::tanh, layer::dropout<1, 2>, layer::dense<3>)),
      Y3);
  double sum = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    tensor<double, shape<3, 5>> xs{};
    tensor<double, shape<3, 3>> ys{};
    std::copy_n(p.x.data.data() + 15 * k, 15, xs.data.data());
    std::copy_n(p.y.data.data() + 9 * k, 9, ys.data.data());
    sum += eval(shard, ps, X3 = xs, Y3 = ys, dropout_seed = static_cast<double>(17 * 4 + k));
  }
  BOOST_TEST(l1 == sum / 4, boost::test_tools::tolerance(1e-14));
  // Evaluation (a negative seed) drops nothing: the loss is the net's without dropout.
  dparams_t g{};
  double const kept =
      train::parallel_grad_into(pool3, *sg, dropped, g, ps, X = p.x, Y = p.y, dropout_seed = -1.0);
  BOOST_TEST(kept == eval(dropped, ps, X = p.x, Y = p.y, dropout_seed = -1.0),
             boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(the_pool_rethrows_and_keeps_working) {
  train::thread_pool pool(3);
  BOOST_CHECK_THROW(pool.run([](std::size_t thread, std::size_t) {
    if (thread == 2) throw std::runtime_error("thread 2");
  }),
                    std::runtime_error);
  std::size_t seen[3] = {};
  pool.run([&](std::size_t thread, std::size_t threads) { seen[thread] = threads; });
  BOOST_TEST(seen[0] == 3u);
  BOOST_TEST(seen[1] == 3u);
  BOOST_TEST(seen[2] == 3u);
}
