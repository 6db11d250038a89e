// SPDX-License-Identifier: BSL-1.0
// The activations of ops/gelu, elu, silu and softplus as layers for sequential:
//   sequential(X, layer::dense<64>, layer::gelu, layer::dense<10>)
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/ops/elu.hpp>
#include <ctgrad/ops/gelu.hpp>
#include <ctgrad/ops/silu.hpp>
#include <ctgrad/ops/softplus.hpp>

#include <cstdint>

namespace ctgrad::layer {

/// ctgrad::gelu as a layer of sequential.
struct gelu_t {
  /// Returns gelu(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::gelu(z); }
};
/// ctgrad::gelu_tanh as a layer of sequential.
struct gelu_tanh_t {
  /// Returns gelu_tanh(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::gelu_tanh(z); }
};
/// ctgrad::silu as a layer of sequential.
struct silu_t {
  /// Returns silu(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::silu(z); }
};
/// ctgrad::softplus as a layer of sequential.
struct softplus_t {
  /// Returns softplus(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::softplus(z); }
};
/// ctgrad::elu<Num, Den> as a layer of sequential.
template <std::intmax_t Num, std::intmax_t Den> struct elu_t {
  /// Returns elu<Num, Den>(x).
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::elu<Num, Den>(z); }
};

/// ctgrad::gelu in a list of layers: `sequential(X, ..., layer::gelu, ...)`.
inline constexpr gelu_t gelu{};
/// ctgrad::gelu_tanh in a list of layers: `sequential(X, ..., layer::gelu_tanh, ...)`.
inline constexpr gelu_tanh_t gelu_tanh{};
/// ctgrad::silu in a list of layers: `sequential(X, ..., layer::silu, ...)`.
inline constexpr silu_t silu{};
/// ctgrad::softplus in a list of layers: `sequential(X, ..., layer::softplus, ...)`.
inline constexpr softplus_t softplus{};
/// ctgrad::elu in a list of layers, alpha = Num/Den (default 1): `layer::elu<>`.
template <std::intmax_t Num = 1, std::intmax_t Den = 1> inline constexpr elu_t<Num, Den> elu{};

}  // namespace ctgrad::layer
