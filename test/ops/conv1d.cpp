// SPDX-License-Identifier: BSL-1.0
// conv1d against PyTorch (float64, test/reference/torch_refs.txt): values and the gradients
// of sum(y * g) for x, w and b over strides, paddings, dilations and groups on odd lengths;
// central differences (gradcheck).
#define BOOST_TEST_MODULE ops.conv1d
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_reference.hpp"

#include <string>

using namespace ctgrad;

namespace {

constexpr double tolerance = 1e-10;

template <bool Bias, class... Opts, class X, class W, class B>
constexpr auto conv_of(X x, W w, B b) {
  if constexpr (Bias) {
    return conv1d(x, w, b, Opts{}...);
  } else {
    return conv1d(x, w, Opts{}...);
  }
}

// One reference case: x [B, C, L], w [O, C/groups, K], b [O] when Bias.
template <std::size_t B, std::size_t C, std::size_t L, std::size_t O, std::size_t CG, std::size_t K,
          bool Bias, class... Opts>
void check_against_torch(std::string const& name) {
  auto const& ref = test::torch_refs().at(name);
  constexpr auto x = param<"x", B, C, L>;
  constexpr auto w = param<"w", O, CG, K>;
  constexpr auto b = param<"b", O>;
  constexpr auto y = conv_of<Bias, Opts...>(x, w, b);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  ps[x] = ref.tensor<double, shape<B, C, L>>("x");
  ps[w] = ref.tensor<double, shape<O, CG, K>>("w");
  if constexpr (Bias) ps[b] = ref.tensor<double, shape<O>>("b");
  test::check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = ref.tensor<double, Y>("g"));
  test::check_close(gr[x], ref.tensor<double, shape<B, C, L>>("dx"), tolerance, name + " dx");
  test::check_close(gr[w], ref.tensor<double, shape<O, CG, K>>("dw"), tolerance, name + " dw");
  if constexpr (Bias)
    test::check_close(gr[b], ref.tensor<double, shape<O>>("db"), tolerance, name + " db");
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  check_against_torch<2, 3, 9, 4, 3, 3, true>("conv1d.b2c3l9.o4k3.s1p0d1g1");
  check_against_torch<2, 4, 10, 2, 2, 4, true, stride_t<2>, padding_t<1>, groups_t<2>>(
      "conv1d.b2c4l10.o2k4.s2p1d1g2");
  check_against_torch<1, 3, 11, 6, 1, 3, true, stride_t<3>, padding_t<2>, dilation_t<2>,
                      groups_t<3>>("conv1d.b1c3l11.o6k3.s3p2d2g3");
  check_against_torch<3, 2, 7, 2, 2, 5, true, padding_t<4>>("conv1d.b3c2l7.o2k5.s1p4d1g1");
  check_against_torch<2, 2, 6, 3, 2, 2, false, dilation_t<3>>("conv1d.b2c2l6.o3k2.s1p0d3g1.nobias");
}

BOOST_AUTO_TEST_CASE(shape_rule) {
  constexpr auto x = input<"x", 2, 3, 9>;
  constexpr auto w = param<"w", 4, 3, 3>;
  static_assert(__is_same(shape_of_t<decltype(conv1d(x, w))>, shape<2, 4, 7>));
  static_assert(__is_same(shape_of_t<decltype(conv1d(x, w, stride<2>, padding<1>, dilation<2>))>,
                          shape<2, 4, 4>));
  BOOST_TEST(to_string(conv1d(x, w)) == "conv1d(x, w)");
}

BOOST_AUTO_TEST_CASE(gradcheck_with_a_nonlinear_loss) {
  constexpr auto x = param<"x", 2, 4, 11>;
  constexpr auto w = param<"w", 4, 1, 3>;
  constexpr auto b = param<"b", 4>;
  constexpr auto loss =
      sum(sigmoid(conv1d(x, w, b, stride<2>, padding<2>, dilation<2>, groups<4>)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 12);
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(r.entries_checked == decltype(ps)::scalar_count);
}
