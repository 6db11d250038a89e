// SPDX-License-Identifier: BSL-1.0
// The standard normal distribution's density and distribution function, elementwise (the
// parts of the exact GELU and of its derivatives):
//   normal_pdf:  a = phi(z) = e^(-z^2/2) / sqrt(2 pi)       dz = da * (-z) * phi(z)
//   normal_cdf:  a = Phi(z) = (1 + erf(z / sqrt 2)) / 2     dz = da * phi(z)
// (PyTorch's form of Phi, so GELU's values agree with torch's to the last bits.) Each
// derivative is written with the other node, so any order of derivative works.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/math/erf.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>

namespace ctgrad {

namespace detail {
inline constexpr long double inv_sqrt_2pi = 0.39894228040143267793994605993438187L;
inline constexpr long double inv_sqrt_2 = 0.70710678118654752440084436210484904L;
}  // namespace detail

/// The node of normal_pdf(z): phi(z) = e^(-z^2/2) / sqrt(2 pi).
template <class Z> struct normal_pdf_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normal_pdf"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return math::exp(T(-0.5) * z * z) * static_cast<T>(detail::inv_sqrt_2pi);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, normal_pdf_node a, auto da) { return -(da * z * a); }
};

/// The node of normal_cdf(z): Phi(z) = (1 + erf(z / sqrt 2)) / 2.
template <class Z> struct normal_cdf_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "normal_cdf"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    return T(0.5) * (T(1) + math::erf(z * static_cast<T>(detail::inv_sqrt_2)));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, normal_cdf_node, auto da) { return da * normal_pdf_node<Z>{}; }
};

/// The standard normal density e^(-z^2/2) / sqrt(2 pi), elementwise.
template <Expression Z> constexpr auto normal_pdf(Z) { return normal_pdf_node<Z>{}; }
/// The standard normal distribution function (1 + erf(z / sqrt 2)) / 2, elementwise.
template <Expression Z> constexpr auto normal_cdf(Z) { return normal_cdf_node<Z>{}; }

}  // namespace ctgrad
