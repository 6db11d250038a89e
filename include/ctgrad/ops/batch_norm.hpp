// SPDX-License-Identifier: BSL-1.0
// Batch normalisation of x [B, C] or [B, C, L] or [B, C, H, W] (torch.nn.BatchNorm1d/2d),
// eps 1e-5 unless given; gamma, beta [C]:
//   training:    xh = normalize_channels(x): each channel over the batch and the spatial axes,
//                (x - mean) / sqrt(var + eps), the batch's mean and biased variance
//                y = channel_add(channel_mul(xh, gamma), beta)
//                chain rule (per channel of n values, s = sqrt(var + eps)):
//                dx = (dxh - mean(dxh) - xh mean(dxh xh)) / s: the gradient through the
//                batch mean and variance
//   evaluation:  y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta, the
//                running statistics inputs of the expression (not trained)
//   update_running_stats(running_mean, running_var, x): PyTorch's momentum rule
//                r = (1 - m) r + m batch_stat, the variance unbiased (n / (n - 1)), m = 1/10
//   with a mode: batch_norm(x, gamma, beta, running_mean, running_var, mode) is the training
//                form when the scalar mode > 0, the evaluation form otherwise (select,
//                ops/select.hpp); the running statistics get no gradient (they are buffers,
//                updated by train::fit, not by an optimiser). train_mode is the mode input
//                train::fit binds to 1 and train::evaluate to 0 (layer::batch_norm uses it).
#pragma once

#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/kernels/normalize.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/channel.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/select.hpp>
#include <ctgrad/ops/sqrt.hpp>
#include <ctgrad/ops/sub.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctgrad {

/// The adjoint of normalize_channels. Not differentiable again.
template <class X, class XH, class DXH, class Eps>
struct normalize_channels_grad_node : node<X, XH, DXH> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normalize_channels_grad"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* dx, T const* x, T const* xh, T const* dxh) {
    kernels::normalize_channels_grad<Acc, view::outer, view::channels, view::inner>(
        dx, x, xh, dxh, Eps::template value<T>());
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<X>,
                  "ctgrad: second derivatives through batch_norm are not supported");
    return invalid_expression{};
  }
};

/// The node inside batch_norm: each channel of x over the batch and spatial axes, (x - mean) /
/// sqrt(var + eps).
template <class X, class Eps> struct normalize_channels_node : node<X> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normalize_channels"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T> static constexpr void forward_into(T* out, T const* x) {
    kernels::normalize_channels<Acc, view::outer, view::channels, view::inner>(
        out, x, Eps::template value<T>());
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, normalize_channels_node, auto dxh) {
    return normalize_channels_grad_node<X, normalize_channels_node, decltype(dxh), Eps>{};
  }
};

/// x [B, C, ...] normalised per channel with the batch's statistics, eps = EpsNum / EpsDen.
template <std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X>
constexpr auto normalize_channels(X) {
  static_assert(shape_of_t<X>::rank >= 2,
                "ctgrad::normalize_channels(x): x must be [batch, channels, ...]");
  return normalize_channels_node<X, std::remove_cv_t<decltype(constant<EpsNum, EpsDen>)>>{};
}

/// True when x is [batch, channels, ...] and each of the vectors is [channels].
template <class SX, class... SV>
inline constexpr bool batch_norm_shapes_fit_v = SX::rank >= 2 &&
                                                ((SV::rank == 1 && SV::dims[0] == SX::dims[1]) &&
                                                 ...);

/// Batch norm in training mode (batch statistics): torch.nn.BatchNorm1d/2d(C).train().
template <std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X, Expression Gamma,
          Expression Beta>
constexpr auto batch_norm(X x, Gamma gamma, Beta beta) {
  if constexpr (!batch_norm_shapes_fit_v<shape_of_t<X>, shape_of_t<Gamma>, shape_of_t<Beta>>) {
    static_assert(batch_norm_shapes_fit_v<shape_of_t<X>, shape_of_t<Gamma>, shape_of_t<Beta>>,
                  "ctgrad::batch_norm(x, gamma, beta): x must be [batch, channels, ...] and gamma, "
                  "beta [channels]");
    return invalid_expression{};
  } else {
    return channel_add(channel_mul(normalize_channels<EpsNum, EpsDen>(x), gamma), beta);
  }
}

/// Batch norm in evaluation mode with running statistics (inputs [C], not trained):
/// torch.nn.BatchNorm1d/2d(C).eval().
template <std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X, Expression Gamma,
          Expression Beta, Expression Mean, Expression Var>
constexpr auto batch_norm_eval(X x, Gamma gamma, Beta beta, Mean mean, Var var) {
  using sx = shape_of_t<X>;
  if constexpr (!batch_norm_shapes_fit_v<sx, shape_of_t<Gamma>, shape_of_t<Beta>, shape_of_t<Mean>,
                                         shape_of_t<Var>>) {
    static_assert(batch_norm_shapes_fit_v<sx, shape_of_t<Gamma>, shape_of_t<Beta>, shape_of_t<Mean>,
                                          shape_of_t<Var>>,
                  "ctgrad::batch_norm_eval(x, gamma, beta, mean, var): x must be [batch, channels, "
                  "...] and the others [channels]");
    return invalid_expression{};
  } else {
    auto const scale = gamma / sqrt(var + constant<EpsNum, EpsDen>);
    return channel_add(channel_mul(x, scale), beta - mean * scale);
  }
}

/// x normalised per channel with given statistics (x - mean) / sqrt(var + eps); the
/// statistics get no gradient (running statistics, not trained).
template <class X, class Mean, class Var, class Eps>
struct normalize_running_node : node<X, Mean, Var> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<X>;
  /// How the kernels index the value around the chosen axis (an internal layout).
  using view = detail::channel_view<shape>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normalize_running"};
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* out, T const* x, T const* mean, T const* var) {
    kernels::normalize_with_stats<Acc, view::outer, view::channels, view::inner>(
        out, x, mean, var, Eps::template value<T>());
  }
  /// PyTorch's momentum rule for this node's statistics, from a batch x (train::fit).
  template <class T> static constexpr void update_running(T* mean, T* var, T const* x, T momentum) {
    kernels::update_running_stats<view::outer, view::channels, view::inner>(mean, var, x, momentum);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(X, Mean, Var, normalize_running_node, auto dy) {
    return make_adjoints(channel_mul(dy, constant<1> / sqrt(Var{} + Eps{})), zero_t{}, zero_t{});
  }
};

/// The input train::fit binds to 1 (training) and train::evaluate to 0 (evaluation):
/// the mode of layer::batch_norm. Bind it yourself elsewhere: eval(net, params, X = x, train_mode =
/// 0).
using train_mode_t = var_node<detail::to_name_t<"train_mode">, shape<>, input_role>;
/// The scalar input train_mode (1 in train::fit, 0 in train::evaluate), the mode of
/// layer::batch_norm.
inline constexpr train_mode_t train_mode{};

/// Batch norm whose mode is the scalar input mode (> 0: training, batch statistics; else
/// evaluation, the running statistics mean and var [C], which get no gradient).
template <std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000, Expression X, Expression Gamma,
          Expression Beta, Expression Mean, Expression Var, Expression Mode>
constexpr auto batch_norm(X x, Gamma gamma, Beta beta, Mean, Var, Mode mode) {
  using sx = shape_of_t<X>;
  if constexpr (!batch_norm_shapes_fit_v<sx, shape_of_t<Gamma>, shape_of_t<Beta>, shape_of_t<Mean>,
                                         shape_of_t<Var>>) {
    static_assert(
        batch_norm_shapes_fit_v<sx, shape_of_t<Gamma>, shape_of_t<Beta>, shape_of_t<Mean>,
                                shape_of_t<Var>>,
        "ctgrad::batch_norm(x, gamma, beta, mean, var, mode): x must be [batch, channels, "
        "...] and the others [channels]");
    return invalid_expression{};
  } else if constexpr (shape_of_t<Mode>::rank != 0) {
    static_assert(shape_of_t<Mode>::rank == 0,
                  "ctgrad::batch_norm(x, gamma, beta, mean, var, mode): the mode must be a scalar");
    return invalid_expression{};
  } else {
    using eps = std::remove_cv_t<decltype(constant<EpsNum, EpsDen>)>;
    auto const xh = select(mode, normalize_channels<EpsNum, EpsDen>(x),
                           normalize_running_node<X, Mean, Var, eps>{});
    return channel_add(channel_mul(xh, gamma), beta);
  }
}

/// PyTorch's running statistics update after a training step on the batch x [B, C, ...]:
/// mean = (1 - m) mean + m batch_mean,  var = (1 - m) var + m batch_var * n / (n - 1),
/// m = MomNum / MomDen (default 1/10).
template <std::intmax_t MomNum = 1, std::intmax_t MomDen = 10, class T, std::size_t C, class SX>
constexpr void update_running_stats(tensor<T, shape<C>>& mean, tensor<T, shape<C>>& var,
                                    tensor<T, SX> const& x) {
  static_assert(SX::rank >= 2 && SX::dims[1] == C,
                "ctgrad::update_running_stats(mean, var, x): x must be [batch, channels, ...] and "
                "mean, var [channels]");
  using view = detail::channel_view<SX>;
  kernels::update_running_stats<view::outer, C, view::inner>(
      mean.data.data(), var.data.data(), x.data.data(),
      static_cast<T>(MomNum) / static_cast<T>(MomDen));
}

}  // namespace ctgrad
