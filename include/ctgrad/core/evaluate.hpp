// SPDX-License-Identifier: BSL-1.0
// Evaluation: every distinct node of the expression(s) gets one slot range in a fixed-size
// workspace (std::array) and is computed exactly once, children first. Tensor inputs and
// parameters are read where the caller keeps them (no copy). Works at run time and in
// constant expressions (static_assert) alike.
//   ctgrad::eval(d(f, x), x = 2.0)              -> double
//   ctgrad::eval(grad(f, x, y), x = 1., y = 2.) -> std::array<double, 2>, one shared pass
//   ctgrad::eval(net, params, X = batch)        -> ctgrad::tensor<float, shape<B, 10>>
#pragma once

#include <ctgrad/core/abstract.hpp>
#include <ctgrad/core/constant.hpp>
#include <ctgrad/core/execute.hpp>
#include <ctgrad/core/graph.hpp>
#include <ctgrad/core/leaf.hpp>
#include <ctgrad/core/node.hpp>
#include <ctgrad/core/tensor.hpp>
#include <ctgrad/core/var_set.hpp>
#include <ctgrad/detail/inline.hpp>
#include <ctgrad/detail/type_list.hpp>

#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#ifdef CTGRAD_CHECK_FINITE
#include <ctgrad/core/print.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#endif

#ifdef CTGRAD_INSTRUMENT
// An instrumented build calls these (defined by the program) once per node computed
// forward and once per node whose VJP rules run backward; tests count them.
void ctgrad_on_forward(std::size_t node, std::size_t nodes);
void ctgrad_on_backward(std::size_t node, std::size_t nodes);
#endif

namespace ctgrad {

namespace detail {

// ---- where values come from: bindings (x = 2.0, X = tensor) and variable sets (parameters)
template <class Source, class Var> struct provides : std::false_type {};
template <class Var, class V> struct provides<binding<Var, V>, Var> : std::true_type {};
template <class T, class... Vs, class Var>
struct provides<var_set<T, Vs...>, Var> : std::bool_constant<var_set<T, Vs...>::template has<Var>> {};

template <class S> inline constexpr bool is_source_v = false;
template <class Var, class V> inline constexpr bool is_source_v<binding<Var, V>> = true;
template <class T, class... Vs> inline constexpr bool is_source_v<var_set<T, Vs...>> = true;

template <class S> struct source_element {
  using type = void;
};
template <class Var, class V> struct source_element<binding<Var, V>> {
  using type = V;
};
template <class Var, class T, class S> struct source_element<binding<Var, tensor<T, S> const*>> {
  using type = T;
};
template <class T, class... Vs> struct source_element<var_set<T, Vs...>> {
  using type = T;
};
template <class... Sources> struct value_type {
  using type = std::common_type_t<typename source_element<Sources>::type...>;
};
template <> struct value_type<> {
  using type = double;
};

template <bool... Found> constexpr std::size_t first_true() {
  bool const found[] = {Found..., true};
  std::size_t i = 0;
  while (!found[i]) ++i;
  return i;
}

template <class Var, class... Sources> struct provider {
  static constexpr std::size_t count = (std::size_t{0} + ... + provides<Sources, Var>::value);
  static constexpr std::size_t index = first_true<provides<Sources, Var>::value...>();
};

// ---- the source table: one pointer per value a source provides (a binding: one; a set:
// one per tensor), built once per call. Numbers bound as x = 2.0 are converted to T and
// kept in the table; tensors are read where the caller keeps them.
template <class S> inline constexpr std::size_t source_width_v = 1;
template <class T, class... Vs>
inline constexpr std::size_t source_width_v<var_set<T, Vs...>> = sizeof...(Vs);
template <class S> inline constexpr bool is_number_binding_v = false;
template <class Var, class V>
inline constexpr bool is_number_binding_v<binding<Var, V>> = std::is_arithmetic_v<V>;

template <class S, class Var> struct index_in_source : std::integral_constant<std::size_t, 0> {};
template <class T, class... Vs, class Var>
struct index_in_source<var_set<T, Vs...>, Var>
    : index_of<typename var_set<T, Vs...>::variables, Var> {};

/// Where variable Var's value is in the table of Sources (0 for a node that is not one).
/// A fold, not a lambda: see child_position below.
template <class Var, class Seq, class... Sources> struct table_index_impl;
template <class Var, std::size_t... Is, class... Sources>
struct table_index_impl<Var, std::index_sequence<Is...>, Sources...> {
  static constexpr std::size_t p = provider<Var, Sources...>::index;
  static constexpr std::size_t value =
      (std::size_t{0} + ... + (Is < p ? source_width_v<Sources> : 0)) +
      index_in_source<at_t<p, type_list<Sources...>>, Var>::value;
};
template <class Var, class... Sources>
struct table_index
    : std::integral_constant<
          std::size_t, table_index_impl<Var, std::index_sequence_for<Sources...>, Sources...>::value> {};
template <class N, class... Sources>
struct bound_index
    : std::integral_constant<std::size_t,
                             std::conditional_t<is_variable_v<N>, table_index<N, Sources...>,
                                                std::integral_constant<std::size_t, 0>>::value> {};

template <class S, class T> inline constexpr bool same_element_v = true;
template <class Var, class U, class Sh, class T>
inline constexpr bool same_element_v<binding<Var, tensor<U, Sh> const*>, T> = __is_same(U, T);
template <class U, class... Vs, class T>
inline constexpr bool same_element_v<var_set<U, Vs...>, T> = __is_same(U, T);

template <class T, class... Sources> class source_table {
  static constexpr std::size_t count = (std::size_t{0} + ... + source_width_v<Sources>);
  static constexpr std::size_t numbers = (std::size_t{0} + ... + is_number_binding_v<Sources>);
  std::array<T, numbers + 1> number_;
  std::size_t k_ = 0, j_ = 0;

  template <class Var, class V> constexpr void add(binding<Var, V> const& b) {
    if constexpr (std::is_arithmetic_v<V>) {
      number_[j_] = static_cast<T>(b.value);
      ptr[k_++] = &number_[j_++];
    } else {
      ptr[k_++] = b.value->data.data();
    }
  }
  template <class... Vs> constexpr void add(var_set<T, Vs...> const& s) {
    for (T const* p : s.pointers()) ptr[k_++] = p;
  }

 public:
  std::array<T const*, count + 1> ptr{};  // every entry read is set; {} for the unused last

  constexpr explicit source_table(Sources const&... sources) {
    static_assert((same_element_v<Sources, T> && ...),
                  "ctgrad: every tensor and variable set in one call must have the same "
                  "element type (all float or all double)");
    if constexpr ((same_element_v<Sources, T> && ...)) (add(sources), ...);
  }
  source_table(source_table const&) = delete;
  source_table& operator=(source_table const&) = delete;
};

// ---- the plan of a graph: children's positions and workspace offsets, all constexpr arrays
inline constexpr std::size_t max_arity = 4;

// Variables are read through the source table, so only computed nodes take workspace.
template <class N>
struct slot_size : std::integral_constant<std::size_t, is_variable_v<N> ? 0 : shape_of_t<N>::size> {};

/// A variable, as the forward and backward steps see it: a value read from the source table.
struct bound_leaf {
  using children = type_list<>;
};
template <class N> using step_t = std::conditional_t<is_variable_v<N>, bound_leaf, abstract_t<N>>;

// The position in Order of node N's K-th child (0 past its last). Tables that run-time code
// reads are built only from scalar constants like this one: g++ emits (and mangles) every
// class-type constant or function named in such a table's initializer, and per-node
// entities named after the whole net made that cost cubic in depth.
template <class Order, class N, std::size_t K, bool = (K < children_t<N>::size)>
struct child_position : std::integral_constant<std::size_t, 0> {};
template <class Order, class N, std::size_t K>
struct child_position<Order, N, K, true>
    : std::integral_constant<std::size_t, index_of<Order, at_t<K, children_t<N>>>::value> {};

template <class Order> struct plan;
// Where a workspace slot of `size` entries starts when the previous one ends at `end`: a
// slot of 16 entries or more starts on a multiple of 16 (64 bytes in float; the workspace
// itself is 64-byte aligned), like the tensors it is computed from (see core/tensor.hpp).
constexpr std::size_t slot_start(std::size_t end, std::size_t size) {
  return size >= 16 ? (end + 15) / 16 * 16 : end;
}

template <class... Ns> struct plan<type_list<Ns...>> {
  using order = type_list<Ns...>;
  static constexpr std::size_t n = sizeof...(Ns);

  static constexpr std::array<std::array<std::size_t, max_arity>, n> child{
      std::array<std::size_t, max_arity>{
          child_position<order, Ns, 0>::value, child_position<order, Ns, 1>::value,
          child_position<order, Ns, 2>::value, child_position<order, Ns, 3>::value}...};
  static constexpr std::array<std::size_t, n> arity{children_t<Ns>::size...};
  static_assert([] {
    for (std::size_t a : arity)
      if (a > max_arity) return false;
    return true;
  }(), "ctgrad: a node has at most four inputs");

  static constexpr std::array<std::size_t, n + 1> offsets = [] {
    std::array<std::size_t, n + 1> o{};
    std::size_t const sizes[] = {slot_size<Ns>::value..., 0};
    for (std::size_t i = 0; i < n; ++i) o[i + 1] = slot_start(o[i] + sizes[i], sizes[i + 1]);
    return o;
  }();
  static constexpr std::size_t workspace = offsets[n];
  // What the steps run per node: the abstract node, or bound_leaf for any variable (its
  // name is irrelevant at run time), so this list holds few distinct types.
  using abstracts = type_list<step_t<Ns>...>;
};

// One node's forward step, keyed on its abstract node only (operation and shapes), so its
// instantiation and symbol are shared by equal layers and do not grow with the net.
template <class Pa, class T>
CTGRAD_ALWAYS_INLINE constexpr T const* forward_node(T* out, T const* const* val,
                                std::array<std::size_t, max_arity> const& child, T const* bound,
                                [[maybe_unused]] std::size_t i, [[maybe_unused]] std::size_t n) {
  if constexpr (__is_same(Pa, bound_leaf)) {
    return bound;
  } else if constexpr (is_constant_v<Pa>) {
    out[0] = Pa::template value<T>();
    return out;
  } else {
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      apply<Pa, false>(out, val[child[Ks]]...);
    }(std::make_index_sequence<children_t<Pa>::size>{});
#ifdef CTGRAD_INSTRUMENT
    if (!std::is_constant_evaluated()) ctgrad_on_forward(i, n);
#endif
    return out;
  }
}

/// For each node of Order, where its value is in the source table (0 if it is computed).
template <class Order, class... Sources> struct bound_indices;
template <class... Ns, class... Sources> struct bound_indices<type_list<Ns...>, Sources...> {
  static constexpr std::array<std::size_t, sizeof...(Ns) + 1> value{
      bound_index<Ns, Sources...>::value..., 0};
};

// The forward steps of a graph, keyed on its list of abstract nodes. Compile time at depth:
// every symbol whose name holds the whole net costs the compiler time quadratic in the
// net's size (mangling), so the per-node code lives here, where names hold only
// operations and shapes, and all positions come in through constexpr tables.
template <class Abstracts> struct forward_steps;
template <class... Pas> struct forward_steps<type_list<Pas...>> {
  template <class T, std::size_t... Is>
  CTGRAD_ALWAYS_INLINE static constexpr void run(std::index_sequence<Is...>, T* ws, T const** val,
                                                 std::array<std::size_t, max_arity> const* child,
                                                 std::size_t const* offset, T const* const* table,
                                                 std::size_t const* bound) {
    constexpr std::size_t n = sizeof...(Pas);
    // A braced list (evaluated in order), not a fold: clang allows folds of 256 at most.
    bool const done[] = {(val[Is] = forward_node<Pas>(ws + offset[Is], val, child[Is],
                                                      table[bound[Is]], Is, n),
                          true)...,
                         true};
    (void)done;
  }
};

#ifdef CTGRAD_CHECK_FINITE
// Opt-in (define CTGRAD_CHECK_FINITE for the whole program): after each forward pass at run
// time (eval, grad, grad_into), the nodes are scanned in evaluation order and the first one
// holding an inf or a NaN is named in a std::runtime_error. Without the macro nothing of
// this is compiled. Gradients: check::first_non_finite(grads) (check/finite.hpp).
template <class N> std::string node_text() { return to_string(N{}); }

template <class Order> struct finite_scan;
template <class... Ns> struct finite_scan<type_list<Ns...>> {
  template <class T> static void run(T const* const* val) {
    constexpr std::size_t sizes[] = {shape_of_t<Ns>::size..., 0};
    using text_fn = std::string (*)();
    constexpr text_fn texts[] = {&node_text<Ns>..., nullptr};
    for (std::size_t i = 0; i < sizeof...(Ns); ++i)
      for (std::size_t k = 0; k < sizes[i]; ++k)
        if (!std::isfinite(val[i][k]))
          throw std::runtime_error(
              "ctgrad: CTGRAD_CHECK_FINITE: the first non-finite node (" + std::to_string(i + 1) +
              " of " + std::to_string(sizeof...(Ns)) + " in evaluation order) is " + texts[i]() +
              ", entry " + std::to_string(k) + " = " +
              (val[i][k] != val[i][k] ? "nan" : val[i][k] > 0 ? "inf" : "-inf"));
  }
};
#endif

/// Computes every node of Order once, in order; val[i] points at node i's value afterwards.
template <class Order, class T, class... Sources>
CTGRAD_ALWAYS_INLINE constexpr void forward_pass(T* ws, T const** val, source_table<T, Sources...> const& table) {
  using P = plan<Order>;
  forward_steps<typename P::abstracts>::run(std::make_index_sequence<P::n>{}, ws, val,
                                            P::child.data(), P::offsets.data(),
                                            table.ptr.data(),
                                            bound_indices<Order, Sources...>::value.data());
#ifdef CTGRAD_CHECK_FINITE
  if (!std::is_constant_evaluated()) finite_scan<Order>::run(static_cast<T const* const*>(val));
#endif
}

template <class Out, class Order, class T> constexpr auto extract(T const* const* val) {
  if constexpr (Expression<Out>) {
    T const* p = val[index_of_v<Order, Out>];
    if constexpr (shape_of_t<Out>::rank == 0) {
      return *p;
    } else {
      tensor<T, shape_of_t<Out>> t{};
      for (std::size_t i = 0; i < shape_of_t<Out>::size; ++i) t.data[i] = p[i];
      return t;
    }
  } else {
    return [&]<class... Ts>(boost::hana::tuple<Ts...> const*) {
      if constexpr (sizeof...(Ts) == 0) {
        return std::array<T, 0>{};
      } else if constexpr ((__is_same(decltype(extract<Ts, Order>(val)),
                                      decltype(extract<at_t<0, type_list<Ts...>>, Order>(val))) &&
                            ...)) {
        using element_t = decltype(extract<at_t<0, type_list<Ts...>>, Order>(val));
        return std::array<element_t, sizeof...(Ts)>{extract<Ts, Order>(val)...};
      } else {
        return boost::hana::make_tuple(extract<Ts, Order>(val)...);
      }
    }(static_cast<Out const*>(nullptr));
  }
}

template <class Out> inline constexpr bool is_evaluable_v = Expression<Out>;
template <class... Ts>
inline constexpr bool is_evaluable_v<boost::hana::tuple<Ts...>> = (is_evaluable_v<Ts> && ...);

template <class N> struct is_variable : std::bool_constant<is_variable_v<N>> {};
template <class Order> struct variables {
  using type = filter_t<is_variable, Order>;
};

// One static_assert per variable, so the compiler names the unbound one.
template <class Var, class... Sources> constexpr bool require_bound() {
  static_assert(provider<Var, Sources...>::count != 0,
                "ctgrad::eval(f, x = value, ...): a variable of f has no value; bind every "
                "variable of f (the variable is named in this message's condition)");
  static_assert(provider<Var, Sources...>::count <= 1,
                "ctgrad::eval(f, ...): a variable is bound more than once");
  return true;
}
template <class Vars, class... Sources> struct bound_check;
template <class... Vars, class... Sources> struct bound_check<type_list<Vars...>, Sources...> {
  static constexpr bool ok = all_of_v<(provider<Vars, Sources...>::count == 1)...>;
  static constexpr void require() {
    bool const done[] = {require_bound<Vars, Sources...>()..., true};
    (void)done;
  }
};

template <class Out, class... Sources> constexpr auto eval_bound(Sources const&... given) {
  using T = typename value_type<Sources...>::type;
  using order = typename visit_children<type_list<>, empty_set, typename outputs<Out>::type>::type;
  using vars = typename variables<order>::type;
  using result_t = decltype(extract<Out, order>(static_cast<T const* const*>(nullptr)));
  if constexpr (!bound_check<vars, Sources...>::ok) {
    bound_check<vars, Sources...>::require();
    return result_t{};
  } else {
    source_table<T, Sources...> const table{given...};
    // Every slot is written before it is read, so no zero-fill. + 1: never zero-sized.
    alignas(64) std::array<T, plan<order>::workspace + 1> ws;
    std::array<T const*, order::size> val;
    forward_pass<order>(ws.data(), val.data(), table);
    return extract<Out, order>(val.data());
  }
}

}  // namespace detail

/// Evaluates an expression, or a hana::tuple of them (as from grad or hessian), with every
/// variable bound: eval(f, x = 1.0, y = 2.0), eval(net, params, X = batch). The result has
/// the common type of the bound values (double when none is bound); tensors give tensors,
/// tuples of scalars give std::arrays. Each node is computed once.
template <class Out, class... Sources> constexpr auto eval(Out, Sources const&... sources) {
  if constexpr (__is_same(Out, invalid_expression)) {
    return 0.0;  // the call that made it has already reported the error
  } else if constexpr (!detail::is_evaluable_v<Out>) {
    static_assert(detail::is_evaluable_v<Out>,
                  "ctgrad::eval(f, ...): f must be a ctgrad expression or a tuple of them");
    return 0.0;
  } else if constexpr (!(detail::is_source_v<Sources> && ...)) {
    static_assert((detail::is_source_v<Sources> && ...),
                  "ctgrad::eval(f, ...): pass each value as a binding, x = 2.0, or a "
                  "parameter set");
    return 0.0;
  } else {
    return detail::eval_bound<Out>(sources...);
  }
}

}  // namespace ctgrad
