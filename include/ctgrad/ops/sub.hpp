// SPDX-License-Identifier: BSL-1.0
// sub:         c = a - b
// chain rule:  da = dc,  db = -dc
// rules:       constants fold; a - 0 = a; 0 - b = -b; a - a = 0; a - (-b) = a + b;
//              c1*t - c2*t = (c1 - c2)*t, also across a sum (ops/sum_rules.hpp);
//              a/u^m - b/u^n over u^max(m,n); p*(q + r) - r*p = p*q
#pragma once

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/sum_rules.hpp>

namespace ctgrad {

/// The node of a - b: c = a - b.
template <class A, class B> struct sub_node : node<A, B> {
  /// Shape of the node's value (this header's shape rule).
  using shape = broadcast_shape_t<shape_of_t<A>, shape_of_t<B>>;  // elementwise
  /// How to_string prints the node.
  static constexpr print_style style{print_style::infix, " - ", 10, 10, 20};
  /// The node's value, from its children's values.
  static constexpr auto forward(auto a, auto b) { return a - b; }
  /// The chain rule: the children's adjoints, as expressions of the children, this node's value and
  /// the upstream adjoint.
  static constexpr auto vjp(A, B, sub_node, auto dc) { return make_adjoints(dc, -dc); }
};

/// a - b, simplified.
template <Expression A, Expression B> constexpr auto operator-(A a, B b) {
  using namespace detail;
  using ta = split_term<A>;
  using tb = split_term<B>;
  if constexpr (!broadcastable_v<shape_of_t<A>, shape_of_t<B>>) {
    static_assert(broadcastable_v<shape_of_t<A>, shape_of_t<B>>,
                  "ctgrad::operator-(a, b): shapes must be equal, or one must be a scalar or the "
                  "trailing dimensions of the other");
    return invalid_expression{};
  } else if constexpr (detail::is_constant<A>::value && detail::is_constant<B>::value) {
    if constexpr (add_fits_c<A, decltype(fold_negate<B>())>::value) {
      return fold_add<A, decltype(fold_negate<B>())>();
    } else {
      return sub_node<A, B>{};
    }
  } else if constexpr (is_zero_c<B>::value) {
    return a;
  } else if constexpr (is_zero_c<A>::value) {
    return -b;
  } else if constexpr (is_neg_c<B>::value || is_negative_constant_c<B>::value ||
                       is_negative_constant_c<typename tb::coefficient>::value) {
    return a + (-b);
  } else if constexpr (__is_same(typename ta::term, typename tb::term)) {
    return (typename ta::coefficient{} - typename tb::coefficient{}) * typename ta::term{};
  } else if constexpr (add_n_collects_c<A, B>::value) {
    return collect_into_add_n<false>(a, b);
  } else if constexpr (!(is_add_or_sub_c<A>::value || is_add_or_sub_c<B>::value ||
                         is_mul_c<A>::value || (is_div_c<A>::value && is_div_c<B>::value))) {
    // None of the rules below can apply (each needs a sum or difference on one side,
    // fractions on both or a product on the left): asked from per-type traits, so the
    // next term of a long sum instantiates none of their classes, each keyed on the whole
    // partial sum (about 40 MB of g++'s memory for a 300-term sum and its derivative).
    return sub_node<A, B>{};
  } else if constexpr (collects_c<A, B>::value) {
    return remove_like_term(a, b);
  } else if constexpr (collects_c<B, A>::value) {
    return -remove_like_term(b, a);
  } else if constexpr (common_denominator_c<A, B>::value) {
    return over_common_denominator<false>(a, b);
  } else if constexpr (factor_denominator_c<A, B>::value || factor_denominator_c<B, A>::value) {
    return over_larger_denominator<false>(a, b);
  } else if constexpr (distributes<A, B, add_node>::value) {
    return distributes<A, B, add_node>::result();
  } else {
    return sub_node<A, B>{};
  }
}

}  // namespace ctgrad
