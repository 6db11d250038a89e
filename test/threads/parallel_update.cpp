// SPDX-License-Identifier: BSL-1.0
// train::parallel_update: the optimiser's step split over 1, 2, 3 and 5 threads by ranges of
// entries gives the same bits as opt.step on one thread, for SGD (plain, momentum with weight
// decay, Nesterov), Adam and AdamW, over several steps, on a set with buffers (batch norm's
// running statistics), which no thread changes; sharded_gradient's finiteness test (done in
// its reduction, for train::fit) agrees with check::all_finite. Run under ThreadSanitizer in
// CI (CTGRAD_SANITIZE=thread).
#define BOOST_TEST_MODULE threads.parallel_update
#include <boost/test/unit_test.hpp>

#include <ctgrad/check/finite.hpp>
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/optim/adam.hpp>
#include <ctgrad/optim/sgd.hpp>
#include <ctgrad/train/parallel.hpp>

#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

using namespace ctgrad;

namespace {
constexpr std::size_t B = 8;
constexpr auto X = input<"X", B, 5>;
constexpr auto Y = input<"Y", B, 3>;
// 5*37+37 + 2*37 (batch norm) + 37*3+3 entries: ranges cut inside tensors, and buffers.
constexpr auto normed = cross_entropy(
    softmax(sequential(X, layer::dense<37>, layer::batch_norm, layer::relu, layer::dense<3>)), Y);
constexpr auto plain =
    cross_entropy(softmax(sequential(X, layer::dense<37>, layer::tanh, layer::dense<3>)), Y);
using set_t = param_set<double, decltype(normed)>;

template <class Set> bool same_bits(Set const& a, Set const& b) {
  bool same = true;
  auto ca = a;
  auto cb = b;
  train::each([&](double u, double v) { same = same && std::memcmp(&u, &v, sizeof u) == 0; }, ca,
              cb);
  return same;
}

// A gradient set of random entries for step s.
set_t gradient(std::uint64_t s) {
  set_t g{};
  init::rng r(100 + s);
  g.for_each([&](auto, auto& t) { init::normal(t, r, 0.0, 1.0); });
  return g;
}

// Four steps of an optimiser made by make(): opt.step on one thread against parallel_update
// on pools of 1, 2, 3 and 5 threads, from the same parameters.
template <class Make> void check_same_bits(Make make, char const* name) {
  set_t start{};
  init::rng r(7);
  start.for_each([&](auto, auto& t) { init::normal(t, r, 0.0, 1.0); });
  auto serial = std::make_unique<set_t>(start);
  auto opt = make();
  for (std::uint64_t s = 0; s < 4; ++s) opt.step(*serial, gradient(s));
  BOOST_TEST(!same_bits(*serial, start), name << ": the steps changed the parameters");
  for (std::size_t threads : {1u, 2u, 3u, 5u}) {
    train::thread_pool pool(threads);
    auto params = std::make_unique<set_t>(start);
    auto o = make();
    for (std::uint64_t s = 0; s < 4; ++s) {
      auto const g = gradient(s);
      train::parallel_update(pool, o, *params, g);
    }
    BOOST_TEST(same_bits(*serial, *params), name << ", threads " << threads);
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_set_has_buffers_and_ranges_cut_tensors) {
  static_assert(set_t::size == 8 && set_t::scalar_count == 5 * 37 + 37 + 4 * 37 + 37 * 3 + 3);
}

BOOST_AUTO_TEST_CASE(sgd_split_over_threads_gives_the_bits_of_one_step) {
  check_same_bits([] { return optim::sgd<set_t>({.lr = 0.1}); }, "sgd");
  check_same_bits(
      [] { return optim::sgd<set_t>({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01}); },
      "sgd momentum");
  check_same_bits([] { return optim::sgd<set_t>({.lr = 0.1, .momentum = 0.9, .nesterov = true}); },
                  "sgd nesterov");
}

BOOST_AUTO_TEST_CASE(adam_split_over_threads_gives_the_bits_of_one_step) {
  check_same_bits([] { return optim::adam<set_t>({.lr = 0.01, .weight_decay = 0.1}); }, "adam");
  check_same_bits([] { return optim::adamw<set_t>({.lr = 0.01}); }, "adamw");
}

BOOST_AUTO_TEST_CASE(buffers_are_left_alone) {
  set_t start{};
  init::rng r(3);
  start.for_each([&](auto, auto& t) { init::normal(t, r, 0.0, 1.0); });
  auto params = std::make_unique<set_t>(start);
  optim::sgd<set_t> opt({.lr = 0.5, .weight_decay = 0.5});
  train::thread_pool pool(3);
  train::parallel_update(pool, opt, *params, gradient(0));
  std::size_t buffers = 0, changed = 0;
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    auto one = [&](auto index) {
      constexpr std::size_t pos = decltype(index)::value;
      using var = ctgrad::detail::at_t<pos, set_t::variables>;
      bool const same = params->template get<pos>().data == start.template get<pos>().data;
      if constexpr (is_buffer_v<var>) {
        ++buffers;
        BOOST_TEST(same, "buffer " << pos << " unchanged");
      } else {
        changed += same ? 0 : 1;
      }
    };
    (one(std::integral_constant<std::size_t, Is>{}), ...);
  }
  (std::make_index_sequence<set_t::size>{});
  BOOST_TEST(buffers == 2u);
  BOOST_TEST(changed == 6u);
}

BOOST_AUTO_TEST_CASE(the_reductions_finiteness_test_agrees_with_all_finite) {
  using pset = param_set<double, decltype(plain)>;
  auto params = std::make_unique<pset>();
  init::apply(*params, 2, init::xavier_normal_rule{});
  tensor<double, shape<B, 5>> x{};
  tensor<double, shape<B, 3>> y{};
  init::rng r(5);
  init::normal(x, r, 0.0, 1.0);
  for (std::size_t i = 0; i < B; ++i) y(i, i % 3) = 1.0;
  using sharded = train::sharded_gradient<double, decltype(plain), 4>;
  static_assert(std::is_nothrow_move_constructible_v<sharded>, "the flag lives on the heap");
  auto sg = std::make_unique<sharded>();
  for (std::size_t threads : {1u, 2u, 3u}) {
    train::thread_pool pool(threads);
    pset g{};
    sg->gradient(pool, g, *params, X = x, Y = y);
    BOOST_TEST(sg->gradient_finite());
    BOOST_TEST(check::all_finite(g));
    // A NaN in the last row reaches the gradients of every weight through that row's shard.
    x(B - 1, 4) = std::numeric_limits<double>::quiet_NaN();
    sg->gradient(pool, g, *params, X = x, Y = y);
    BOOST_TEST(!sg->gradient_finite(), "threads " << threads);
    BOOST_TEST(!check::all_finite(g));
    x(B - 1, 4) = 0.5;
  }
}
