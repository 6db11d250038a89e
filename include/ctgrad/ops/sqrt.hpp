// SPDX-License-Identifier: BSL-1.0
// sqrt:        a = √z                     (z ≥ 0)
// chain rule:  dz = da / (2 a)            (reuses the output a; infinite at z = 0)
// rules:       sqrt(0) = 0, sqrt(1) = 1
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/mul.hpp>

namespace ctgrad {

template <class Z> struct sqrt_node : node<Z> {
  using shape = shape_of_t<Z>;  // elementwise
  static constexpr print_style style{print_style::call, "sqrt"};
  static constexpr auto forward(auto z) { return math::sqrt(z); }
  static constexpr auto vjp(Z, sqrt_node a, auto da) { return da / (constant<2> * a); }
};

/// √z.
template <Expression Z> constexpr auto sqrt(Z z) {
  if constexpr (detail::is_zero_v<Z> || detail::is_one_v<Z>) {
    return z;
  } else {
    return sqrt_node<Z>{};
  }
}

}  // namespace ctgrad
