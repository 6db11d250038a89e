// SPDX-License-Identifier: BSL-1.0
// step:        a = (z > 0), 1 where z > 0 and 0 elsewhere (the derivative of relu)
// chain rule:  dz = 0                     (zero almost everywhere; the jump at 0 is ignored)
// rules:       step(c) folds for a constant c
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>

#include <bit>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ctgrad {

/// The node of step(...): a = (z > 0), 1 where z > 0 and 0 elsewhere (the derivative of relu).
template <class Z> struct step_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z) { return "(" + z + " > 0)"; }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    if constexpr (__is_same(T, float) || __is_same(T, double)) {
      if (!std::is_constant_evaluated()) {
        // 1.0's bits under an all-ones or all-zero mask. g++ 12 sees through a converted
        // comparison (and through `z > 0 ? 1 : 0`): it makes relu's rule da * (z > 0) into
        // `z > 0 ? da : da * 0`, whose multiply it may not compute for entries that do not
        // take it (a float multiply can trap, -ftrapping-math), so the rule kept a compare and
        // a branch per entry and was not vectorised. The mask is opaque to that rewrite.
        using U = detail::if_t<__is_same(T, float), std::uint32_t, std::uint64_t>;
        U const mask = U{0} - static_cast<U>(z > T{0});
        return std::bit_cast<T>(static_cast<U>(mask & std::bit_cast<U>(T{1})));
      }
    }
    return static_cast<T>(z > T{0});
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, step_node, auto) { return zero_t{}; }
};

/// 1 where z > 0, else 0.
template <Expression Z> constexpr auto step(Z) {
  if constexpr (detail::is_constant<Z>::value) {
    return constant<(Z::num > 0 ? 1 : 0)>;
  } else {
    return step_node<Z>{};
  }
}

}  // namespace ctgrad
