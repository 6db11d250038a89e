// SPDX-License-Identifier: BSL-1.0
// conv2d against PyTorch (float64, test/reference/torch_refs.txt): values and the gradients
// of sum(y * g) for x, w and b, over strides, paddings, dilations and groups (depthwise
// included) on odd sizes; central differences (gradcheck); second derivatives through the
// bilinear adjoints.
#define BOOST_TEST_MODULE ops.conv2d
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_reference.hpp"

#include <array>
#include <string>

using namespace ctgrad;

namespace {

constexpr double tolerance = 1e-10;

template <bool Bias, class... Opts, class X, class W, class B>
constexpr auto conv_of(X x, W w, B b) {
  if constexpr (Bias) {
    return conv2d(x, w, b, Opts{}...);
  } else {
    return conv2d(x, w, Opts{}...);
  }
}

// One reference case: x [B, C, H, W], w [O, C/groups, KH, KW], b [O] when Bias.
template <std::size_t B, std::size_t C, std::size_t H, std::size_t W, std::size_t O, std::size_t CG,
          std::size_t KH, std::size_t KW, bool Bias, class... Opts>
void check_against_torch(std::string const& name) {
  auto const& ref = test::torch_refs().at(name);
  constexpr auto x = param<"x", B, C, H, W>;
  constexpr auto w = param<"w", O, CG, KH, KW>;
  constexpr auto b = param<"b", O>;
  constexpr auto y = conv_of<Bias, Opts...>(x, w, b);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  ps[x] = ref.tensor<double, shape<B, C, H, W>>("x");
  ps[w] = ref.tensor<double, shape<O, CG, KH, KW>>("w");
  if constexpr (Bias) ps[b] = ref.tensor<double, shape<O>>("b");
  auto const up = ref.tensor<double, Y>("g");
  test::check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = up);
  test::check_close(gr[x], ref.tensor<double, shape<B, C, H, W>>("dx"), tolerance, name + " dx");
  test::check_close(gr[w], ref.tensor<double, shape<O, CG, KH, KW>>("dw"), tolerance, name + " dw");
  if constexpr (Bias)
    test::check_close(gr[b], ref.tensor<double, shape<O>>("db"), tolerance, name + " db");
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  check_against_torch<2, 3, 5, 5, 4, 3, 3, 3, true>("conv2d.b2c3h5w5.o4k3x3.s1p0d1g1");
  check_against_torch<2, 3, 7, 6, 2, 3, 3, 2, true, stride_t<2>, padding_t<1>>(
      "conv2d.b2c3h7w6.o2k3x2.s2p1d1g1");
  check_against_torch<1, 4, 6, 7, 6, 2, 2, 3, true, stride_t<1, 2>, padding_t<2, 1>,
                      dilation_t<2, 1>, groups_t<2>>("conv2d.b1c4h6w7.o6k2x3.s1x2p2x1d2x1g2");
  check_against_torch<2, 3, 5, 5, 3, 1, 3, 3, true, padding_t<1>, groups_t<3>>(
      "conv2d.b2c3h5w5.o3k3x3.s1p1d1g3");
  check_against_torch<2, 2, 9, 8, 4, 1, 3, 3, true, stride_t<2>, dilation_t<2>, groups_t<2>>(
      "conv2d.b2c2h9w8.o4k3x3.s2p0d2g2");
  check_against_torch<3, 1, 4, 4, 2, 1, 1, 1, true>("conv2d.b3c1h4w4.o2k1x1.s1p0d1g1");
  check_against_torch<1, 2, 8, 7, 3, 2, 3, 3, true, stride_t<3>, padding_t<2>, dilation_t<2>>(
      "conv2d.b1c2h8w7.o3k3x3.s3p2d2g1");
  check_against_torch<2, 2, 5, 4, 3, 2, 2, 2, false>("conv2d.b2c2h5w4.o3k2x2.s1p0d1g1.nobias");
}

BOOST_AUTO_TEST_CASE(shape_rule) {
  constexpr auto x = input<"x", 2, 3, 7, 6>;
  constexpr auto w = param<"w", 4, 3, 3, 2>;
  static_assert(__is_same(shape_of_t<decltype(conv2d(x, w))>, shape<2, 4, 5, 5>));
  static_assert(
      __is_same(shape_of_t<decltype(conv2d(x, w, stride<2>, padding<1>))>, shape<2, 4, 4, 4>));
  static_assert(__is_same(shape_of_t<decltype(conv2d(x, w, stride<2, 1>, dilation<2, 3>))>,
                          shape<2, 4, 2, 3>));
  BOOST_TEST(to_string(conv2d(x, w, param<"b", 4>)) == "conv2d(x, w, b)");
}

BOOST_AUTO_TEST_CASE(gradcheck_with_a_nonlinear_loss) {
  constexpr auto x = param<"x", 2, 4, 7, 6>;
  constexpr auto w = param<"w", 6, 2, 3, 2>;
  constexpr auto b = param<"b", 6>;
  constexpr auto loss =
      sum(tanh(conv2d(x, w, b, stride<2, 1>, padding<1, 2>, dilation<1, 2>, groups<2>)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 11);
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(r.entries_checked == decltype(ps)::scalar_count);
}

BOOST_AUTO_TEST_CASE(second_derivatives_through_the_adjoints) {
  // d/dw of (dL/dx . v): conv_input_grad's own VJP, checked against central differences of
  // the first derivative's value, on a small depthwise case.
  constexpr auto x = param<"x", 1, 2, 5, 4>;
  constexpr auto w = param<"w", 2, 1, 2, 2>;
  constexpr auto loss = sum(pow<2>(conv2d(x, w, padding<1>, groups<2>)));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 5);
  auto const g0 = grad(loss, ps);
  // The gradient of loss is itself linear in w (loss quadratic in w); so the change of
  // dL/dx when w moves by h in one entry is exactly h * d2L/dxdw: compare with a second
  // gradient, taken through d(loss, x) written as an expression.
  constexpr auto dldx = d(loss, x);
  constexpr auto inner = sum(dldx * dldx);
  auto const r = check::gradcheck(inner, ps);
  BOOST_TEST_MESSAGE("second order: worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  BOOST_TEST(g0[w].data.size() == 8u);
}

// The stride-1 fast path (whole planes at the input's pitch) against the row-by-row loops,
// on geometries that take each of its branches: padding or none, dilation, channel blocks
// of 4, 2 and 1, groups, accumulation.
template <class D> void check_fast_path() {
  static_assert(kernels::detail::fast_conv_applies<D, double>());
  constexpr std::size_t nx = D::batch * D::channels * D::height * D::width;
  constexpr std::size_t nw = D::outputs * D::in_per_group * D::kh * D::kw;
  constexpr std::size_t ny = D::batch * D::outputs * D::oh * D::ow;
  auto const x = ::test::normal_tensor<double, shape<nx>>(31);
  auto const w = ::test::normal_tensor<double, shape<nw>>(32);
  auto const b = ::test::normal_tensor<double, shape<D::outputs>>(33);
  auto const dy = ::test::normal_tensor<double, shape<ny>>(34);
  std::array<double, ny> y1{}, y2{};
  std::array<double, nx> dx1{}, dx2{};
  std::array<double, nw> dw1{}, dw2{};
  y1.fill(0.5);
  y2.fill(0.5);
  kernels::detail::conv_body<D, true, true>(y1.data(), x.data.data(), w.data.data(), b.data.data());
  kernels::detail::conv_fast<D, true, true>(y2.data(), x.data.data(), w.data.data(), b.data.data());
  kernels::detail::conv_input_grad_body<D, false>(dx1.data(), dy.data.data(), w.data.data());
  kernels::detail::conv_input_grad_fast<D, false>(dx2.data(), dy.data.data(), w.data.data());
  kernels::detail::conv_weight_grad_body<D, false>(dw1.data(), x.data.data(), dy.data.data());
  kernels::detail::conv_weight_grad_fast<D, false>(dw2.data(), x.data.data(), dy.data.data());
  for (std::size_t i = 0; i < ny; ++i)
    BOOST_TEST(y1[i] == y2[i], boost::test_tools::tolerance(1e-12));
  for (std::size_t i = 0; i < nx; ++i)
    BOOST_TEST(dx1[i] == dx2[i], boost::test_tools::tolerance(1e-12));
  for (std::size_t i = 0; i < nw; ++i)
    BOOST_TEST(dw1[i] == dw2[i], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(fast_path_matches_the_row_loops) {
  //                         B  C  H  W  O  KH KW SH SW PH PW DH DW G
  check_fast_path<kernels::conv_dims<2, 3, 7, 6, 4, 3, 2, 1, 1, 0, 0, 1, 1, 1>>();
  check_fast_path<kernels::conv_dims<1, 4, 6, 7, 6, 2, 3, 1, 1, 2, 1, 2, 1, 2>>();
  check_fast_path<kernels::conv_dims<2, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3>>();
  check_fast_path<kernels::conv_dims<1, 8, 9, 5, 8, 3, 3, 1, 1, 1, 2, 1, 2, 2>>();
  check_fast_path<kernels::conv_dims<2, 2, 1, 9, 6, 1, 4, 1, 1, 0, 3, 1, 1, 1>>();  // 1-D
}
