// SPDX-License-Identifier: BSL-1.0
// check::gradcheck's two criteria (check/gradcheck.hpp): a gradient entry that is zero in
// truth passes although its relative error is about 1, and a real disagreement fails with
// a message naming the criterion and the entry.
#define BOOST_TEST_MODULE check.gradcheck
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <string>

using namespace ctgrad;

namespace {

// A scalar c added to every logit: softmax does not change, so dL/dc = mean over rows of
// sum_k (p_k - y_k) = 1 - 1 = 0 exactly (one-hot y); computed, it is rounding on both sides.
constexpr auto X = input<"X", 4, 3>;
constexpr auto Y = input<"Y", 4, 3>;
constexpr auto c = param<"c">;
constexpr auto loss =
    cross_entropy(softmax(sequential(X, layer::dense<5>, layer::tanh, layer::dense<3>) + c), Y);
using params_t = param_set<double, std::remove_cv_t<decltype(loss)>>;

struct point {
  params_t ps{};
  tensor<double, shape<4, 3>> x{}, y{};
  point() {
    init::apply(ps, 5, init::xavier_normal_rule{});
    ps[c].data[0] = 0.3;
    std::mt19937 rng(1);
    std::normal_distribution<double> normal;
    for (auto& v : x.data) v = normal(rng);
    for (std::size_t i = 0; i < 4; ++i) y.data[i * 3 + i % 3] = 1;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_gradient_that_is_zero_in_truth_passes) {
  point const p;
  params_t g{};
  grad_into(loss, g, p.ps, X = p.x, Y = p.y);
  auto const n = check::numeric_grad(loss, p.ps, X = p.x, Y = p.y);
  double const a = g[c].data[0], num = n[c].data[0];
  BOOST_TEST_MESSAGE("dL/dc: analytic " << a << ", numeric " << num);
  // The case: both are rounding (analytic ~1e-17, numeric ~1e-10) and the relative
  // error of c alone is about 1, which failed gradcheck before the floor.
  BOOST_TEST(std::abs(a) < 1e-15);
  BOOST_TEST(std::abs(num) < 1e-8);
  BOOST_TEST(check::relative_error(g[c], n[c]) > 0.5);

  auto const r = check::gradcheck(loss, p.ps, X = p.x, Y = p.y);
  BOOST_TEST_MESSAGE(r);
  BOOST_TEST(r.ok());
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(r.failure(1e-7) == "");
  BOOST_TEST(r.entries_checked == 15u + 5u + 15u + 3u + 1u);
  BOOST_TEST(r.worst_parameter != "c");  // c is zero within atol: not a relative-error case
  BOOST_TEST(r.max_relative_error > 0.0);
  BOOST_TEST(r.max_relative_error < 1e-7);
}

BOOST_AUTO_TEST_CASE(a_real_disagreement_fails_and_names_the_criterion_and_the_entry) {
  // Forward differences with a step of 0.3: the numerical gradient is off by O(h) wherever
  // the loss is curved, far beyond either criterion.
  point const p;
  check::options const o{.step = 0.3, .method = check::difference::forward};
  auto const r = check::gradcheck(loss, p.ps, o, X = p.x, Y = p.y);
  std::string const why = r.failure(1e-7);
  BOOST_TEST_MESSAGE(why);
  BOOST_TEST(!r.ok());
  BOOST_TEST(!r.ok(1e-7));
  BOOST_TEST(r.entries_outside > 0u);

  // The furthest entry outside atol + rtol * |numeric|, found here independently.
  params_t g{};
  grad_into(loss, g, p.ps, X = p.x, Y = p.y);
  auto const n = check::numeric_grad(loss, p.ps, o, X = p.x, Y = p.y);
  std::string name;
  std::size_t entry = 0, outside = 0;
  double furthest = -1;
  g.for_each([&](auto var, auto const& t) {
    auto const& nt = n[var];
    for (std::size_t i = 0; i < t.size; ++i) {
      double const bound = 1e-5 + 1e-3 * std::abs(nt.data[i]);
      double const by = (std::abs(t.data[i] - nt.data[i]) - bound) / bound;
      if (by <= 0) continue;
      ++outside;
      if (by > furthest) {
        furthest = by;
        name = var.name;
        entry = i;
      }
    }
  });
  BOOST_TEST(r.entries_outside == outside);
  std::string const where = name + "[" + std::to_string(entry) + "]: analytic ";
  BOOST_TEST(why.find("entries outside |analytic - numeric| <= atol + rtol * |numeric|, "
                      "furthest " +
                      where) != std::string::npos,
             why);
  BOOST_TEST(why.find("relative error ") == 0u, why);
  BOOST_TEST(why.find(" is not below 1e-07 (largest difference at entry ") != std::string::npos,
             why);
}

BOOST_AUTO_TEST_CASE(only_the_relative_criterion_can_fail) {
  // A tolerance below the rounding of central differences (~1e-10 here): the relative
  // criterion fails, PyTorch's passes, and the message names only the first.
  point const p;
  auto const r = check::gradcheck(loss, p.ps, X = p.x, Y = p.y);
  BOOST_TEST(r.ok());
  BOOST_TEST(!r.ok(1e-14));
  std::string const why = r.failure(1e-14);
  BOOST_TEST(why.find("is not below 1e-14") != std::string::npos, why);
  BOOST_TEST(why.find("entries outside") == std::string::npos, why);
}
