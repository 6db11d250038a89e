// SPDX-License-Identifier: BSL-1.0
// layer::batch_norm and layer::layer_norm in sequential: PyTorch's names, the mode as an
// input (train_mode), running statistics updated by train::fit with PyTorch's momentum rule
// and kept in the saved model; small nets trained 3 SGD steps (momentum, weight decay)
// against the same steps in PyTorch float64 (test/reference/bn_layer_refs.py writes
// bn_layer_refs.txt).
#define BOOST_TEST_MODULE nets.norm_layers
#include <boost/test/unit_test.hpp>

#include "../support/random.hpp"
#include "../support/torch_reference.hpp"

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/params_file.hpp>
#include <ctgrad/optim/sgd.hpp>
#include <ctgrad/train/fit.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <type_traits>

using namespace ctgrad;

namespace {

test::torch_reference const& refs() {
  static test::torch_reference const r(std::string(CTGRAD_TEST_REFERENCE_DIR) +
                                       "/bn_layer_refs.txt");
  return r;
}

// Every tensor of the set from the case, under the set's own names (prefix "after." etc.).
template <class Set> void read_set(Set& ps, test::torch_case const& c, std::string const& prefix) {
  ps.for_each([&](auto var, auto& t) {
    using S = typename std::remove_cvref_t<decltype(t)>::shape_type;
    t = c.tensor<double, S>(prefix + std::string(var.name));
  });
}

template <class Set>
void check_set(Set const& ps, test::torch_case const& c, std::string const& prefix) {
  ps.for_each([&](auto var, auto const& t) {
    using S = typename std::remove_cvref_t<decltype(t)>::shape_type;
    test::check_close(t, c.tensor<double, S>(prefix + std::string(var.name)), 1e-10,
                      std::string(var.name));
  });
}

// torch.nn.Sequential(Linear(4, 5), BatchNorm1d(5), ReLU(), Linear(5, 3)), MSE.
constexpr auto X1 = input<"X", 6, 4>;
constexpr auto Y1 = input<"Y", 6, 3>;
constexpr auto net1 =
    sequential(X1, layer::dense<5>, layer::batch_norm, layer::relu, layer::dense<3>);
constexpr auto loss1 = mse(net1, Y1);

// Unflatten, Conv2d(2, 3, 3, padding=1), BatchNorm2d(3), ReLU, Flatten, Linear(75, 4), CE.
constexpr auto X2 = input<"X", 4, 50>;
constexpr auto Y2 = input<"Y", 4, 4>;
constexpr auto net2 = sequential(
    X2, [](auto x) { return reshape<shape<4, 2, 5, 5>>(x); }, layer::conv2d<3, 3, padding<1>>,
    layer::batch_norm, layer::relu, layer::flatten, layer::dense<4>);
constexpr auto loss2 = cross_entropy(softmax(net2), Y2);

using bn_weight = std::remove_cv_t<decltype(param<"bn2.weight", 5>)>;
using bn_mean = std::remove_cv_t<decltype(buffer<"bn2.running_mean", 5>)>;
using bn_var = std::remove_cv_t<decltype(buffer<"bn2.running_var", 5>)>;
using set1 = param_set<double, std::remove_cv_t<decltype(loss1)>>;

// The names and roles of torch's state_dict, numbered with the other layers.
static_assert(set1::size == 8);
static_assert(set1::has<bn_weight> && set1::has<bn_mean> && set1::has<bn_var>);
static_assert(is_buffer_v<bn_mean> && !is_buffer_v<bn_weight>);
static_assert(set1::has<std::remove_cv_t<decltype(param<"W3", 5, 3>)>>);

// Trains `steps` epochs of one batch (the whole set) with fit and SGD as torch's script.
template <class Loss, class XV, class YV, class Set, class SX, class SY>
void train_like_torch(Loss, XV, YV, Set& ps, tensor<double, SX> const& x,
                      tensor<double, SY> const& y) {
  optim::sgd<Set> opt({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
  train::samples<double> data{x.data, y.data};
  train::fit(train::regressor(XV{}, YV{}, Loss{}), ps, opt, data,
             {.epochs = 3, .show = train::progress::none});
}

}  // namespace

BOOST_AUTO_TEST_CASE(batch_norm_1d_trains_as_torch) {
  auto const& c = refs().at("bn1d.dense4x5.bn.relu.dense3.mse");
  auto ps = std::make_unique<set1>();
  read_set(*ps, c, "");
  auto const x = c.tensor<double, shape<6, 4>>("x");
  auto const y = c.tensor<double, shape<6, 3>>("y");
  train_like_torch(loss1, X1, Y1, *ps, x, y);
  check_set(*ps, c, "after.");  // running statistics and parameters after 3 steps
  auto const xt = c.tensor<double, shape<6, 4>>("xt");
  test::check_close(eval(net1, *ps, X1 = xt, train_mode = 0),
                    c.tensor<double, shape<6, 3>>("eval_y"), 1e-10, "eval-mode output");
}

BOOST_AUTO_TEST_CASE(batch_norm_2d_trains_as_torch) {
  auto const& c = refs().at("bn2d.conv2to3k3p1.bn.relu.flatten.dense4.ce");
  using set2 = param_set<double, std::remove_cv_t<decltype(loss2)>>;
  static_assert(set2::size == 8);
  auto ps = std::make_unique<set2>();
  read_set(*ps, c, "");
  auto const x = c.tensor<double, shape<4, 50>>("x");
  auto const y = c.tensor<double, shape<4, 4>>("y");
  train_like_torch(loss2, X2, Y2, *ps, x, y);
  check_set(*ps, c, "after.");
  auto const xt = c.tensor<double, shape<4, 50>>("xt");
  test::check_close(eval(net2, *ps, X2 = xt, train_mode = 0),
                    c.tensor<double, shape<4, 4>>("eval_y"), 1e-10, "eval-mode output");
}

BOOST_AUTO_TEST_CASE(the_mode_switches_the_statistics) {
  auto ps = std::make_unique<set1>();
  test::fill_normal(*ps, 3);
  for (auto& v : (*ps)[bn_var{}]) v = 1 + v * v;  // a variance
  auto const x = test::normal_tensor<double, shape<6, 4>>(4);
  auto const train_y = eval(net1, *ps, X1 = x, train_mode = 1);
  auto const eval_y = eval(net1, *ps, X1 = x, train_mode = 0);
  // Training mode equals the batch-statistics form, evaluation mode the running one.
  constexpr auto h = dense(X1, param<"W1", 4, 5>, param<"b1", 5>);
  auto const g = (*ps)[bn_weight{}];
  auto const b = (*ps)[param<"bn2.bias", 5>];
  auto const m = (*ps)[bn_mean{}];
  auto const v = (*ps)[bn_var{}];
  constexpr auto G = input<"g", 5>;
  constexpr auto Bt = input<"b", 5>;
  constexpr auto M = input<"m", 5>;
  constexpr auto V = input<"v", 5>;
  auto const by_batch = eval(dense(relu(batch_norm(h, G, Bt)), param<"W3", 5, 3>, param<"b3", 3>),
                             *ps, X1 = x, G = g, Bt = b);
  auto const by_running =
      eval(dense(relu(batch_norm_eval(h, G, Bt, M, V)), param<"W3", 5, 3>, param<"b3", 3>), *ps,
           X1 = x, G = g, Bt = b, M = m, V = v);
  test::check_close(train_y, by_batch, 1e-12, "train_mode = 1");
  test::check_close(eval_y, by_running, 1e-12, "train_mode = 0");
  BOOST_TEST(test::max_relative_error(train_y, eval_y) > 1e-3);
}

BOOST_AUTO_TEST_CASE(gradients_in_both_modes_gradcheck) {
  auto ps = std::make_unique<set1>();
  test::fill_normal(*ps, 5);
  (*ps)[bn_var{}] = test::normal_tensor<double, shape<5>>(6);
  for (auto& v : (*ps)[bn_var{}]) v = 1 + v * v;  // a variance
  auto const x = test::normal_tensor<double, shape<6, 4>>(7);
  auto const y = test::normal_tensor<double, shape<6, 3>>(8);
  for (int mode : {1, 0}) {
    auto const r = check::gradcheck(loss1, *ps, X1 = x, Y1 = y, train_mode = mode);
    BOOST_TEST_MESSAGE("train_mode " << mode << ": " << r);
    if (mode == 0) BOOST_TEST(r.ok(1e-7));
  }
  // In training mode the bias before the batch norm has no effect (the batch mean removes
  // it): its true gradient is 0, where a relative error is meaningless; every other
  // parameter against central differences.
  set1 analytic;
  grad_into(loss1, analytic, *ps, X1 = x, Y1 = y, train_mode = 1);
  auto const numeric = check::numeric_grad(loss1, *ps, X1 = x, Y1 = y, train_mode = 1);
  analytic.for_each([&](auto var, auto const& a) {
    auto const& n = numeric[var];
    if constexpr (is_buffer_v<decltype(var)>) {
    } else if constexpr (decltype(var)::name == "b1") {
      for (std::size_t i = 0; i < a.size; ++i) {
        BOOST_TEST(std::abs(a.data[i]) < 1e-12);
        BOOST_TEST(std::abs(n.data[i]) < 1e-8);
      }
    } else {
      double const err = check::relative_error(a, n);
      BOOST_TEST_MESSAGE("train_mode 1, " << var.name << ": relative error " << err);
      BOOST_TEST(err < 1e-7, var.name << ": relative error " << err);
    }
  });
  // The buffers get no gradient, in either mode.
  set1 grads;
  grad_into(loss1, grads, *ps, X1 = x, Y1 = y, train_mode = 0);
  for (double gv : grads[bn_mean{}]) BOOST_TEST(gv == 0.0);
  for (double gv : grads[bn_var{}]) BOOST_TEST(gv == 0.0);
}

BOOST_AUTO_TEST_CASE(running_statistics_are_saved_and_loaded) {
  auto const& c = refs().at("bn1d.dense4x5.bn.relu.dense3.mse");
  auto ps = std::make_unique<set1>();
  read_set(*ps, c, "after.");
  std::string const path = "norm_layers_test.ctgrad";
  io::save(*ps, path, to_string(net1));
  auto back = std::make_unique<set1>();
  io::load(*back, path, to_string(net1));
  std::remove(path.c_str());
  BOOST_TEST(((*back)[bn_mean{}] == c.tensor<double, shape<5>>("after.bn2.running_mean")));
  BOOST_TEST(((*back)[bn_var{}] == c.tensor<double, shape<5>>("after.bn2.running_var")));
  BOOST_TEST((*back == *ps));
}

BOOST_AUTO_TEST_CASE(init_starts_as_torch) {
  auto ps = std::make_unique<set1>();
  init::apply(*ps, 1, init::he_normal_rule{});
  for (double v : (*ps)[bn_weight{}]) BOOST_TEST(v == 1.0);
  for (double v : (*ps)[bn_var{}]) BOOST_TEST(v == 1.0);
  for (double v : (*ps)[bn_mean{}]) BOOST_TEST(v == 0.0);
  for (double v : (*ps)[param<"bn2.bias", 5>]) BOOST_TEST(v == 0.0);
}

BOOST_AUTO_TEST_CASE(optimisers_leave_buffers_alone) {
  auto ps = std::make_unique<set1>();
  test::fill_normal(*ps, 9);
  auto const before = *ps;
  set1 grads;
  test::fill_normal(grads, 10);  // even a non-zero gradient of a buffer is not applied
  optim::sgd<set1> sgd({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1});
  sgd.step(*ps, grads);
  optim::adam<set1> adam({.lr = 0.1, .weight_decay = 0.1, .decoupled = true});
  adam.step(*ps, grads);
  BOOST_TEST(((*ps)[bn_mean{}] == before[bn_mean{}]));
  BOOST_TEST(((*ps)[bn_var{}] == before[bn_var{}]));
  BOOST_TEST(!((*ps)[bn_weight{}] == before[bn_weight{}]));
}

BOOST_AUTO_TEST_CASE(layer_norm_layer) {
  constexpr auto X = input<"X", 3, 2, 4>;
  constexpr auto net = sequential(X, layer::layer_norm<2>, layer::flatten, layer::dense<2>);
  using set = param_set<double, std::remove_cv_t<decltype(net)>>;
  using ln_weight = std::remove_cv_t<decltype(param<"ln1.weight", 2, 4>)>;
  using ln_bias = std::remove_cv_t<decltype(param<"ln1.bias", 2, 4>)>;
  static_assert(set::size == 4 && set::has<ln_weight> && set::has<ln_bias>);
  static_assert(set::has<std::remove_cv_t<decltype(param<"W2", 8, 2>)>>);
  auto ps = std::make_unique<set>();
  init::apply(*ps, 1, init::he_normal_rule{});
  for (double v : (*ps)[ln_weight{}]) BOOST_TEST(v == 1.0);
  test::fill_normal(*ps, 11);
  auto const x = test::normal_tensor<double, shape<3, 2, 4>>(12);
  constexpr auto Y = input<"Y", 3, 2>;
  auto const y = test::normal_tensor<double, shape<3, 2>>(13);
  auto const r = check::gradcheck(mse(net, Y), *ps, X = x, Y = y);
  BOOST_TEST(r.ok(1e-7));
  auto const same = eval(
      dense(flatten(layer_norm<2>(X, ln_weight{}, ln_bias{})), param<"W2", 8, 2>, param<"b2", 2>),
      *ps, X = x);
  test::check_close(eval(net, *ps, X = x), same, 0, "sequential is the DAG form");
}
