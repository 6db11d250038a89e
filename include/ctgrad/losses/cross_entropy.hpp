// SPDX-License-Identifier: BSL-1.0
// Cross-entropy between predicted distributions p and targets y, rows of a batch [B, C]
// (or one vector [C]), mean over the rows:
//   L = -(1/B) * sum_rows sum_j y_j * log(p_j)
// rule:  cross_entropy(softmax(z), y) becomes softmax_cross_entropy(z, y), which computes
//   L = (1/B) * sum_rows sum_j y_j * (logsumexp(z) - z_j)     (no log of an underflowed p)
//   dL/dz = (p - y) / B        (the lesson's p - y; rows of y are distributions: sum to 1)
//   dL/dy = -log_softmax(z) / B
//   A term with y_j = 0 adds 0 even where z_j = -inf (a masked class): 0 * inf is not NaN.
// any other p:  L = -(1/B) * sum_rows sum_j y_j * clamped_log(p_j)   (log 0 = -100, as
//   torch.nn.BCELoss; dL/dp = -y / (B max(p, 1e-12)); see ops/clamped_log.hpp)
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/kernels/losses.hpp>
#include <ctgrad/ops/clamped_log.hpp>
#include <ctgrad/ops/log_softmax.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>

#include <cstdint>
#include <string>

namespace ctgrad {

/// The fused node: inputs z (logits), p = softmax(z) (already computed for the forward
/// pass, reused by the gradient) and y.
template <class Z, class P, class Y> struct softmax_cross_entropy_node : node<Z, P, Y> {
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<>;
  /// The rows-by-columns layout the kernels use (an internal type).
  using layout = detail::rows_of<shape_of_t<Z>>;
  /// 1 / B (the batch size) as a compile-time rational.
  static constexpr auto inv_rows = constant<1, static_cast<std::intmax_t>(layout::rows)>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z, std::string const&, std::string const& y) {
    return "cross_entropy(softmax(" + z + "), " + y + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* out, T const* z, T const* p, T const* y) {
    kernels::softmax_cross_entropy<Acc, layout::rows, layout::cols>(out, z, p, y);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, P p, Y y, softmax_cross_entropy_node, auto dc) {
    return make_adjoints((p - y) * (dc * inv_rows), zero_t{}, -(log_softmax(z) * (dc * inv_rows)));
  }
};

/// -mean over rows of sum_j y_j log p_j (log clamped at -100); cross_entropy(softmax(z), y)
/// is fused and stable.
template <Expression P, Expression Y> constexpr auto cross_entropy(P p, Y y) {
  using S = shape_of_t<P>;
  if constexpr (!__is_same(S, shape_of_t<Y>) || S::rank == 0 || S::rank > 2) {
    static_assert(same_shape_v<S, shape_of_t<Y>> && S::rank >= 1 && S::rank <= 2,
                  "ctgrad::cross_entropy(p, y): p and y must have the same shape, a vector [C] "
                  "or a batch [B, C]");
    return invalid_expression{};
  } else if constexpr (is_softmax_v<P>) {
    return softmax_cross_entropy_node<detail::at_t<0, children_t<P>>, P, Y>{};
  } else {
    constexpr auto inv_rows = constant<1, static_cast<std::intmax_t>(detail::rows_of<S>::rows)>;
    return -(sum(y * clamped_log(p)) * inv_rows);
  }
}

}  // namespace ctgrad
