// SPDX-License-Identifier: BSL-1.0
// Normalisation layers for sequential (layers/sequential.hpp), with PyTorch's state_dict names:
//   sequential(X, layer::conv2d<32, 3>, layer::batch_norm, layer::relu, ...)
//   layer::batch_norm      torch.nn.BatchNorm1d(F) on [B, F], BatchNorm1d(C) on [B, C, L],
//                          BatchNorm2d(C) on [B, C, H, W]: layer k (counted with the dense and
//                          convolution layers) owns the parameters "bnk.weight", "bnk.bias" [C]
//                          and the buffers "bnk.running_mean", "bnk.running_var" [C]
//                          (ctgrad::buffer: in the parameter set, saved and loaded with it,
//                          never changed by an optimiser). Its mode is the scalar input
//                          ctgrad::train_mode: > 0 normalises with the batch's statistics
//                          (training), otherwise with the running ones (evaluation).
//                          train::fit binds 1 and updates the running statistics after every
//                          step with PyTorch's momentum rule (1/10, unbiased variance);
//                          train::evaluate and fit's validation bind 0. eps 1e-5.
//   layer::batch_norm_eps<Num, Den>: another eps. The momentum is PyTorch's default, 1/10.
//   layer::layer_norm<N>   torch.nn.LayerNorm over the last N axes (default 1): "lnk.weight",
//                          "lnk.bias" of the shape of those axes; no mode, no buffers.
// init::apply sets every "weight" of rank 1 to one and "running_var" to one (PyTorch's
// initial values), the other vectors to zero.
#pragma once

#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/layers/sequential.hpp>
#include <ctgrad/ops/batch_norm.hpp>
#include <ctgrad/ops/layer_norm.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace ctgrad {

namespace detail {

// The name Prefix + Stem + decimal K + Suffix, as a name<chars...> type ("bn2.weight").
template <fixed_string Prefix, fixed_string Stem, std::size_t K, fixed_string Suffix>
struct module_param_name {
  static constexpr auto spelled = [] {
    std::array<char, Prefix.view().size() + Stem.view().size() + Suffix.view().size() + 21> text{};
    std::size_t length = 0;
    for (char ch : Prefix.view()) text[length++] = ch;
    for (char ch : Stem.view()) text[length++] = ch;
    char digits[21]{};
    std::size_t count = 0;
    for (std::size_t rest = K; rest != 0 || count == 0; rest /= 10)
      digits[count++] = static_cast<char>('0' + rest % 10);
    while (count != 0) text[length++] = digits[--count];
    for (char ch : Suffix.view()) text[length++] = ch;
    return std::pair{text, length};
  }();
  template <std::size_t... Is>
  static auto make(std::index_sequence<Is...>) -> name<spelled.first[Is]...>;
  using type = decltype(make(std::make_index_sequence<spelled.second>{}));
};

template <fixed_string Prefix, fixed_string Stem, std::size_t K, fixed_string Suffix, class Shape,
          class Role>
using module_var = var_node<typename module_param_name<Prefix, Stem, K, Suffix>::type, Shape, Role>;

// The shape of the last N axes of S.
template <class S, std::size_t N, class Seq = std::make_index_sequence<N>> struct trailing_shape;
template <class S, std::size_t N, std::size_t... Is>
struct trailing_shape<S, N, std::index_sequence<Is...>> {
  using type = shape<S::dims[S::rank - N + Is]...>;
};

}  // namespace detail

namespace layer {

/// Batch norm over axis 1 (features or channels) with eps = EpsNum / EpsDen.
template <std::intmax_t EpsNum, std::intmax_t EpsDen> struct batch_norm_t {
  /// The layer has parameters, numbered by sequential (bn<Index>.weight, ...).
  static constexpr bool numbered = true;
  /// The batch norm of e with parameters Prefix bn<Index>.weight and .bias and buffers
  /// .running_mean and .running_var [C], in the mode train_mode.
  template <detail::fixed_string Prefix, std::size_t Index, class E>
  static constexpr auto apply(E e) {
    using s = shape_of_t<E>;
    if constexpr (s::rank < 2) {
      static_assert(s::rank >= 2,
                    "ctgrad::sequential: a batch_norm layer needs a [batch, features] or [batch, "
                    "channels, ...] input");
      return invalid_expression{};
    } else {
      using c = shape<s::dims[1]>;
      using weight = detail::module_var<Prefix, "bn", Index, ".weight", c, param_role>;
      using bias = detail::module_var<Prefix, "bn", Index, ".bias", c, param_role>;
      using mean = detail::module_var<Prefix, "bn", Index, ".running_mean", c, buffer_role>;
      using var = detail::module_var<Prefix, "bn", Index, ".running_var", c, buffer_role>;
      return ctgrad::batch_norm<EpsNum, EpsDen>(e, weight{}, bias{}, mean{}, var{}, train_mode);
    }
  }
};

/// Layer norm over the last N axes with eps = EpsNum / EpsDen.
template <std::size_t N, std::intmax_t EpsNum, std::intmax_t EpsDen> struct layer_norm_t {
  static_assert(N >= 1, "ctgrad::layer::layer_norm<N>: N >= 1 axes");
  /// The layer has parameters, numbered by sequential (ln<Index>.weight, ...).
  static constexpr bool numbered = true;
  /// The layer norm of e over its last N axes with parameters Prefix ln<Index>.weight and .bias.
  template <detail::fixed_string Prefix, std::size_t Index, class E>
  static constexpr auto apply(E e) {
    using s = shape_of_t<E>;
    if constexpr (s::rank < N + 1) {
      static_assert(s::rank >= N + 1,
                    "ctgrad::sequential: a layer_norm<N> layer needs an input of a batch axis and "
                    "at least N more");
      return invalid_expression{};
    } else {
      using t = typename detail::trailing_shape<s, N>::type;
      using weight = detail::module_var<Prefix, "ln", Index, ".weight", t, param_role>;
      using bias = detail::module_var<Prefix, "ln", Index, ".bias", t, param_role>;
      return ctgrad::layer_norm<N, EpsNum, EpsDen>(e, weight{}, bias{});
    }
  }
};

/// torch.nn.BatchNorm1d/2d: layer::batch_norm (its mode: ctgrad::train_mode).
inline constexpr batch_norm_t<1, 100000> batch_norm{};
/// The same with another eps:  layer::batch_norm_eps<1, 1000>.
template <std::intmax_t EpsNum, std::intmax_t EpsDen>
inline constexpr batch_norm_t<EpsNum, EpsDen> batch_norm_eps{};
/// torch.nn.LayerNorm over the last N axes:  layer::layer_norm<1>.
template <std::size_t N = 1, std::intmax_t EpsNum = 1, std::intmax_t EpsDen = 100000>
inline constexpr layer_norm_t<N, EpsNum, EpsDen> layer_norm{};

}  // namespace layer

}  // namespace ctgrad
