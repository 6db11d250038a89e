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

struct gelu_t {
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::gelu(z); }
};
struct gelu_tanh_t {
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::gelu_tanh(z); }
};
struct silu_t {
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::silu(z); }
};
struct softplus_t {
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::softplus(z); }
};
template <std::intmax_t Num, std::intmax_t Den> struct elu_t {
  template <Expression Z> constexpr auto operator()(Z z) const { return ctgrad::elu<Num, Den>(z); }
};

inline constexpr gelu_t gelu{};
inline constexpr gelu_tanh_t gelu_tanh{};
inline constexpr silu_t silu{};
inline constexpr softplus_t softplus{};
template <std::intmax_t Num = 1, std::intmax_t Den = 1> inline constexpr elu_t<Num, Den> elu{};

}  // namespace ctgrad::layer
