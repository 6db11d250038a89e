// SPDX-License-Identifier: BSL-1.0
// named:       a name for an intermediate result, so expressions and derivatives print
//              in the lesson's notation:  z = x^2, y = sin(z)  ->  d(y^2)/dx = 4*y*cos(z)*x
// chain rule:  dz = da                    (the identity; it changes printing only)
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/fixed_string.hpp>

#include <string>

namespace ctgrad {

/// The node of named<"z">(a): a under a name, printed as that name wherever it appears; its value
/// and gradient are a's.
template <class Name, class A> struct named_node : node<A> {
  /// The shape of a.
  using shape = shape_of_t<A>;
  /// The name given.
  static constexpr std::string_view name = Name::view();
  /// A named intermediate prints as its name.
  static constexpr print_style style{print_style::leaf};
  /// The name as text.
  static std::string label() { return std::string(name); }
  /// The value of a, unchanged.
  static constexpr auto forward(auto a) { return a; }
  /// The adjoint passes through: da = dz.
  static constexpr auto vjp(A, named_node, auto da) { return da; }
};

/// Gives `a` a name used when printing.   auto z = ctgrad::named<"z">(pow<2>(x));
template <detail::fixed_string Name, Expression A> constexpr auto named(A) {
  return named_node<detail::to_name_t<Name>, A>{};
}

}  // namespace ctgrad
