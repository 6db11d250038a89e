// SPDX-License-Identifier: BSL-1.0
// Every node template, declared once, so rules in one primitive's header can recognise
// another primitive's node (a*a -> a^2 needs pow_node) without include order mattering.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/fixed_string.hpp>

#include <cstdint>

namespace ctgrad {

template <std::intmax_t N, std::intmax_t D> struct constant_node;
template <class Name, class Shape, class Role> struct var_node;
template <class Name, class A> struct named_node;

template <class A, class B> struct add_node;
template <class A, class B> struct sub_node;
template <class... Ts> struct add_n_node;
template <class A, class B> struct mul_node;
template <class A, class B> struct div_node;
template <class A> struct neg_node;
template <class A, int N> struct pow_node;
template <class A, class S> struct broadcast_to_node;

template <class Z> struct exp_node;
template <class Z> struct log_node;
template <class P> struct clamped_log_node;
template <class Z> struct sin_node;
template <class Z> struct cos_node;
template <class Z> struct tanh_node;
template <class Z> struct sigmoid_node;
template <class Z> struct relu_node;
template <class Z> struct step_node;
template <class Z> struct sqrt_node;
template <class Z> struct abs_node;
template <class Z> struct sign_node;

// Convolutional and normalised nets (issue 14).
template <class X, class W, class Window> struct conv_node;
template <class X, class W, class Bias, class Window> struct conv_bias_node;
template <class DY, class W, class Window, class XShape> struct conv_input_grad_node;
template <class X, class DY, class Window, class WShape> struct conv_weight_grad_node;
template <class DY> struct channel_sum_node;
template <class X, class S> struct channel_mul_node;
template <class X, class S> struct channel_add_node;
template <class X, class Kernel, class Window> struct max_pool_node;
template <class X, class DY, class Kernel, class Window> struct max_pool_grad_node;
template <class X, class Kernel, class Window> struct avg_pool_node;
template <class DY, class Kernel, class Window, class XShape> struct avg_pool_grad_node;
template <class A, class S> struct row_sum_node;
template <class A, class S> struct row_repeat_node;
template <class A> struct row_max_node;
template <class A, class DC> struct row_max_grad_node;
template <class A, class S> struct reshape_node;
template <class A, class Axis, class Begin, class End> struct slice_node;
template <class A, class Axis, class Begin, class S> struct embed_node;
template <class Axis, class... As> struct concat_node;
template <class Z> struct normal_pdf_node;
template <class Z> struct normal_cdf_node;
template <class Z> struct gelu_node;
template <class Z> struct gelu_tanh_node;
template <class Z> struct gelu_tanh_grad_node;
template <class Z, class Alpha> struct elu_node;
template <class Z, class Alpha, class Above> struct elu_slope_node;
template <class Z> struct silu_node;
template <class Z> struct softplus_node;
template <class Z> struct softplus_grad_node;
template <class X, class N, class Eps> struct normalize_rows_node;
template <class X, class XH, class DXH, class N, class Eps> struct normalize_rows_grad_node;
template <class X, class Eps> struct normalize_channels_node;
template <class X, class Seed, class P> struct dropout_node;
template <class X, class XH, class DXH, class Eps> struct normalize_channels_grad_node;
template <class X, class Mean, class Var, class Eps> struct normalize_running_node;
template <class Cond, class A, class B> struct select_node;
template <class Cond, class DY, bool Pass> struct gate_node;

// Declared here because mul's rule t^m * t^n = t^(m+n) names it before ops/pow.hpp is read.
template <int N, Expression A> constexpr auto pow(A a);

}  // namespace ctgrad
