// SPDX-License-Identifier: BSL-1.0
// The chain rule of a scalar formula, step by step, in the lesson's notation:
//   z = w*x + b,  a = sigmoid(z),  L = (a - t)^2
//   dL/da = 2*(a - t)
//   da/dz = a*(1 - a)
//   dL/dz = dL/da*a*(1 - a)
//   dz/dw = x
//   dL/dw = dL/dz*x
// Steps: the formula L, every named<"..."> intermediate, every variable, and (named t1,
// t2, ... in the order they are computed) each unnamed argument of a function (sin, relu,
// sigmoid, ...) or unnamed node used twice; what lies between steps is folded into the step
// above, as a student writes z = w*x + b rather than naming w*x.
//   local derivative  dP/dC = d(body of P)/dC with every step below P held fixed: the body
//                     is rebuilt with each step C entering it as a leaf (cut_node, whose VJP
//                     is 0), so the reverse sweep of derive.hpp gives the partial derivative.
//   adjoint           dL/dC = sum over the steps P that use C of dL/dP * dP/dC.
// With values (derivation(L, x = 2.0, ...)), each step's value, each local derivative's,
// each adjoint multiplied out along the chain as the lesson does, and each variable's
// derivative both from d(L, v) and from a central difference (h = 1e-5, in double), all
// constexpr.
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/detect.hpp>
#include <ctgrad/detail/fixed_string.hpp>
#include <ctgrad/detail/static_for.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/derive.hpp>
#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/named.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/mul.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ctgrad {

namespace detail {

// t1, t2, ...: the name of the K-th unnamed step.
template <std::size_t K> struct auto_name {
  struct text_t {
    std::array<char, 24> chars{};
    std::size_t size = 0;
  };
  static constexpr text_t text = [] {
    text_t out;
    char digits[20] = {};
    std::size_t n = 0;
    for (std::size_t k = K; n == 0 || k != 0; k /= 10)
      digits[n++] = static_cast<char>('0' + k % 10);
    out.chars[out.size++] = 't';
    while (n != 0) out.chars[out.size++] = digits[--n];
    return out;
  }();
  static constexpr std::string_view view() { return {text.chars.data(), text.size}; }
};

// A step as it enters the step above it: its value, as a leaf. Its VJP is 0, so a
// derivative taken inside the step above is partial: it does not go through how C was
// computed (that is C's own line).
template <class Name, class C> struct cut_node : node<C> {
  using shape = shape_of_t<C>;
  static constexpr print_style style{print_style::leaf};
  static std::string label() { return std::string(Name::view()); }
  static constexpr auto forward(auto c) { return c; }
  static constexpr auto vjp(C, cut_node, auto) { return zero_t{}; }
};

// dL/dP as a symbol, so an adjoint prints as dL/da*a*(1 - a). Never evaluated.
template <class Name> struct adjoint_symbol : node<> {
  using shape = ctgrad::shape<>;
  static constexpr print_style style{print_style::leaf};
  static std::string label() { return std::string("dL/d").append(Name::view()); }
};

template <class N> inline constexpr bool is_named_v = false;
template <class Name, class A> inline constexpr bool is_named_v<named_node<Name, A>> = true;

template <class N> inline constexpr bool is_leaf_v = children_t<N>::size == 0;

// An unnamed node that becomes a step: the argument of a function, or a node used by two
// parents; never the body of a named node (the named node is that step).
template <class N, class Order> struct is_auto_step;
template <class N, class... Ps> struct is_auto_step<N, type_list<Ps...>> {
  static constexpr std::size_t parents = ((contains<children_t<Ps>, N>::value ? 1 : 0) + ... + 0);
  static constexpr bool under_call =
      ((contains<children_t<Ps>, N>::value && Ps::style.kind == print_style::call) || ...);
  static constexpr bool under_named =
      ((contains<children_t<Ps>, N>::value && is_named_v<Ps>) || ...);
  static constexpr bool value = !is_leaf_v<N> && !is_named_v<N> && !detail::is_constant<N>::value &&
                                !under_named && (under_call || parents > 1);
};

template <class Root> struct steps_of {
  using order = topological_order_t<Root>;
  template <class N> struct is_auto : std::bool_constant<is_auto_step<N, order>::value> {};
  template <class N>
  struct is_step : std::bool_constant<__is_same(N, Root) || is_named_v<N> ||
                                      ctgrad::detail::is_var<N>::value || is_auto<N>::value> {};
  using autos = filter_t<is_auto, order>;
  using all = filter_t<is_step, order>;  // children before parents; Root last
};

// The Name argument of named_node<Name, A> or var_node<Name, S, R>.
template <class N> struct name_arg;
template <class Name, class A> struct name_arg<named_node<Name, A>> { using type = Name; };
template <class Name, class S, class R> struct name_arg<var_node<Name, S, R>> {
  using type = Name;
};

template <class Root, class N> struct name_of {
  using type = typename detail::if_t<
      __is_same(N, Root) && !is_named_v<N>, std::type_identity<to_name_t<"L">>,
      detail::if_t<is_named_v<N> || ctgrad::detail::is_var<N>::value, name_arg<N>,
                   std::type_identity<
                       auto_name<index_of<typename steps_of<Root>::autos, N>::value + 1>>>>::type;
};

// N rebuilt so that each step below it enters as a leaf (variables are leaves already).
template <class Root, class N, class Cs = children_t<N>> struct rebuild;
template <class Root, class C> struct entering {
  using type = typename detail::if_t<
      steps_of<Root>::template is_step<C>::value && !ctgrad::detail::is_var<C>::value,
      std::type_identity<cut_node<typename name_of<Root, C>::type, C>>, rebuild<Root, C>>::type;
};
template <class Root, class N> struct rebuild<Root, N, type_list<>> { using type = N; };
template <class Root, class N, class... Cs> struct rebuild<Root, N, type_list<Cs...>> {
  using type = typename rebind<N, type_list<typename entering<Root, Cs>::type...>>::type;
};

template <class Root, class P> using body_t = typename rebuild<Root, P>::type;
template <class Root, class C> using entering_t = typename entering<Root, C>::type;

/// dP/dC with every other step fixed.
template <class Root, class P, class C>
using local_t = adjoint_t<body_t<Root, P>, entering_t<Root, C>>;

// The steps shown: intermediates that depend on a wanted variable (root first), then the
// wanted variables in the order asked.
template <class Root, class Wanted> struct shown_steps {
  template <class N>
  struct is_intermediate
      : std::bool_constant<!ctgrad::detail::is_var<N>::value && depends_on_v<N, Wanted>> {};
  using intermediates = filter_t<is_intermediate, typename steps_of<Root>::all>;
};

template <class Root, class Steps> struct print_scope;
template <class Root, class... Ss> struct print_scope<Root, type_list<Ss...>> {
  using type = topological_order_t<body_t<Root, Ss>...>;
};

// The chain-rule adjoint of C: sum over the steps P above C of dL/dP * dP/dC.
template <class Root, class C, class Steps> struct chain_rule_sum;
template <class Root, class C, class... Ps> struct chain_rule_sum<Root, C, type_list<Ps...>> {
  template <class P> static constexpr auto term() {
    using local = local_t<Root, P, C>;
    if constexpr (__is_same(P, C) || ctgrad::detail::is_var<P>::value) {
      return zero_t{};
    } else if constexpr (__is_same(P, Root)) {
      return local{};
    } else {
      return adjoint_symbol<typename name_of<Root, P>::type>{} * local{};
    }
  }
  using type = decltype((zero_t{} + ... + term<Ps>()));
};

}  // namespace detail

/// The numbers of a derivation at one point, all computed at compile time when asked
/// (constexpr auto D = derivation(L, x = 2.0); static_assert(D.adjoint("a") == 14.0)).
template <class T, std::size_t Steps, std::size_t Vars> struct derivation_table {
  /// One step of the derivation: the formula L, a named intermediate, a variable or an automatic
  /// t1, t2, ...
  struct step {
    /// The step's name.
    std::string_view name;
    T value;    ///< the forward value
    T adjoint;  ///< dL/d(name), multiplied out along the chain
  };
  /// One local derivative d(of)/d(wrt) between two steps.
  struct link {
    std::string_view of, wrt;  ///< d(of)/d(wrt), the other steps held fixed
    /** \var link::of
        The step differentiated: d(of)/d(wrt). */
    /// Its value at the point.
    T local;
  };
  /// One variable's derivative beside its central difference.
  struct check {
    /// The variable.
    std::string_view wrt;
    T derived;  ///< d(L, wrt) evaluated
    T central;  ///< (L(wrt + h) - L(wrt - h)) / (2h), computed in double
    /// The step of the central difference (the lesson's 1e-5).
    T h;
    T relative_error;  ///< |derived - central| / (|derived| + |central|), 0 when both are 0
  };
  /// The steps, in the order they are computed.
  std::array<step, Steps> steps{};
  /// The local derivatives; the first link_count are used.
  std::array<link, Steps * Steps> links{};
  /// Number of links used.
  std::size_t link_count = 0;
  /// One check per variable.
  std::array<check, Vars> checks{};

  /// The step of that name; a wrong name is a compile error in constant evaluation.
  constexpr step const& at(std::string_view name) const {
    for (auto const& candidate : steps)
      if (candidate.name == name) return candidate;
    throw std::out_of_range("ctgrad::derivation_table: no step of that name");
  }
  /// The forward value of the step called name.
  constexpr T value(std::string_view name) const { return at(name).value; }
  /// dL/d(name).
  constexpr T adjoint(std::string_view name) const { return at(name).adjoint; }
  /// d(of)/d(wrt), the local derivative of one step.
  constexpr T local(std::string_view of, std::string_view wrt) const {
    for (std::size_t index = 0; index < link_count; ++index)
      if (links[index].of == of && links[index].wrt == wrt) return links[index].local;
    throw std::out_of_range("ctgrad::derivation_table: step of does not use step wrt");
  }
  /// The check of variable wrt: d(L, wrt) evaluated beside its central difference.
  constexpr check const& derivative(std::string_view wrt) const {
    for (auto const& candidate : checks)
      if (candidate.wrt == wrt) return candidate;
    throw std::out_of_range("ctgrad::derivation_table: not a variable of the derivation");
  }
};

namespace detail {

// The binding b in double, moved by delta when it is V's: the central difference is taken
// in double whatever the formula's type, as check::numeric_grad does.
template <class V, class B> constexpr auto shifted(B const& b, double delta) {
  double const value = static_cast<double>(b.value);
  return binding<typename B::variable, double>{__is_same(typename B::variable, V) ? value + delta
                                                                                  : value};
}

template <class T> constexpr T magnitude(T signed_value) {
  return signed_value < 0 ? -signed_value : signed_value;
}

template <class Root, class Wanted, class... Bs> constexpr auto make_table(Bs const&... bs) {
  using T = decltype(eval(Root{}, bs...));
  using shown = typename shown_steps<Root, Wanted>::intermediates;
  using steps = typename concat<shown, Wanted>::type;
  constexpr std::size_t n = steps::size;
  derivation_table<T, n, Wanted::size> table;
  // Forward values, in the order of steps: the intermediates (root last), then the variables.
  static_for<n>([&](auto at_index) {
    using S = at_t<decltype(at_index)::value, steps>;
    table.steps[at_index].name = name_of<Root, S>::type::view();
    table.steps[at_index].value = eval(S{}, bs...);
    table.steps[at_index].adjoint = T(0);
  });
  // The order: shown from its last (the root) to its first, then Wanted in order.
  static_for<n>([&](auto step_index) {
    constexpr std::size_t position = decltype(step_index)::value;
    constexpr std::size_t child = position < shown::size ? shown::size - 1 - position : position;
    using C = at_t<child, steps>;
    if constexpr (__is_same(C, Root)) {
      table.steps[child].adjoint = T(1);
    } else {
      static_for<shown::size>([&](auto parent_index) {
        constexpr std::size_t parent = decltype(parent_index)::value;
        using P = at_t<parent, steps>;
        using local = local_t<Root, P, C>;
        if constexpr (parent != child && !is_zero_c<local>::value) {
          T const local_value = eval(local{}, bs...);
          table.links[table.link_count++] = {table.steps[parent].name, table.steps[child].name,
                                             local_value};
          table.steps[child].adjoint += table.steps[parent].adjoint * local_value;
        }
      });
    }
  });
  static_for<Wanted::size>([&](auto var_index) {
    using V = at_t<decltype(var_index)::value, Wanted>;
    double const delta = 1e-5;
    T const derived = eval(d(Root{}, V{}), bs...);
    T const central = static_cast<T>(
        (eval(Root{}, shifted<V>(bs, delta)...) - eval(Root{}, shifted<V>(bs, -delta)...)) /
        (2 * delta));
    T const sum = magnitude(derived) + magnitude(central);
    table.checks[var_index] = {name_of<Root, V>::type::view(), derived, central,
                               static_cast<T>(delta),
                               sum == T(0) ? T(0) : magnitude(derived - central) / sum};
  });
  return table;
}

// a + b without operator+(const char*, std::string&&), which g++ 12 -O2 misreports (-Wrestrict).
inline std::string str_cat(std::string a, std::string const& b) { return a.append(b); }

template <class T> std::string number(T v, char const* format = "%.6g") {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, static_cast<double>(v));
  return buffer;
}

// Lines of "text" and, when there are values, "= value" in one column.
struct two_columns {
  std::vector<std::string> left, right;
  void add(std::string l, std::string r = {}) {
    left.push_back(static_cast<std::string&&>(l));
    right.push_back(static_cast<std::string&&>(r));
  }
  void heading(std::string h) { add(str_cat(static_cast<std::string&&>(h), "\x01")); }
  std::string str() const {
    std::size_t width = 0;
    for (std::size_t i = 0; i < left.size(); ++i)
      if (!right[i].empty() && left[i].size() > width) width = left[i].size();
    std::string out;
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (!left[i].empty() && left[i].back() == '\x01') {
        out.append(left[i], 0, left[i].size() - 1).append("\n");
        continue;
      }
      out.append("  ").append(left[i]);
      if (!right[i].empty())
        out.append(width - left[i].size() + 3, ' ').append("= ").append(right[i]);
      out += '\n';
    }
    return out;
  }
};

template <class Scope, class E> std::string in_scope(E) { return print_node<Scope, E>(); }

template <class N> struct body_text {
  static std::string get() { return to_string(N{}); }
};
template <class Name, class A> struct body_text<named_node<Name, A>> {
  static std::string get() { return to_string(A{}); }
};

// The derivation as text; Table is a derivation_table, or void for the formulas alone.
template <class Root, class Wanted, class Table> std::string derivation_text(Table const* values) {
  using shown = typename shown_steps<Root, Wanted>::intermediates;
  using steps = typename concat<shown, Wanted>::type;
  using scope = typename print_scope<Root, shown>::type;
  constexpr std::size_t n = steps::size;
  constexpr bool with_values = !__is_same(Table, void);
  auto value = [&](std::size_t at_index, bool adjoint) -> std::string {
    if constexpr (with_values) {
      return number(adjoint ? values->steps[at_index].adjoint : values->steps[at_index].value);
    } else {
      (void)at_index, (void)adjoint;
      return {};
    }
  };
  two_columns lines;
  if constexpr (with_values) {
    std::string header = "at ";
    static_for<Wanted::size>([&](auto var_index) {
      constexpr std::size_t at_index = shown::size + decltype(var_index)::value;
      if (var_index != 0) header.append(", ");
      header.append(values->steps[at_index].name)
          .append(" = ")
          .append(number(values->steps[at_index].value));
    });
    lines.heading(header);
  }
  lines.heading("forward:");
  static_for<shown::size>([&](auto at_index) {
    using S = at_t<decltype(at_index)::value, steps>;
    lines.add(str_cat(str_cat(std::string(name_of<Root, S>::type::view()), " = "),
                      body_text<body_t<Root, S>>::get()),
              value(at_index, false));
  });
  lines.heading("backward (the chain rule, from L down):");
  static_for<n>([&](auto position) {
    constexpr std::size_t child = position < shown::size ? shown::size - 1 - position : position;
    using C = at_t<child, steps>;
    if constexpr (!__is_same(C, Root)) {
      std::string const cname(name_of<Root, C>::type::view());
      std::size_t parents = 0;
      bool from_root = false;
      two_columns locals;
      static_for<shown::size>([&](auto parent_index) {
        using P = at_t<decltype(parent_index)::value, steps>;
        using local = local_t<Root, P, C>;
        if constexpr (!__is_same(P, C) && !is_zero_c<local>::value) {
          ++parents;
          from_root = __is_same(P, Root);
          std::string text = str_cat(
              str_cat(str_cat("d", std::string(name_of<Root, P>::type::view())), "/d"), cname);
          // L's own use of C, when C also reaches L through other steps: not yet dL/dC.
          if constexpr (__is_same(P, Root)) text.append(" directly");
          std::string number_text;
          if constexpr (with_values) {
            number_text = number(values->local(name_of<Root, P>::type::view(), cname));
          }
          locals.add(str_cat(str_cat(text, " = "), in_scope<scope>(local{})), number_text);
        }
      });
      if (!(parents == 1 && from_root)) {
        for (std::size_t at_index = 0; at_index < locals.left.size(); ++at_index)
          lines.add(locals.left[at_index], locals.right[at_index]);
      }
      lines.add(str_cat(str_cat(str_cat("dL/d", cname), " = "),
                        in_scope<scope>(typename chain_rule_sum<Root, C, shown>::type{})),
                value(child, true));
    }
  });
  lines.heading(with_values ? "derivatives, checked by central differences:" : "derivatives:");
  static_for<Wanted::size>([&](auto var_index) {
    using V = at_t<decltype(var_index)::value, Wanted>;
    std::string left =
        str_cat(str_cat(str_cat("dL/d", std::string(name_of<Root, V>::type::view())), " = "),
                to_string(d(Root{}, V{})));
    if constexpr (with_values) {
      auto const& child = values->checks[var_index];
      std::string right = number(child.derived);
      right.append("   central difference (h = ")
          .append(number(child.h))
          .append("): ")
          .append(number(child.central))
          .append(", relative error ")
          .append(number(child.relative_error, "%.1e"));
      lines.add(left, right);
    } else {
      lines.add(left);
    }
  });
  return lines.str();
}

// The variables of F in the order they are bound (as the user wrote them), those of F only.
template <class F, class... Bs> struct bound_variables {
  using all = typename variables<topological_order_t<F>>::type;
  using type =
      typename concat<detail::if_t<contains<all, typename Bs::variable>::value,
                                   type_list<typename Bs::variable>, type_list<>>...>::type;
};

template <class N> using body_of = typename N::body;
template <class N> struct is_scalar_node : std::bool_constant<shape_of_t<N>::rank == 0> {};
template <class Order> struct scalar_formula;
template <class... Ns> struct scalar_formula<type_list<Ns...>> {
  static constexpr bool value =
      (is_scalar_node<Ns>::value && ...) && !(detected_v<body_of, Ns> || ...);
};

}  // namespace detail

/// A formula whose nodes are all scalars (no tensors, parameters of a net, or loops).
template <class F>
inline constexpr bool is_scalar_formula_v = detail::scalar_formula<topological_order_t<F>>::value;

/// The variables of f, in the order they first appear.
template <class F> using variables_of_t = typename detail::variables<topological_order_t<F>>::type;

/// The derivation's numbers at one point, constexpr:
///   constexpr auto D = derivation(L, w = 0.5, b = 0.1, x = 1.0, t = 0.8);
///   static_assert(D.value("z") == 0.6);  D.adjoint("z"), D.local("a", "z"), D.derivative("w")
template <Expression F, class... Bs>
  requires(detail::is_source_v<Bs>&&...)
constexpr auto derivation(F, Bs const&... bs) {
  if constexpr (!is_scalar_formula_v<F>) {
    static_assert(is_scalar_formula_v<F>,
                  "ctgrad::derivation(f, x = value, ...): f must be a scalar formula");
    return invalid_expression{};
  } else if constexpr (!(detail::is_number_binding_v<Bs> && ...)) {
    static_assert((detail::is_number_binding_v<Bs> && ...),
                  "ctgrad::derivation(f, x = value, ...): bind each variable to a number");
    return invalid_expression{};
  } else {
    return detail::make_table<F, typename detail::bound_variables<F, Bs...>::type>(bs...);
  }
}

/// The derivation of a scalar formula as text: forward steps, each step's local derivative
/// and adjoint, and each variable's derivative (Wanted: a type_list of variables).
template <Expression F, class Wanted = variables_of_t<F>> std::string derivation_text() {
  return detail::derivation_text<F, Wanted, void>(nullptr);
}

/// The same with the numbers of derivation(f, bindings...) beside every line.
template <Expression F, class... Bs>
  requires(detail::is_source_v<Bs>&&...)
std::string derivation_text(F f, Bs const&... bs) {
  auto const table = derivation(f, bs...);
  if constexpr (__is_same(decltype(table), invalid_expression const)) {
    return {};
  } else {
    return detail::derivation_text<F, typename detail::bound_variables<F, Bs...>::type>(&table);
  }
}

}  // namespace ctgrad
