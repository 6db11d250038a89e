// SPDX-License-Identifier: BSL-1.0
// gelu, elementwise (torch.nn.GELU):
//   exact:  a = z Phi(z)                          dz = da * (Phi(z) + z phi(z))
//   tanh:   a = z (1 + tanh u) / 2,  u = sqrt(2/pi) (z + 0.044715 z^3)
//           dz = da * gelu_tanh_grad(z),  gelu_tanh_grad = (1 + t)/2 + z (1 - t^2) u'/2,
//           t = tanh u,  u' = sqrt(2/pi) (1 + 3 * 0.044715 z^2)
// The exact form's rule is written with normal_cdf and normal_pdf (ops/normal.hpp), so it
// differentiates again; the tanh form's derivative node does not.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/normal.hpp>

namespace ctgrad {

namespace detail {
inline constexpr long double sqrt_2_over_pi = 0.79788456080286535587989211986876373L;
inline constexpr long double gelu_kappa = 0.044715L;
}  // namespace detail

/// The node of gelu(z) (exact): z Phi(z).
template <class Z> struct gelu_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "gelu"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) { return z * normal_cdf_node<Z>::forward(z); }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, gelu_node, auto da) {
    return da * (normal_cdf_node<Z>{} + z * normal_pdf_node<Z>{});
  }
};

/// The derivative of the tanh form of gelu. Not differentiable again.
template <class Z> struct gelu_tanh_grad_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "gelu_tanh_grad"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    T const beta = static_cast<T>(detail::sqrt_2_over_pi);
    T const kappa = static_cast<T>(detail::gelu_kappa);
    T const t = math::tanh(beta * (z + kappa * z * z * z));
    T const du = beta * (T(1) + T(3) * kappa * z * z);
    return T(0.5) * (T(1) + t) + T(0.5) * z * (T(1) - t * t) * du;
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(
        detail::always_false<Z>,
        "ctgrad: second derivatives through gelu_tanh are not supported (use the exact gelu)");
    return invalid_expression{};
  }
};

/// The node of gelu_tanh(z): z (1 + tanh u) / 2, u = sqrt(2/pi) (z + 0.044715 z^3).
template <class Z> struct gelu_tanh_node : node<Z> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<Z>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "gelu_tanh"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto z) {
    using T = decltype(z);
    T const beta = static_cast<T>(detail::sqrt_2_over_pi);
    T const kappa = static_cast<T>(detail::gelu_kappa);
    return T(0.5) * z * (T(1) + math::tanh(beta * (z + kappa * z * z * z)));
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z, gelu_tanh_node, auto da) { return da * gelu_tanh_grad_node<Z>{}; }
};

/// GELU, exact: z Phi(z) (torch.nn.GELU()).
template <Expression Z> constexpr auto gelu(Z) { return gelu_node<Z>{}; }
/// GELU, tanh approximation (torch.nn.GELU(approximate="tanh")).
template <Expression Z> constexpr auto gelu_tanh(Z) { return gelu_tanh_node<Z>{}; }

}  // namespace ctgrad
