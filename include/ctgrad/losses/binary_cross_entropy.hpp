// SPDX-License-Identifier: BSL-1.0
// Binary cross-entropy of probabilities a against targets y in [0, 1], mean over all
// n elements:
//   L = -(1/n) * sum (y log a + (1 - y) log(1 - a))
// each log clamped at -100 (clamped_log, as torch.nn.BCELoss), so a = 0 or 1 gives a finite
// loss and a finite gradient -y / max(a, 1e-12) + (1 - y) / max(1 - a, 1e-12), over n
// rule:  binary_cross_entropy(sigmoid(z), y) becomes one stable node on the logits:
//   L = (1/n) * sum (max(z, 0) - z y + log(1 + exp(-|z|)))
//   dL/dz = (a - y) / n,   dL/dy = -z / n
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/kernels/losses.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/clamped_log.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>

#include <cstdint>
#include <string>

namespace ctgrad {

/// The fused node of binary_cross_entropy(sigmoid(z), y): stable in z, gradient (sigmoid(z) - y) /
/// n.
template <class Z, class A, class Y> struct sigmoid_binary_cross_entropy_node : node<Z, A, Y> {
  /// Shape of the node's value (this header's shape rule).
  using shape = ctgrad::shape<>;
  /// Number of elements the loss is the mean over.
  static constexpr std::size_t n = shape_of_t<Z>::size;
  /// 1 / n as a compile-time rational.
  static constexpr auto inv_n = constant<1, static_cast<std::intmax_t>(n)>;
  /// How to_string prints the node.
  static constexpr print_style style{print_style::custom, {}, 50};
  /// The node's text, from its children's texts (for to_string).
  static std::string print(std::string const& z, std::string const&, std::string const& y) {
    return "binary_cross_entropy(sigmoid(" + z + "), " + y + ")";
  }
  /// Writes the node's value through the first pointer, from its children's values, with the loops
  /// of kernels/ (with Acc, adds to it instead).
  template <bool Acc, class T>
  static constexpr void forward_into(T* out, T const* z, T const*, T const* y) {
    kernels::sigmoid_binary_cross_entropy<Acc, n>(out, z, y);
  }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(Z z, A a, Y y, sigmoid_binary_cross_entropy_node, auto dc) {
    return make_adjoints((a - y) * (dc * inv_n), zero_t{}, -(z * (dc * inv_n)));
  }
};

/// -mean(y log a + (1 - y) log(1 - a)), logs clamped at -100; binary_cross_entropy(sigmoid(z), y)
/// is fused.
template <Expression A, Expression Y> constexpr auto binary_cross_entropy(A a, Y y) {
  if constexpr (!__is_same(shape_of_t<A>, shape_of_t<Y>)) {
    static_assert(same_shape_v<shape_of_t<A>, shape_of_t<Y>>,
                  "ctgrad::binary_cross_entropy(a, y): the shapes must be equal");
    return invalid_expression{};
  } else if constexpr (is_sigmoid_v<A>) {
    return sigmoid_binary_cross_entropy_node<detail::at_t<0, children_t<A>>, A, Y>{};
  } else {
    return -mean(y * clamped_log(a) + (one_t{} - y) * clamped_log(one_t{} - a));
  }
}

}  // namespace ctgrad
