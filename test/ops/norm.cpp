// SPDX-License-Identifier: BSL-1.0
// layer_norm (one and two trailing axes), batch_norm in training mode (1-D and 2-D: the
// gradient through the batch's mean and variance) and in evaluation mode (running
// statistics), and PyTorch's running-statistics update: against PyTorch (float64,
// test/reference/torch_refs.txt); gradcheck.
#define BOOST_TEST_MODULE ops.norm
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_check.hpp"

#include <cmath>

using namespace ctgrad;
using ::test::param_t;

BOOST_AUTO_TEST_CASE(layer_norm_matches_pytorch) {
  ::test::check_against_torch<decltype([](auto x, auto w, auto b) { return layer_norm(x, w, b); }),
                              param_t<"x", 4, 7>, param_t<"w", 7>, param_t<"b", 7>>(
      "layer_norm.last1", {"x", "w", "b"});
  ::test::check_against_torch<decltype(
                                  [](auto x, auto w, auto b) { return layer_norm<2>(x, w, b); }),
                              param_t<"x", 3, 4, 5>, param_t<"w", 4, 5>, param_t<"b", 4, 5>>(
      "layer_norm.last2", {"x", "w", "b"});
}

BOOST_AUTO_TEST_CASE(batch_norm_matches_pytorch_in_both_modes) {
  ::test::check_against_torch<decltype([](auto x, auto w, auto b) { return batch_norm(x, w, b); }),
                              param_t<"x", 6, 4>, param_t<"w", 4>, param_t<"b", 4>>(
      "batch_norm1d.train", {"x", "w", "b"});
  ::test::check_against_torch<decltype([](auto x, auto w, auto b) { return batch_norm(x, w, b); }),
                              param_t<"x", 3, 2, 4, 5>, param_t<"w", 2>, param_t<"b", 2>>(
      "batch_norm2d.train", {"x", "w", "b"});
  ::test::check_against_torch<decltype([](auto x, auto w, auto b, auto m, auto v) {
                                return batch_norm_eval(x, w, b, m, v);
                              }),
                              param_t<"x", 3, 2, 4, 5>, param_t<"w", 2>, param_t<"b", 2>,
                              param_t<"rm", 2>, param_t<"rv", 2>>("batch_norm2d.eval",
                                                                  {"x", "w", "b", "rm", "rv"});
}

BOOST_AUTO_TEST_CASE(running_statistics_follow_pytorch_momentum_rule) {
  auto const& ref = ::test::torch_refs().at("batch_norm2d.running");
  tensor<double, shape<3>> mean{}, var{};
  var.data = {1.0, 1.0, 1.0};
  for (char const* batch : {"x1", "x2", "x3"})
    update_running_stats(mean, var, ref.tensor<double, shape<4, 3, 2, 5>>(batch));
  auto const expected = ref.tensor<double, shape<2, 3>>("y");  // rows: mean, var
  tensor<double, shape<2, 3>> got{};
  for (std::size_t c = 0; c < 3; ++c) {
    got(0, c) = mean.data[c];
    got(1, c) = var.data[c];
  }
  ::test::check_close(got, expected, 1e-12, "running mean and variance after 3 steps");
}

BOOST_AUTO_TEST_CASE(gradcheck_through_normalisation) {
  constexpr auto x = param<"x", 3, 2, 3, 4>;
  constexpr auto w = param<"w", 2>;
  constexpr auto b = param<"b", 2>;
  constexpr auto lw = param<"lw", 4>;
  constexpr auto lb = param<"lb", 4>;
  constexpr auto loss = sum(pow<3>(batch_norm(tanh(x), w, b))) +
                        sum(sin(layer_norm(x, lw, lb) * x)) +
                        sum(exp(batch_norm_eval(x, w, b, param<"m", 2>,
                                                param<"v", 2> * param<"v", 2> + constant<1>)));
  auto ps = params<double>(loss);
  ::test::fill_normal(ps, 17);
  // (A variance near 0 in the evaluation term made the loss 2e6 and the central
  // differences too coarse for 1e-7: hence v^2 + 1.)
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
}

BOOST_AUTO_TEST_CASE(statistics_are_taken_per_row_and_per_channel) {
  // Hand values: a row (1, 2, 3) normalises to (-1, 0, 1) * sqrt(3/2) / sqrt(1 + 3/2 eps).
  constexpr auto x = input<"x", 1, 3>;
  tensor<double, shape<1, 3>> v{};
  v.data = {1.0, 2.0, 3.0};
  auto const y = eval(normalize_rows(x), x = v);
  double const s = std::sqrt(2.0 / 3.0 + 1e-5);
  BOOST_TEST(y(0, 0) == -1.0 / s, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(y(0, 1) == 0.0);
  BOOST_TEST(y(0, 2) == 1.0 / s, boost::test_tools::tolerance(1e-14));
}
