// SPDX-License-Identifier: BSL-1.0
// clamped_log: a = max(ln p, -100)         (the log inside the probability losses)
// chain rule:  dp = da / max(p, 1e-12)
// torch.nn.BCELoss's policy: log 0 is -100 rather than -inf, so y * log p is 0, not NaN,
// where y = 0 and p = 0, and a loss stays finite where a probability underflowed to 0; the
// derivative keeps its sign and a finite size (at most 1e12) there, so training still
// pushes p up. NaN propagates; p < 0 gives NaN (ln p is NaN) and p = +inf gives +inf.
#pragma once

#include <ctgrad/expr/node.hpp>
#include <ctgrad/math/elementary.hpp>

#include <string>

namespace ctgrad {

/// The VJP of clamped_log: da / max(p, 1e-12). Not differentiable again.
template <class P, class DA> struct clamped_log_backward_node : node<P, DA> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<P>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 20, 21, 0};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& p, std::string const& da) {
    return da + " / max(" + p + ", 1e-12)";
  }
  /// The node's value, from its children's values.
  static constexpr auto forward(auto p, auto da) {
    using T = decltype(p);
    // NaN < eps is false: a NaN p stays NaN.
    return da / (p < T(1e-12) ? T(1e-12) : p);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  template <class... Ts> static constexpr auto vjp(Ts...) {
    static_assert(detail::always_false<P>,
                  "ctgrad: second derivatives through clamped_log (the log of a probability "
                  "loss) are not supported");
    return invalid_expression{};
  }
};

/// The node of clamped_log(...): a = max(ln p, -100) (the log inside the probability losses).
template <class P> struct clamped_log_node : node<P> {
  /// Shape of the node's value (this header's shape rule).
  using shape = shape_of_t<P>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::call, "clamped_log"};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto p) {
    using T = decltype(p);
    T const a = math::log(p);
    return a < T(-100) ? T(-100) : a;  // NaN < -100 is false: NaN propagates
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(P, clamped_log_node, auto da) {
    return clamped_log_backward_node<P, decltype(da)>{};
  }
};

/// max(ln p, -100), the log used by cross_entropy and binary_cross_entropy on probabilities.
template <Expression P> constexpr auto clamped_log(P) { return clamped_log_node<P>{}; }

}  // namespace ctgrad
