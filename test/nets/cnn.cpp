// SPDX-License-Identifier: BSL-1.0
// Convolutional nets written with sequential: the same type as the DAG form, parameters
// numbered with the dense layers, the gradient of a small CNN against central differences.
#define BOOST_TEST_MODULE nets.cnn
#include <boost/test/unit_test.hpp>

#include "../support/random.hpp"

#include <ctgrad/ctgrad.hpp>

#include <type_traits>

using namespace ctgrad;

constexpr auto X = input<"X", 2, 1, 8, 8>;
constexpr auto Y = input<"Y", 2, 3>;

constexpr auto net =
    sequential(X, layer::conv2d<4, 3, padding<1>>, layer::relu, layer::max_pool2d<2>,
               layer::conv2d<6, 3>, layer::gelu, layer::flatten, layer::dense<3>);

using W1 = std::remove_cv_t<decltype(param<"W1", 4, 1, 3, 3>)>;
using b1 = std::remove_cv_t<decltype(param<"b1", 4>)>;
using W2 = std::remove_cv_t<decltype(param<"W2", 6, 4, 3, 3>)>;
using b2 = std::remove_cv_t<decltype(param<"b2", 6>)>;
using W3 = std::remove_cv_t<decltype(param<"W3", 24, 3>)>;
using b3 = std::remove_cv_t<decltype(param<"b3", 3>)>;

static_assert(
    std::is_same_v<
        std::remove_cv_t<decltype(net)>,
        decltype(dense(flatten(gelu(conv2d(max_pool2d<2>(relu(conv2d(X, W1{}, b1{}, padding<1>))),
                                           W2{}, b2{}))),
                       W3{}, b3{}))>,
    "sequential is the DAG form; conv and dense layers share the numbering");
static_assert(__is_same(shape_of_t<decltype(net)>, shape<2, 3>));

static_assert(__is_same(
    shape_of_t<decltype(sequential(input<"s", 3, 2, 16>, layer::conv1d<4, 5, stride<2>, groups<2>>,
                                   layer::silu, layer::avg_pool1d<2>, layer::global_avg_pool1d))>,
    shape<3, 4>));
static_assert(param_set<float, std::remove_cv_t<decltype(sequential(
                                   input<"s", 3, 2, 16>, layer::conv1d<4, 5, groups<2>>))>>::size ==
              2);

BOOST_AUTO_TEST_CASE(a_small_cnn_gradchecks) {
  constexpr auto loss = cross_entropy(softmax(net), Y);
  auto ps = params<double>(loss);
  static_assert(decltype(ps)::size == 6);
  test::fill_normal(ps, 21);
  auto const x = test::normal_tensor<double, shape<2, 1, 8, 8>>(22);
  auto const y = test::one_hot<double, 2, 3>(1);
  auto const r = check::gradcheck(loss, ps, X = x, Y = y);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(r.entries_checked == decltype(ps)::scalar_count);
}

BOOST_AUTO_TEST_CASE(explain_names_the_layers) {
  std::string const text = to_string(net);
  BOOST_TEST(text.find("conv2d(X, W1, b1)") != std::string::npos, text);
  BOOST_TEST(text.find("max_pool2d(") != std::string::npos, text);
}
