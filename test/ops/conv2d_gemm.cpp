// SPDX-License-Identifier: BSL-1.0
// conv2d against PyTorch (float64, test/reference/torch_refs.txt) at sizes where kernels::conv
// takes kernels/conv_gemm.hpp's micro-kernel paths: test/CMakeLists.txt compiles this file
// with -march=native (ops.conv2d, built for the baseline target, runs the loops). One image
// (the weight adjoint's dy^T made once) with padding, and two images with groups and
// dilation; the input adjoint by col2im in both. Values and the gradients of sum(y * g) for
// x, w and b within 1e-10 relative.
#define BOOST_TEST_MODULE ops.conv2d_gemm
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/torch_reference.hpp"

#include <string>

using namespace ctgrad;

namespace {

constexpr double tolerance = 1e-10;
namespace k = ctgrad::kernels;

using one_image = k::conv_dims<1, 8, 9, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1>;
using grouped = k::conv_dims<2, 8, 7, 9, 16, 3, 2, 1, 1, 0, 1, 1, 2, 2>;

#if !defined(CTGRAD_GEMM_PORTABLE) && \
    (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
// The paths these cases are here for (kernels/conv.hpp's dispatch: outlined, then the GEMM).
static_assert(k::detail::conv_work<one_image> >= k::outline_work);
static_assert(k::detail::conv_work<grouped> >= k::outline_work);
static_assert(k::detail::gemm_conv_pays<one_image, double>(k::conv_gemm_fits<one_image, double>,
                                                           one_image::out_per_group));
static_assert(k::detail::gemm_conv_pays<grouped, double>(k::conv_gemm_input_fits<grouped, double>,
                                                         grouped::in_per_group));
static_assert(k::conv_gemm_weight_fits<one_image, double> &&
              k::conv_gemm_weight_fits<grouped, double>);
static_assert(k::conv_gemm_input_col2im<one_image, double>);
static_assert(k::conv_gemm_input_col2im<grouped, double>);
static_assert(k::detail::plan<one_image, double>::w_once);
#endif

template <std::size_t B, std::size_t C, std::size_t H, std::size_t W, std::size_t O, std::size_t CG,
          std::size_t KH, std::size_t KW, class... Opts>
void check_against_torch(std::string const& name) {
  auto const& ref = test::torch_refs().at(name);
  constexpr auto x = param<"x", B, C, H, W>;
  constexpr auto w = param<"w", O, CG, KH, KW>;
  constexpr auto b = param<"b", O>;
  constexpr auto y = conv2d(x, w, b, Opts{}...);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  ps[x] = ref.tensor<double, shape<B, C, H, W>>("x");
  ps[w] = ref.tensor<double, shape<O, CG, KH, KW>>("w");
  ps[b] = ref.tensor<double, shape<O>>("b");
  auto const up = ref.tensor<double, Y>("g");
  test::check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = up);
  test::check_close(gr[x], ref.tensor<double, shape<B, C, H, W>>("dx"), tolerance, name + " dx");
  test::check_close(gr[w], ref.tensor<double, shape<O, CG, KH, KW>>("dw"), tolerance, name + " dw");
  test::check_close(gr[b], ref.tensor<double, shape<O>>("db"), tolerance, name + " db");
}

}  // namespace

BOOST_AUTO_TEST_CASE(gemm_paths_match_pytorch) {
  BOOST_TEST_MESSAGE("kernels::simd::isa = " << k::simd::isa);
  check_against_torch<1, 8, 9, 10, 16, 8, 3, 3, padding_t<1>>("conv2d.b1c8h9w10.o16k3x3.s1p1d1g1");
  check_against_torch<2, 8, 7, 9, 16, 4, 3, 2, padding_t<0, 1>, dilation_t<1, 2>, groups_t<2>>(
      "conv2d.b2c8h7w9.o16k3x2.s1p0x1d1x2g2");
}
