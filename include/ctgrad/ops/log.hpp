// SPDX-License-Identifier: BSL-1.0
// log:         a = ln z                  (natural logarithm; z > 0)
// chain rule:  dz = da / z
// rules:       log(1) = 0; log(exp(t)) = t
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/div.hpp>

namespace ctgrad {

template <class Z> struct log_node : node<Z> {
  using shape = shape_of_t<Z>;  // elementwise
  static constexpr print_style style{print_style::call, "log"};
  static constexpr auto forward(auto z) { return math::log(z); }
  static constexpr auto vjp(Z z, log_node, auto da) { return da / z; }
};

namespace detail {
template <class Z> struct log_rule {
  static constexpr auto apply() { return log_node<Z>{}; }
};
template <class T> struct log_rule<exp_node<T>> {
  static constexpr auto apply() { return T{}; }
};
}  // namespace detail

/// ln z.
template <Expression Z> constexpr auto log(Z) {
  if constexpr (detail::is_one_v<Z>) {
    return zero_t{};
  } else {
    return detail::log_rule<Z>::apply();
  }
}

}  // namespace ctgrad
