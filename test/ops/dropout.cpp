// SPDX-License-Identifier: BSL-1.0
// dropout: the kept fraction, inverted scaling (kept entries are x / (1 - p), as PyTorch),
// the same mask in the gradient, reproducible from the seed, a new mask for a new seed,
// evaluation (negative seed) is the identity; gradcheck.
#define BOOST_TEST_MODULE ops.dropout
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"

#include <cmath>

using namespace ctgrad;

constexpr auto x = param<"x", 100, 100>;
constexpr auto seed = input<"seed">;
constexpr auto upstream = input<"upstream", 100, 100>;

BOOST_AUTO_TEST_CASE(keeps_one_minus_p_and_scales_by_its_inverse) {
  auto ps = params<double>(sum(dropout<3, 10>(x, seed)));
  test::fill_normal(ps, 41);
  auto const y = eval(dropout<3, 10>(x, seed), ps, seed = 7.0);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < 10000; ++i) {
    if (y.data[i] != 0.0) {
      ++kept;
      BOOST_TEST(y.data[i] == ps[x].data[i] / 0.7, boost::test_tools::tolerance(1e-15));
    }
  }
  // Binomial(10000, 0.7): standard deviation 45.8; 4 of them either side.
  BOOST_TEST_MESSAGE("kept " << kept << " of 10000 at p = 0.3");
  BOOST_TEST(std::fabs(static_cast<double>(kept) - 7000.0) < 4 * 45.8);
}

BOOST_AUTO_TEST_CASE(the_gradient_uses_the_same_mask) {
  constexpr auto loss = sum(dropout<1, 2>(x, seed) * upstream);
  auto ps = params<double>(loss);
  test::fill_normal(ps, 42);
  auto const up = test::normal_tensor<double, shape<100, 100>>(43);
  auto const y = eval(dropout<1, 2>(x, seed), ps, seed = 3.0);
  auto const gr = grad(loss, ps, seed = 3.0, upstream = up);
  for (std::size_t i = 0; i < 10000; ++i) {
    double const expected = y.data[i] == 0.0 ? 0.0 : 2.0 * up.data[i];
    BOOST_TEST(gr[x].data[i] == expected, boost::test_tools::tolerance(1e-15));
  }
  auto const r = check::gradcheck(
      sum(pow<2>(dropout<1, 2>(param<"v", 4, 5>, seed))),
      params<double>(sum(pow<2>(dropout<1, 2>(param<"v", 4, 5>, seed)))), seed = 11.0);
  BOOST_TEST(r.ok(1e-7));
}

BOOST_AUTO_TEST_CASE(the_seed_picks_the_mask_and_a_negative_seed_evaluates) {
  auto ps = params<double>(sum(dropout<1, 2>(x, seed)));
  test::fill_normal(ps, 44);
  auto const a = eval(dropout<1, 2>(x, seed), ps, seed = 5.0);
  auto const b = eval(dropout<1, 2>(x, seed), ps, seed = 5.0);
  auto const c = eval(dropout<1, 2>(x, seed), ps, seed = 6.0);
  BOOST_TEST((a == b));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < 10000; ++i) differ += (a.data[i] == 0.0) != (c.data[i] == 0.0);
  BOOST_TEST(differ > 4000u);  // independent masks at p = 1/2 disagree on about half
  auto const e = eval(dropout<1, 2>(x, seed), ps, seed = -1.0);
  BOOST_TEST((e == ps[x]));
  BOOST_TEST(to_string(dropout<1, 2>(x, seed)) == "dropout(x, 1/2, seed)");
}
