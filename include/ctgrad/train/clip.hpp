// SPDX-License-Identifier: BSL-1.0
// Gradient clipping and gradient diagnostics over a gradient set.
//   float n = train::clip_grad_norm(grads, 1.0f);   // global L2 norm before clipping
//   train::clip_grad_value(grads, 0.5f);            // each entry into [-0.5, 0.5]
//   auto norms = train::grad_norms(grads);          // std::array: one L2 norm per tensor
// clip_grad_norm follows PyTorch's clip_grad_norm_: with n the norm of all entries together,
// every entry is multiplied by max_norm / (n + 1e-6) when that factor is below 1.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/train/set_ops.hpp>

#include <array>
#include <cmath>
#include <cstddef>

namespace ctgrad::train {

/// Scales g so its global L2 norm is at most max_norm; returns the norm before clipping.
template <class Set>
typename Set::value_type clip_grad_norm(Set& g, typename Set::value_type max_norm) {
  using T = typename Set::value_type;
  double const norm = std::sqrt(squared_norm(g));
  double const factor = static_cast<double>(max_norm) / (norm + 1e-6);
  if (factor < 1.0) scale(g, static_cast<T>(factor));
  return static_cast<T>(norm);
}

/// Clamps every entry of g into [-limit, limit].
template <class Set> constexpr void clip_grad_value(Set& g, typename Set::value_type limit) {
  each([limit](auto& v) { v = v > limit ? limit : (v < -limit ? -limit : v); }, g);
}

/// The L2 norm of each tensor of g, in the set's order (for diagnostics such as the
/// lesson's per-layer gradient norms).
template <class Set> std::array<double, Set::size> grad_norms(Set const& g) {
  std::array<double, Set::size> norms{};
  std::size_t i = 0;
  g.for_each([&](auto, auto const& t) {
    double s = 0;
    for (auto v : t) s += static_cast<double>(v) * static_cast<double>(v);
    norms[i++] = std::sqrt(s);
  });
  return norms;
}

}  // namespace ctgrad::train
