// SPDX-License-Identifier: BSL-1.0
// rebatch<B>(e): the net written once at batch 32 gives, at batch 1 and 5, the same types as
// the net written out again at that batch (losses' 1/n included), shares its parameter set,
// and computes the same rows and the same gradients (the batch gradient of a mean loss is the
// mean of the per-sample gradients).
#define BOOST_TEST_MODULE nets.rebatch
#include <boost/test/unit_test.hpp>

#include "../support/random.hpp"

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/layers/rebatch.hpp>

#include <type_traits>

using namespace ctgrad;
using namespace ctgrad::literals;

template <std::size_t B> constexpr auto X = input<"X", B, 4>;
template <std::size_t B> constexpr auto Y = input<"Y", B, 3>;
template <std::size_t B>
constexpr auto net = sequential(X<B>, layer::dense<8>, layer::tanh, layer::dense<3>);

template <class A, class B>
constexpr bool same = std::is_same_v<std::remove_cv_t<A>, std::remove_cv_t<B>>;

// Each loss written once at batch 32 and rebatched is the loss written at the new batch.
static_assert(same<decltype(rebatch<1>(net<32>)), decltype(net<1>)>);
static_assert(same<decltype(rebatch<5>(net<32>)), decltype(net<5>)>);
static_assert(same<decltype(rebatch<32>(net<32>)), decltype(net<32>)>);
static_assert(same<decltype(rebatch<1>(mse(net<32>, Y<32>))), decltype(mse(net<1>, Y<1>))>);
static_assert(same<decltype(rebatch<5>(cross_entropy(softmax(net<32>), Y<32>))),
                   decltype(cross_entropy(softmax(net<5>), Y<5>))>);
static_assert(same<decltype(rebatch<5>(cross_entropy(sigmoid(net<32>), Y<32>))),
                   decltype(cross_entropy(sigmoid(net<5>), Y<5>))>,
              "unfused: -1/B sum(y log p)");
static_assert(same<decltype(rebatch<5>(binary_cross_entropy(sigmoid(net<32>), Y<32>))),
                   decltype(binary_cross_entropy(sigmoid(net<5>), Y<5>))>);
static_assert(same<decltype(rebatch<5>(binary_cross_entropy(relu(net<32>), Y<32>))),
                   decltype(binary_cross_entropy(relu(net<5>), Y<5>))>,
              "unfused: -1/n sum(...)");
static_assert(same<decltype(rebatch<2>(mean(X<32>) + sum(tanh(X<32>)) +
                                       constant<1, 3> * sum(param<"c", 32>))),
                   decltype(mean(X<2>) + sum(tanh(X<2>)) + constant<1, 3> * sum(param<"c", 32>))>,
              "a mean is recomputed, a plain sum sums the new batch, constants elsewhere are kept");
static_assert(same<decltype(rebatch<2>(2_c * cross_entropy(softmax(net<32>), Y<32>))),
                   decltype(2_c * cross_entropy(softmax(net<2>), Y<2>))>,
              "the fused loss takes its 1/B from its shapes: a factor in front stays");
static_assert(same<decltype(rebatch<3>(broadcast_to<shape<32, 4>>(param<"c", 4>) * X<32>)),
                   decltype(broadcast_to<shape<3, 4>>(param<"c", 4>) * X<3>)>);
static_assert(same<decltype(rebatch<3>(leaky_relu(X<32>) + pow<3>(X<32>))),
                   decltype(leaky_relu(X<3>) + pow<3>(X<3>))>,
              "non-type arguments kept");

// A reshape that names the batch (the CNN demo's images, flatten) is rebuilt with the new one.
static_assert(same<decltype(rebatch<5>(reshape<shape<32, 2, 2>>(X<32>))),
                   decltype(reshape<shape<5, 2, 2>>(X<5>))>);
static_assert(
    same<decltype(rebatch<5>(sum(reshape<shape<32, 4>>(param<"c", 4, 32>)) + mean(X<32>))),
         decltype(sum(reshape<shape<32, 4>>(param<"c", 4, 32>)) + mean(X<5>))>,
    "a reshape of a parameter is kept, even when its first dimension is the batch size");

// One parameter set for every batch size.
static_assert(
    same<param_set<float, decltype(net<32>)>, param_set<float, decltype(rebatch<1>(net<32>))>>);

constexpr auto train_loss = mse(net<32>, Y<32>);
constexpr auto infer = rebatch<1>(net<32>);
constexpr auto sample_loss = rebatch<1>(train_loss);

BOOST_AUTO_TEST_CASE(train_at_32_infer_at_1_with_one_parameter_set) {
  auto ps = params<float>(train_loss);
  test::fill_normal(ps, 3);
  auto const x = test::normal_tensor<float, shape<32, 4>>(4);
  auto const y = test::normal_tensor<float, shape<32, 3>>(5);
  optim::sgd<decltype(ps)> opt({.lr = 0.1f});
  auto grads = ps;
  float first = 0, last = 0;
  for (int step = 0; step < 20; ++step) {
    last = grad_into(train_loss, grads, ps, X<32> = x, Y<32> = y);
    if (step == 0) first = last;
    opt.step(ps, grads);
  }
  BOOST_TEST(last < first);  // it trained

  auto const all = eval(net<32>, ps, X<32> = x);
  for (std::size_t row = 0; row < 32; ++row) {
    tensor<float, shape<1, 4>> one{};
    for (std::size_t j = 0; j < 4; ++j) one(0, j) = x(row, j);
    auto const out = eval(infer, ps, X<1> = one);
    for (std::size_t j = 0; j < 3; ++j)
      BOOST_TEST(out(0, j) == all(row, j), boost::test_tools::tolerance(1e-6f));
  }
}

BOOST_AUTO_TEST_CASE(batch_gradient_is_the_mean_of_rebatched_sample_gradients) {
  auto ps = params<double>(train_loss);
  test::fill_normal(ps, 6);
  auto const x = test::normal_tensor<double, shape<32, 4>>(7);
  auto const y = test::normal_tensor<double, shape<32, 3>>(8);
  auto const batch = grad(train_loss, ps, X<32> = x, Y<32> = y);

  auto mean = params<double>(train_loss);  // zero
  for (std::size_t row = 0; row < 32; ++row) {
    tensor<double, shape<1, 4>> xi{};
    tensor<double, shape<1, 3>> yi{};
    for (std::size_t j = 0; j < 4; ++j) xi(0, j) = x(row, j);
    for (std::size_t j = 0; j < 3; ++j) yi(0, j) = y(row, j);
    auto const g = grad(sample_loss, ps, X<1> = xi, Y<1> = yi);
    train::add_into(mean, g);
  }
  train::scale(mean, 1.0 / 32);
  std::size_t compared = 0;
  batch.for_each([&](auto var, auto const& t) {
    for (std::size_t i = 0; i < t.size; ++i) {
      BOOST_TEST(t.data[i] == mean[var].data[i], boost::test_tools::tolerance(1e-12));
      ++compared;
    }
  });
  BOOST_TEST(compared == decltype(ps)::scalar_count);
}

BOOST_AUTO_TEST_CASE(the_rebatched_gradient_checks_against_central_differences) {
  auto ps = params<double>(sample_loss);
  test::fill_normal(ps, 9);
  auto const x = test::normal_tensor<double, shape<1, 4>>(10);
  auto const y = test::normal_tensor<double, shape<1, 3>>(11);
  auto const r = check::gradcheck(sample_loss, ps, X<1> = x, Y<1> = y);
  BOOST_TEST(r.ok(1e-7));
}
