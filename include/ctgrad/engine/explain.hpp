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

#include <ctgrad/detail/detect.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/engine/derivation.hpp>
#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/detail/static_for.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <tuple>
#include <type_traits>
#include <string>
#include <vector>

namespace ctgrad {

namespace detail {

template <class N> inline constexpr bool is_dense_v = false;
template <class X, class W, class B> inline constexpr bool is_dense_v<dense_node<X, W, B>> = true;

// An activation (any one-input node) applied to a dense layer's output.
template <class N, class Cs = children_t<N>> inline constexpr bool on_dense_v = false;
template <class N, class C> inline constexpr bool on_dense_v<N, type_list<C>> = is_dense_v<C>;

// (Probes, not requires-expressions: see detail/detect.hpp.)
template <class N> using label_of = decltype(N::name);
template <class N> struct has_label : std::bool_constant<detected_v<label_of, N>> {};

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

template <class N> using loop_body_of = typename N::body;
template <class N> using loop_trip_of = decltype(N::trip);
template <class N>
inline constexpr bool is_loop_node_v = detected_v<loop_body_of, N>&& detected_v<loop_trip_of, N>;
template <class Order> inline constexpr bool has_loop_v = false;
template <class... Ns>
inline constexpr bool has_loop_v<type_list<Ns...>> = (is_loop_node_v<Ns> || ...);

struct no_note {
  template <class N> std::string get(std::string const&) const { return {}; }
};

template <class Loss, class Wanted, bool Body = false, class Note = no_note>
std::string explain_impl(Note const& note = {});

// A loop's block: its body's backward program, derived once, inside the loop over t.
template <class N> std::string loop_block(std::string const& loop_name) {
  std::string body = explain_impl<typename N::body, typename N::sources, true>();
  std::string out = cat(cat("for t = ", std::to_string(N::trip - 1)), " ... 0:   (the body of ");
  out.append(loop_name).append(" = ").append(to_string(N{})).append(", derived once)\n");
  std::string carried;
  [&]<class... Cs>(type_list<Cs...>) {
    ((carried += cat(carried.empty() ? "" : ", ", std::string(Cs::name))), ...);
  }(typename N::carry_vars{});
  out.append("  dL/dnext = dL/d")
      .append(loop_name)
      .append("[t] + dL/d(")
      .append(carried)
      .append(") of step t+1\n");
  for (std::size_t at = 0; at < body.size();) {
    std::size_t const end = body.find('\n', at);
    out.append("  ").append(body, at, end - at + 1);
    at = end + 1;
  }
  return out;
}

// What a node with its own backward step sends to child K, in words.
template <class N> using carries_bundle_of = decltype(N::carries_bundle);
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
  } else if constexpr (detected_v<carries_bundle_of, N>) {
    return cat(cat(up, "["), cat(std::to_string(K), "]"));
  } else {
    return cat(cat(std::string(N::style.symbol), "^T("), cat(up, ")"));
  }
}

template <class Loss, class Wanted, bool Body, class Note>
std::string explain_impl(Note const& note) {
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
      }
      (std::make_index_sequence<P::arity[node]>{});
    } else if constexpr (S::schedule.has_adj[node] && P::arity[node] > 0) {
      using Pa = abstract_t<N>;
      std::string const self = to_string(Pa{});
      [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
        (
            [&] {
              if constexpr (S::schedule.active[node][Ks]) {
                std::string text = rule_text < Pa, Ks, node == S::root && !Body > ();
                replace_all(text, self, "\x01");  // the parent's own (cached) output
                replace_all(text, "#up", cat("dL/d", name[node]));
                for (std::size_t slot = 0; slot < P::arity[node]; ++slot)
                  replace_all(text, cat("#", std::to_string(slot)), name[P::child[node][slot]]);
                replace_all(text, "\x01", name[node]);
                terms[P::child[node][Ks]].push_back(text);
              }
            }(),
            ...);
      }
      (std::make_index_sequence<P::arity[node]>{});
    }
  });

  std::vector<std::string> notes(S::n);
  if constexpr (!__is_same(Note, no_note)) {
    static_for<S::n>([&](auto index) {
      constexpr std::size_t node = decltype(index)::value;
      if (!terms[node].empty()) notes[node] = note.template get<at_t<node, order>>(name[node]);
    });
  }
  std::vector<std::string> lines(S::n);
  std::size_t width = 0;
  for (std::size_t i = 0; i < S::n; ++i) {
    if (terms[i].empty()) continue;
    std::string& line = lines[i];
    line.append("dL/d").append(name[i]).append(" = ");
    for (std::size_t t = 0; t < terms[i].size(); ++t) {
      if (t != 0) line.append(" + ");
      if (terms[i].size() > 1) {
        line.append("(").append(terms[i][t]).append(")");
      } else {
        line.append(terms[i][t]);
      }
    }
    width = line.size() > width ? line.size() : width;
  }
  std::string out;
  for (std::size_t j = 0; j < S::n; ++j) {
    std::size_t const i = S::n - 1 - j;
    if (terms[i].empty()) {
      out.append(blocks[i]);
      continue;
    }
    out.append(lines[i]);
    if (!notes[i].empty()) out.append(width - lines[i].size() + 3, ' ').append(notes[i]);
    out += '\n';
    out.append(blocks[i]);
  }
  return out;
}

template <class T> std::string short_number(T value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", static_cast<double>(value));
  return buffer;
}

// A tensor (or a number) in a few characters: its norm and first entries.
template <class V> std::string summary(V const& value) {
  if constexpr (std::is_arithmetic_v<V>) {
    return cat("= ", short_number(value));
  } else {
    double squares = 0;
    for (auto const entry_value : value.data)
      squares += static_cast<double>(entry_value) * static_cast<double>(entry_value);
    std::string out = cat("|.| = ", short_number(std::sqrt(squares)));
    out.append("  [");
    std::size_t const shown = value.data.size() < 3 ? value.data.size() : 3;
    for (std::size_t entry = 0; entry < shown; ++entry)
      out.append(entry ? ", " : "").append(short_number(value.data[entry]));
    out.append(value.data.size() > shown ? ", ...]" : "]");
    return out;
  }
}

// Beside each line of a net's program: dL/d(node) evaluated from its derived expression
// (adjoint_t, the sweep's rules composed by derive.hpp), and the node's own value unless it
// is a variable, summarised.
template <class Loss, class... Sources> struct value_note {
  std::tuple<Sources const&...> sources;
  template <class N> std::string get(std::string const& name) const {
    return std::apply(
        [&](auto const&... source) {
          std::string out = summary(eval(adjoint_t<Loss, N>{}, source...));
          if constexpr (children_t<N>::size != 0) {
            out.append(";  ").append(name).append(" ").append(summary(eval(N{}, source...)));
          }
          return out;
        },
        sources);
  }
};

template <class Set, class S> constexpr auto const& replaced(Set const& set, S const& source) {
  if constexpr (__is_same(S, Set)) {
    return set;
  } else {
    return source;
  }
}

// The central-difference check of a few entries of each parameter: the lesson's relative
// error ||a - n|| / (||a|| + ||n||) over the first (at most) 3 entries.
template <class Loss, class Set, class... Sources>
std::string central_checks(Set const& params, Sources const&... sources) {
  using T = typename Set::value_type;
  T const delta = std::is_same_v<T, double> ? T(1e-5) : T(1e-2);
  std::string out = cat(cat("central differences (h = ", short_number(delta)),
                        ", first entries of each parameter):\n");
  Set shifted = params;
  shifted.for_each([&](auto var, auto& tensor_value) {
    using V = decltype(var);
    auto const derived = eval(adjoint_t<Loss, V>{}, sources...);
    std::size_t const count = tensor_value.data.size() < 3 ? tensor_value.data.size() : 3;
    double diff = 0, analytic_squares = 0, numeric_squares = 0;
    std::string entries;
    for (std::size_t entry = 0; entry < count; ++entry) {
      T const saved = tensor_value.data[entry];
      tensor_value.data[entry] = saved + delta;
      double const up = static_cast<double>(eval(Loss{}, replaced(shifted, sources)...));
      tensor_value.data[entry] = saved - delta;
      double const down = static_cast<double>(eval(Loss{}, replaced(shifted, sources)...));
      tensor_value.data[entry] = saved;
      double const numeric = (up - down) / (2 * static_cast<double>(delta));
      double const analytic = static_cast<double>(derived.data[entry]);
      diff += (analytic - numeric) * (analytic - numeric);
      analytic_squares += analytic * analytic;
      numeric_squares += numeric * numeric;
      entries.append(entry ? ", " : "").append(short_number(numeric));
    }
    double const sum = std::sqrt(analytic_squares) + std::sqrt(numeric_squares);
    out.append("  dL/d")
        .append(V::name)
        .append(": [")
        .append(entries)
        .append("], relative error ")
        .append(sum == 0 ? std::string("0") : short_number(std::sqrt(diff) / sum))
        .append("\n");
  });
  return out;
}

// Checks for the parameter set among the sources (a var_set), if there is one.
template <class Loss, class One, class... Sources>
void add_checks(std::string& out, One const& one, Sources const&... all) {
  if constexpr (requires {
                  typename One::variables;
                  typename One::value_type;
                }) {
    out.append(central_checks<Loss>(one, all...));
  }
}
template <class Loss, std::size_t... I, class... Sources>
std::string all_checks(std::index_sequence<I...>, Sources const&... all) {
  std::string out;
  std::tuple<Sources const&...> const sources{all...};
  (add_checks<Loss>(out, std::get<I>(sources), all...), ...);
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

/// With values bound: for a scalar formula, its derivation with the numbers at that point
/// and a central-difference check; for a net (explain(loss, params, X = x, Y = y)), its
/// program with each adjoint's norm and first entries, then central differences of the
/// first entries of each parameter.
template <Expression Loss, class B, class... Bs>
  requires(detail::is_source_v<B> && (detail::is_source_v<Bs> && ...))
std::string explain(Loss loss, B const& b, Bs const&... bs) {
  if constexpr (is_scalar_formula_v<Loss>) {
    return derivation_text(loss, b, bs...);
  } else if constexpr (detail::has_loop_v<topological_order_t<Loss>>) {
    // A plain name, so that clang does not print the net's whole type in the message.
    constexpr bool no_loop = !detail::has_loop_v<topological_order_t<Loss>>;
    static_assert(no_loop,
                  "ctgrad::explain(loss, params, X = x, ...): numbers beside the steps are not "
                  "shown for loops yet; call explain(loss) for the program");
    return {};
  } else {
    using wanted = params_of_t<Loss>;
    std::string out = detail::explain_impl<Loss, wanted, false, detail::value_note<Loss, B, Bs...>>(
        detail::value_note<Loss, B, Bs...>{{b, bs...}});
    out.append(detail::all_checks<Loss>(std::index_sequence_for<B, Bs...>{}, b, bs...));
    return out;
  }
}

}  // namespace ctgrad
