// SPDX-License-Identifier: BSL-1.0
// sin:         a = sin z
// chain rule:  dz = da * cos z
// rules:       sin(0) = 0
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/cos.hpp>
#include <ctgrad/ops/mul.hpp>

namespace ctgrad {

template <class Z> struct sin_node : node<Z> {
  using shape = shape_of_t<Z>;  // elementwise
  static constexpr print_style style{print_style::call, "sin"};
  static constexpr auto forward(auto z) { return math::sin(z); }
  static constexpr auto vjp(Z z, sin_node, auto da) { return da * cos(z); }
};

/// sin z.
template <Expression Z> constexpr auto sin(Z) {
  if constexpr (detail::is_zero_v<Z>) {
    return zero_t{};
  } else {
    return sin_node<Z>{};
  }
}

}  // namespace ctgrad
