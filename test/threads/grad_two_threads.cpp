// SPDX-License-Identifier: BSL-1.0
// grad and grad_into on the same network type from two threads at once, each with its own
// parameter set, inputs and gradient set, give exactly the serial results: nothing in the
// evaluation is shared between calls (workspaces live on each call's stack). Run under
// ThreadSanitizer in CI (CTGRAD_SANITIZE=thread), which fails the test on any data race.
#define BOOST_TEST_MODULE threads.grad_two_threads
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>

#include <atomic>
#include <cstddef>
#include <thread>

using namespace ctgrad;

namespace {
constexpr auto X = input<"X", 8, 4>;
constexpr auto Y = input<"Y", 8, 3>;
constexpr auto loss =
    cross_entropy(softmax(sequential(X, layer::dense<16>, layer::tanh, layer::dense<16>,
                                     layer::relu, layer::dense<3>)),
                  Y);
using params_t = param_set<double, decltype(loss)>;
using x_t = tensor<double, shape<8, 4>>;
using y_t = tensor<double, shape<8, 3>>;

struct job {
  params_t params{};
  x_t x{};
  y_t y{};
  params_t expected{};  // serial gradient
  double expected_loss = 0;
  int mismatches = 0;
};

// Inputs and one-hot targets from a seed; parameters by init::apply from the same seed.
job make_job(std::uint64_t seed) {
  job j;
  init::apply(j.params, seed, init::xavier_normal_rule{});
  init::rng r(seed + 100);
  init::normal(j.x, r, 0.0, 1.0);
  for (std::size_t i = 0; i < 8; ++i) j.y(i, (i + seed) % 3) = 1.0;
  j.expected_loss = grad_into(loss, j.expected, j.params, X = j.x, Y = j.y);
  return j;
}

// Many gradients of j's network, alternating grad and grad_into, each compared exactly with
// the serial one.
void run(job& j, std::atomic<int>& ready, int repeats) {
  ready.fetch_add(1);
  while (ready.load() < 2) {
  }
  params_t g{};
  for (int k = 0; k < repeats; ++k) {
    bool same_loss = true;
    if (k % 2 == 0) {
      g = grad(loss, j.params, X = j.x, Y = j.y);
    } else {
      same_loss = grad_into(loss, g, j.params, X = j.x, Y = j.y) == j.expected_loss;
    }
    if (!(g == j.expected) || !same_loss) ++j.mismatches;
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(two_threads_match_serial) {
  job a = make_job(1);
  job b = make_job(2);
  // The two jobs differ, so a result computed from the other thread's data would show.
  BOOST_TEST(!(a.expected == b.expected));
  BOOST_TEST(a.expected_loss != b.expected_loss);

  std::atomic<int> ready{0};
  constexpr int repeats = 200;
  std::thread ta([&] { run(a, ready, repeats); });
  std::thread tb([&] { run(b, ready, repeats); });
  ta.join();
  tb.join();
  BOOST_TEST(a.mismatches == 0);
  BOOST_TEST(b.mismatches == 0);
}
