// SPDX-License-Identifier: BSL-1.0
// check::first_non_finite and check::check_finite name the first non-finite entry of a
// var_set (parameters or gradients) by variable name and index; train::fit uses them to
// stop on a non-finite gradient (with a finite loss) and to say where it was.
#define BOOST_TEST_MODULE numerics.check_finite
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/train/fit.hpp>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {
constexpr auto X = input<"X", 4, 2>;
constexpr auto Y = input<"Y", 4, 1>;
constexpr auto W1 = param<"W1", 2, 3>;
constexpr auto b1 = param<"b1", 3>;
constexpr auto W2 = param<"W2", 3, 1>;
constexpr auto net = matmul(tanh(dense(X, W1, b1)), W2);
constexpr auto loss = mse(net, Y);
using params_t = param_set<double, std::remove_cv_t<decltype(loss)>>;
constexpr double pos_inf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

params_t some_params() {
  params_t ps;
  ps.for_each([](auto, auto& t) {
    for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = 0.1 * static_cast<double>(i + 1);
  });
  return ps;
}
}  // namespace

BOOST_AUTO_TEST_CASE(all_finite) {
  auto const ps = some_params();
  auto const r = check::first_non_finite(ps);
  BOOST_TEST(static_cast<bool>(r));
  BOOST_TEST(check::to_string(r) == "all finite");
  BOOST_CHECK_NO_THROW(check::check_finite(ps, "params"));
  // Huge, subnormal and zero entries are finite.
  auto qs = ps;
  qs[W1].data = {std::numeric_limits<double>::max(),
                 -std::numeric_limits<double>::max(),
                 std::numeric_limits<double>::denorm_min(),
                 -0.0,
                 0.0,
                 1e300};
  BOOST_TEST(static_cast<bool>(check::first_non_finite(qs)));
  BOOST_TEST(check::all_finite(ps));
  BOOST_TEST(check::all_finite(qs));
}

// all_finite (the vectorised test train::fit runs every step) agrees with first_non_finite
// for inf, -inf and NaN at every position of every variable, in float and double.
template <class T> void all_finite_agrees_with_the_search() {
  using set_t = param_set<T, std::remove_cv_t<decltype(loss)>>;
  set_t s{};
  BOOST_TEST(check::all_finite(s));
  for (T const bad : {std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                      std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::quiet_NaN()}) {
    int cases = 0;
    s.for_each([&](auto, auto& t) {
      for (auto& v : t.data) {
        T const kept = v;
        v = bad;
        BOOST_TEST(!check::all_finite(s));
        BOOST_TEST(!check::first_non_finite(s));
        v = std::numeric_limits<T>::max();  // the largest finite value passes
        BOOST_TEST(check::all_finite(s));
        v = kept;
        ++cases;
      }
    });
    BOOST_TEST(cases == 12);  // every entry of the set: W1 (6), b1 (3), W2 (3)
  }
}

BOOST_AUTO_TEST_CASE(all_finite_float) { all_finite_agrees_with_the_search<float>(); }
BOOST_AUTO_TEST_CASE(all_finite_double) { all_finite_agrees_with_the_search<double>(); }

BOOST_AUTO_TEST_CASE(names_the_first_non_finite_entry_in_set_order) {
  auto ps = some_params();
  ps[W2].data[2] = pos_inf;
  ps[b1].data[1] = qnan;  // b1 comes before W2 in the set: it is the first
  auto const r = check::first_non_finite(ps);
  BOOST_TEST(!r);
  BOOST_TEST(r.name == "b1");
  BOOST_TEST(r.index == 1u);
  BOOST_TEST(check::to_string(r) == "b1[1] = nan");
  ps[b1].data[1] = 0;
  BOOST_TEST(check::to_string(check::first_non_finite(ps)) == "W2[2] = inf");
  ps[W2].data[2] = -pos_inf;
  BOOST_TEST(check::to_string(check::first_non_finite(ps)) == "W2[2] = -inf");
  try {
    check::check_finite(ps, "params");
    BOOST_FAIL("no exception");
  } catch (std::runtime_error const& e) {
    BOOST_TEST(std::string(e.what()) == "ctgrad::check_finite: params: W2[2] = -inf");
  }
}

BOOST_AUTO_TEST_CASE(usable_in_constant_evaluation) {
  static_assert([] {
    var_set<float, decltype(W1), decltype(b1)> s{};
    s[b1].data[2] = std::numeric_limits<float>::infinity();
    auto const r = check::first_non_finite(s);
    return !r && r.name == "b1" && r.index == 2;
  }());
  static_assert(static_cast<bool>(check::first_non_finite(var_set<float, decltype(W1)>{})));
  static_assert(check::all_finite(var_set<float, decltype(W1)>{}));
  static_assert([] {
    var_set<double, decltype(W1)> s{};
    s[W1].data[5] = -std::numeric_limits<double>::infinity();
    return !check::all_finite(s);
  }());
}

BOOST_AUTO_TEST_CASE(finds_the_gradient_that_went_non_finite) {
  // d sqrt(u)/du is +inf at u = 0: the gradient of b (entry 1) is infinite, the loss finite.
  constexpr auto V = input<"V", 3>;
  constexpr auto a = param<"a", 3>;
  constexpr auto b = param<"b", 3>;
  constexpr auto L = sum(sqrt(b) + a * V);
  var_set<double, decltype(a), decltype(b)> ps;
  ps[a].data = {1, 2, 3};
  ps[b].data = {1, 0, 4};
  tensor<double, shape<3>> v{};
  v.data = {1, 1, 1};
  decltype(ps) g;
  double const value = grad_into(L, g, ps, V = v);
  BOOST_TEST(std::isfinite(value));
  auto const r = check::first_non_finite(g);
  BOOST_TEST(check::to_string(r) == "b[1] = inf");
}

BOOST_AUTO_TEST_CASE(fit_stops_on_a_non_finite_gradient_and_names_it) {
  // mse plus sum(sqrt(c)) with c = 0: the loss is finite, dL/dc = +inf.
  constexpr auto c = param<"c", 1>;
  constexpr auto L = mse(net, Y) + sum(sqrt(c));
  using ps_t = param_set<double, std::remove_cv_t<decltype(L)>>;
  ps_t ps{};
  ps.for_each([](auto, auto& t) {
    for (double& w : t.data) w = 0.25;
  });
  ps[c].data[0] = 0;
  ps_t const before = ps;
  std::vector<double> x(8 * 2, 0.5), y(8, 1.0);
  optim::sgd<ps_t> opt({.lr = 0.1});
  try {
    train::fit(train::regressor(X, Y, L), ps, opt, train::samples<double>{x, y},
               {.epochs = 1, .show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (std::runtime_error const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.find("at epoch 1, batch 1; first non-finite gradient dL/dc[0] = inf") !=
                   std::string::npos,
               what);
    BOOST_TEST(what.find("first non-finite parameter") == std::string::npos, what);
  }
  BOOST_TEST((ps == before));  // stopped before the step
  // A non-finite parameter is named too.
  ps[W2].data[1] = qnan;
  ps[c].data[0] = 1;
  try {
    train::fit(train::regressor(X, Y, L), ps, opt, train::samples<double>{x, y},
               {.epochs = 1, .show = train::progress::none});
    BOOST_FAIL("no exception");
  } catch (std::runtime_error const& e) {
    std::string const what = e.what();
    BOOST_TEST(what.find("the loss is nan at epoch 1, batch 1") != std::string::npos, what);
    BOOST_TEST(what.find("first non-finite parameter W2[1] = nan") != std::string::npos, what);
  }
}
