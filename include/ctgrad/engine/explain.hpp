// SPDX-License-Identifier: BSL-1.0
// explain(loss): the backward program the compiler derived, step by step, in the lesson's
// notation, one line per node that receives a gradient, in the order they are computed:
//   dL/dz2 = 1/2*(a2 - Y)
//   dL/dW2 = a1^T @ dL/dz2
//   dL/da1 = dL/dz2 @ W2^T
//   dL/dz1 = dL/da1*(z1 > 0)
// Names: variables and named<"..."> nodes keep theirs; the k-th dense layer's output is zk
// and the activation applied to it ak; the loss is L; anything else is t1, t2, ...
// Each line is the node's VJP rule (abstract_t / rule_t, exactly what grad runs) printed
// with the names substituted; several contributions (fan-out) are summed.
// A scalar formula (every node a scalar, as in the lesson's exercises) is explained by
// engine/derivation.hpp instead: forward steps, local derivatives, adjoints, and with
// bindings (explain(L, x = 2.0)) the numbers and a central-difference check.
#pragma once

#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/engine/derivation.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/detail/static_for.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ctgrad {

namespace detail {

template <class N> inline constexpr bool is_dense_v = false;
template <class X, class W, class B> inline constexpr bool is_dense_v<dense_node<X, W, B>> = true;

// An activation (any one-input node) applied to a dense layer's output.
template <class N, class Cs = children_t<N>> inline constexpr bool on_dense_v = false;
template <class N, class C> inline constexpr bool on_dense_v<N, type_list<C>> = is_dense_v<C>;

template <class N> struct has_label : std::bool_constant<requires { N::name; }> {};

// a + b without operator+(const char*, std::string&&), which g++ 12 -O2 misreports
// under -Wrestrict.
inline std::string cat(std::string a, std::string const& b) { return a.append(b); }

inline void replace_all(std::string& s, std::string const& from, std::string const& to) {
  if (from.empty()) return;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// The rule of parent Pa for slot K, with the loss's own adjoint (1) folded in when Pa is
// the loss, so the first line reads 1/2*(a2 - Y) rather than (a2 - Y)*(dL/dL*1/2).
template <class Pa, std::size_t K, bool IsRoot> std::string rule_text() {
  if constexpr (IsRoot) {
    using raw = at_t<K, vjp_rules_t<Pa, one_t>>;
    return to_string(as_shape<shape_of_t<at_t<K, children_t<Pa>>>>(raw{}));
  } else {
    return to_string(rule_t<Pa, K>{});
  }
}

template <class N> inline constexpr bool is_loop_node_v = requires { typename N::body; N::trip; };

template <class Loss, class Wanted, bool Body = false> std::string explain_impl();

// A loop's block: its body's backward program, derived once, inside the loop over t.
template <class N> std::string loop_block(std::string const& loop_name) {
  std::string body = explain_impl<typename N::body, typename N::sources, true>();
  std::string out = cat(cat("for t = ", std::to_string(N::trip - 1)), " ... 0:   (the body of ");
  out.append(loop_name).append(" = ").append(to_string(N{})).append(", derived once)\n");
  std::string carried;
  [&]<class... Cs>(type_list<Cs...>) {
    ((carried += cat(carried.empty() ? "" : ", ", std::string(Cs::name))), ...);
  }(typename N::carry_vars{});
  out.append("  dL/dnext = dL/d").append(loop_name).append("[t] + dL/d(").append(carried)
      .append(") of step t+1\n");
  for (std::size_t at = 0; at < body.size();) {
    std::size_t const end = body.find('\n', at);
    out.append("  ").append(body, at, end - at + 1);
    at = end + 1;
  }
  return out;
}

// What a node with its own backward step sends to child K, in words.
template <class N, std::size_t K> std::string custom_term(std::string const& up) {
  if constexpr (is_loop_node_v<N>) {
    using var = at_t<K, typename N::sources>;
    std::string const v(var::name);
    if constexpr (K < N::carries) {
      return cat(cat("dL/d", v), " at t = 0 (the loop above)");
    } else if constexpr (K < N::carries + N::steps) {
      return cat(cat("dL/d", v), " of every step t (the loop above)");
    } else {
      return cat(cat("sum over t of dL/d", v), " (the loop above)");
    }
  } else if constexpr (requires { N::carries_bundle; }) {
    return cat(cat(up, "["), cat(std::to_string(K), "]"));
  } else {
    return cat(cat(std::string(N::style.symbol), "^T("), cat(up, ")"));
  }
}

template <class Loss, class Wanted, bool Body> std::string explain_impl() {
  using order = topological_order_t<Loss>;
  using S = sweep<order, Wanted>;
  using P = typename S::P;
  std::vector<std::string> name(S::n);
  std::size_t dense_count = 0, temp_count = 0;
  static_for<S::n>([&](auto index) {
    constexpr std::size_t node = decltype(index)::value;
    using N = at_t<node, order>;
    if constexpr (node == S::root) {
      name[node] = Body ? "next" : "L";
    } else if constexpr (has_label<N>::value) {
      name[node] = std::string(N::name);
    } else if constexpr (is_dense_v<N>) {
      name[node] = cat("z", std::to_string(++dense_count));
    } else if constexpr (on_dense_v<N>) {
      std::string const& z = name[P::child[node][0]];
      name[node] = cat("a", z.substr(1));
    } else if constexpr (P::arity[node] == 0) {
      name[node] = to_string(N{});  // a constant
    } else {
      name[node] = cat(Body ? "s" : "t", std::to_string(++temp_count));
    }
  });

  std::vector<std::vector<std::string>> terms(S::n);
  std::vector<std::string> blocks(S::n);
  static_for<S::n>([&](auto step) {
    constexpr std::size_t node = S::n - 1 - decltype(step)::value;
    using N = at_t<node, order>;
    if constexpr (S::schedule.has_adj[node] && P::arity[node] > 0 &&
                  custom_backward<abstract_t<N>>) {
      if constexpr (is_loop_node_v<N>) blocks[node] = loop_block<N>(name[node]);
      [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
        ((S::schedule.active[node][Ks]
              ? terms[P::child[node][Ks]].push_back(custom_term<N, Ks>(cat("dL/d", name[node])))
              : void()),
         ...);
      }(std::make_index_sequence<P::arity[node]>{});
    } else if constexpr (S::schedule.has_adj[node] && P::arity[node] > 0) {
      using Pa = abstract_t<N>;
      std::string const self = to_string(Pa{});
      [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
        (
            [&] {
              if constexpr (S::schedule.active[node][Ks]) {
                std::string text = rule_text<Pa, Ks, node == S::root && !Body>();
                replace_all(text, self, "\x01");  // the parent's own (cached) output
                replace_all(text, "#up", cat("dL/d", name[node]));
                for (std::size_t slot = 0; slot < P::arity[node]; ++slot)
                  replace_all(text, cat("#", std::to_string(slot)), name[P::child[node][slot]]);
                replace_all(text, "\x01", name[node]);
                terms[P::child[node][Ks]].push_back(text);
              }
            }(),
            ...);
      }(std::make_index_sequence<P::arity[node]>{});
    }
  });

  std::string out;
  for (std::size_t j = 0; j < S::n; ++j) {
    std::size_t const i = S::n - 1 - j;
    if (terms[i].empty()) {
      out.append(blocks[i]);
      continue;
    }
    out.append("dL/d").append(name[i]).append(" = ");
    for (std::size_t t = 0; t < terms[i].size(); ++t) {
      if (t != 0) out.append(" + ");
      if (terms[i].size() > 1) {
        out.append("(").append(terms[i][t]).append(")");
      } else {
        out.append(terms[i][t]);
      }
    }
    out += '\n';
    out.append(blocks[i]);
  }
  return out;
}

}  // namespace detail

/// The derived backward program of loss with respect to its parameters, one line per step;
/// for a scalar formula, its derivation with respect to every variable.
template <Expression Loss> std::string explain(Loss) {
  if constexpr (is_scalar_formula_v<Loss>) {
    return derivation_text<Loss>();
  } else {
    return detail::explain_impl<Loss, params_of_t<Loss>>();
  }
}

/// The same with respect to the given variables (inputs or parameters).
template <Expression Loss, Expression... Vars> std::string explain(Loss, Vars...) {
  if constexpr (is_scalar_formula_v<Loss>) {
    return derivation_text<Loss, detail::type_list<Vars...>>();
  } else {
    return detail::explain_impl<Loss, detail::type_list<Vars...>>();
  }
}

/// A scalar formula's derivation with the numbers at a point beside every line:
///   explain(L, w = 0.5, b = 0.1, x = 1.0, t = 0.8)
template <Expression Loss, class B, class... Bs>
  requires(detail::is_source_v<B> && (detail::is_source_v<Bs> && ...))
std::string explain(Loss loss, B const& b, Bs const&... bs) {
  if constexpr (!is_scalar_formula_v<Loss>) {
    static_assert(is_scalar_formula_v<Loss>,
                  "ctgrad::explain(loss, x = value, ...): numbers beside the steps are only "
                  "shown for scalar formulas so far; call explain(loss) for a net's program");
    return {};
  } else {
    return derivation_text(loss, b, bs...);
  }
}

}  // namespace ctgrad
