// SPDX-License-Identifier: BSL-1.0
// row_sum, row_mean, row_max against PyTorch (float64): values and gradients (row_max's to
// the first maximal entry, as torch.max(dim)); gradcheck; second derivatives of row_sum.
#define BOOST_TEST_MODULE ops.reduce_rows
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_check.hpp"

using namespace ctgrad;

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  ::test::check_unary_against_torch<shape<4, 7>>("row_max", [](auto z) { return row_max(z); });
  ::test::check_unary_against_torch<shape<4, 7>>("row_max.ties", [](auto z) { return row_max(z); });
  ::test::check_unary_against_torch<shape<4, 7>>("row_sum", [](auto z) { return row_sum(z); });
  ::test::check_unary_against_torch<shape<2, 3, 5>>("row_sum2",
                                                    [](auto z) { return row_sum<2>(z); });
}

BOOST_AUTO_TEST_CASE(shapes_and_printing) {
  constexpr auto a = input<"a", 2, 3, 5>;
  static_assert(__is_same(shape_of_t<decltype(row_sum(a))>, shape<2, 3>));
  static_assert(__is_same(shape_of_t<decltype(row_sum<3>(a))>, shape<>));
  static_assert(__is_same(shape_of_t<decltype(row_max(a))>, shape<2, 3>));
  static_assert(__is_same(shape_of_t<decltype(row_mean<2>(a))>, shape<2>));
  BOOST_TEST(to_string(row_max(a)) == "row_max(a)");
}

BOOST_AUTO_TEST_CASE(gradcheck_and_second_derivatives) {
  constexpr auto a = param<"a", 3, 4, 5>;
  constexpr auto loss =
      sum(sin(row_sum(a))) + sum(pow<2>(row_max(tanh(a)))) + sum(exp(row_mean<2>(a)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 16);
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  constexpr auto smooth = sum(sin(row_sum(a))) + sum(exp(row_mean<2>(a)));
  constexpr auto inner = sum(pow<2>(d(smooth, a)));
  auto const r2 = check::gradcheck(inner, ps);
  BOOST_TEST_MESSAGE("second order: worst relative error " << r2.max_relative_error);
  BOOST_TEST(r2.ok(1e-7));
}
