// SPDX-License-Identifier: BSL-1.0
// sigmoid:     a = σ(z) = 1 / (1 + e^(-z))
// chain rule:  dz = da * a * (1 - a)      (reuses the output a, not z)
// rules:       σ(0) = 1/2
#pragma once

#include <ctgrad/core/constant.hpp>
#include <ctgrad/core/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/sub.hpp>

namespace ctgrad {

template <class Z> struct sigmoid_node : node<Z> {
  using shape = shape_of_t<Z>;  // elementwise
  static constexpr print_style style{print_style::call, "sigmoid"};
  static constexpr auto forward(auto z) {
    // Only ever exponentiate a non-positive number, so nothing overflows for large |z|.
    using T = decltype(z);
    if (z >= T{0}) return T{1} / (T{1} + math::exp(-z));
    T e = math::exp(z);
    return e / (T{1} + e);
  }
  static constexpr auto vjp(Z, sigmoid_node a, auto da) { return da * (a * (one_t{} - a)); }
};

template <class T> inline constexpr bool is_sigmoid_v = false;
template <class Z> inline constexpr bool is_sigmoid_v<sigmoid_node<Z>> = true;

/// σ(z) = 1 / (1 + e^(-z)).
template <Expression Z> constexpr auto sigmoid(Z) {
  if constexpr (detail::is_zero_v<Z>) {
    return constant<1, 2>;
  } else {
    return sigmoid_node<Z>{};
  }
}

}  // namespace ctgrad
