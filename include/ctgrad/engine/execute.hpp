// SPDX-License-Identifier: BSL-1.0
// Running one node, and one small expression such as a VJP rule, on values in memory.
//   apply<N, Acc>(out, in...)    N's forward from its inputs' values
//   run_expr<E, Self, Acc>(out, inputs)   an expression over slot/self/upstream values;
//       an all-elementwise one (da * (1 - a^2)) runs as one fused loop, others node by node
//       through a small stack workspace.
// Everything here is keyed on abstract nodes (operation + shapes), never on a whole net.
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/detect.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/detail/static_for.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/kernels/elementwise.hpp>

#include <array>
#include <cstddef>

namespace ctgrad::detail {

/// A primitive with its own loop (matmul, softmax, sums) rather than a scalar forward.
/// (A node of any number of inputs, such as a loop, says so with any_arity_forward.)
template <class N> using forward_into_of = decltype(&N::template forward_into<false, float>);
template <class N> using any_arity_forward_of = decltype(N::any_arity_forward);
template <class N>
concept has_forward_into =
    detected_v<forward_into_of, N> || detected_v<any_arity_forward_of, N>;  // detail/detect.hpp

template <class N, bool Acc, class T, class... Cs, class... In>
constexpr void apply_impl(type_list<Cs...>, T* out, In... in) {
  constexpr std::size_t size = shape_of_t<N>::size;
  if constexpr (has_forward_into<N>) {
    N::template forward_into<Acc>(out, in...);
  } else if constexpr (sizeof...(Cs) == 1) {
    kernels::map<Acc, size>([](auto value) { return N::forward(value); }, out, in...);
  } else {
    static_assert(sizeof...(Cs) == 2, "ctgrad: an elementwise node has one or two inputs");
    kernels::zip<Acc, shape_of_t<Cs>::size..., size>(
        [](auto lhs, auto rhs) { return N::forward(lhs, rhs); }, out, in...);
  }
}

/// out (+)= N(in...), the node's forward from its children's values (T const* each).
template <class N, bool Acc, class T, class... In> constexpr void apply(T* out, In... in) {
  apply_impl<N, Acc>(children_t<N>{}, out, static_cast<T const*>(in)...);
}

/// The values a rule of node Self reads: Self's inputs, its output, and its adjoint.
template <class T> struct rule_inputs {
  T const* const* slots;
  T const* self;
  T const* up;
  T* scratch;  // rule_scratch_v<E, Self> entries for a rule's intermediate values
};

template <class L, class Self>
inline constexpr bool is_given_v = is_slot_v<L> || is_upstream_v<L> || __is_same(L, Self);

template <class L, class Self, class T> constexpr T const* given_ptr(rule_inputs<T> const& in) {
  if constexpr (__is_same(L, Self)) {
    return in.self;
  } else if constexpr (is_upstream_v<L>) {
    return in.up;
  } else {
    return in.slots[L::index];
  }
}

// ---- fused elementwise evaluation
template <class E, class Self> struct fusable;
template <class E, class Self, class Cs = children_t<E>> struct fusable_node;
template <class E, class Self, class... Cs> struct fusable_node<E, Self, type_list<Cs...>> {
  static constexpr bool value = !has_forward_into<E> && sizeof...(Cs) > 0 &&
                                (fusable<Cs, Self>::value && ...);
};
template <class E, class Self> struct fusable {
  static constexpr bool value = [] {
    if constexpr (is_given_v<E, Self> || detail::is_constant<E>::value) {
      return true;
    } else {
      return fusable_node<E, Self>::value;
    }
  }();
};

// The sizes of the values a fused loop reads.
template <class E, class Self, class Cs = children_t<E>> struct read_sizes;
template <class E, class Self, class... Cs> struct read_sizes<E, Self, type_list<Cs...>> {
  using type =
      detail::if_t<is_given_v<E, Self>,
                   type_list<std::integral_constant<std::size_t, shape_of_t<E>::size>>,
                   typename concat<type_list<>, typename read_sizes<Cs, Self>::type...>::type>;
};

template <std::size_t SOut, class Sizes> struct fused_inner;
template <std::size_t SOut, class... S> struct fused_inner<SOut, type_list<S...>> {
  static constexpr std::size_t inner = kernels::inner_size<SOut, S::value...>();
  static constexpr bool ok = ((S::value == 1 || S::value == inner || S::value == SOut) && ...);
};

template <class E, class Self, std::size_t SOut, std::size_t Inner, class T>
constexpr auto scalar_at(rule_inputs<T> const& in, std::size_t r, std::size_t j) {
  if constexpr (is_given_v<E, Self>) {
    return given_ptr<E, Self>(in)[kernels::operand_index<shape_of_t<E>::size, SOut, Inner>(r, j)];
  } else if constexpr (detail::is_constant<E>::value) {
    return E::template value<T>();
  } else {
    return [&]<class... Cs>(type_list<Cs...>) {
      return static_cast<T>(E::forward(scalar_at<Cs, Self, SOut, Inner>(in, r, j)...));
    }(children_t<E>{});
  }
}

// ---- node-by-node evaluation through a small workspace
template <class E, class Self> struct rule_layout;
template <class E, class Self> struct rule_layout {
  using order = topological_order_t<E>;
  // Given values are read in place and the root is written to the destination.
  template <class M>
  static constexpr std::size_t slot_size = (is_given_v<M, Self> || __is_same(M, E))
                                               ? 0
                                               : shape_of_t<M>::size;
  static constexpr auto offsets = []<class... Ms>(type_list<Ms...>) {
    std::array<std::size_t, sizeof...(Ms) + 1> o{};
    std::size_t const sizes[] = {slot_size<Ms>..., 0};
    for (std::size_t idx = 0; idx < sizeof...(Ms); ++idx) o[idx + 1] = o[idx] + sizes[idx];
    return o;
  }(order{});
  static constexpr std::size_t size = offsets[order::size];
};

template <class M, class E, class Self, class T>
constexpr T const* node_ptr(rule_inputs<T> const& in, T const* ws) {
  if constexpr (is_given_v<M, Self>) {
    return given_ptr<M, Self>(in);
  } else {
    using L = rule_layout<E, Self>;
    return ws + L::offsets[index_of<typename L::order, M>::value];
  }
}

// How many entries of scratch run_expr<E, Self> writes: none when E is read in place, a
// constant, or fused into one loop; else its intermediate nodes' values.
template <class E, class Self> constexpr std::size_t rule_scratch() {
  if constexpr (is_given_v<E, Self> || detail::is_constant<E>::value) {
    return 0;
  } else if constexpr (fusable<E, Self>::value &&
                       fused_inner<shape_of_t<E>::size, typename read_sizes<E, Self>::type>::ok) {
    return 0;
  } else {
    return rule_layout<E, Self>::size;
  }
}

/// out (+)= E, an all-elementwise expression, in one loop. out is restrict: an adjoint or
/// a value slot of its own, never one of the values the rule reads. Without it the compiler
/// must assume that each store may change the values (and the pointers to them) read next,
/// and the loop stays scalar: a relu rule da * (z > 0) over 8 entries took 31 instructions.
template <class E, class Self, bool Acc, std::size_t Size, std::size_t Inner, class T>
CTGRAD_ALWAYS_INLINE constexpr void run_fused(T* CTGRAD_RESTRICT out, rule_inputs<T> const& in) {
  for (std::size_t r = 0; r < Size / Inner; ++r)
    kernels::row_loop<Inner>([&](std::size_t col) {
      kernels::store<Acc>(out[r * Inner + col], scalar_at<E, Self, Size, Inner>(in, r, col));
    });
}

/// out (+)= E, E an expression over the given values of a node Self.
template <class E, class Self, bool Acc, class T>
constexpr void run_expr(T* out, rule_inputs<T> const& in) {
  constexpr std::size_t size = shape_of_t<E>::size;
  if constexpr (is_given_v<E, Self>) {
    kernels::copy<Acc, size>(out, given_ptr<E, Self>(in));
  } else if constexpr (detail::is_constant<E>::value) {
    for (std::size_t i = 0; i < size; ++i) kernels::store<Acc>(out[i], E::template value<T>());
  } else if constexpr (fusable<E, Self>::value &&
                       fused_inner<size, typename read_sizes<E, Self>::type>::ok) {
    constexpr std::size_t inner = fused_inner<size, typename read_sizes<E, Self>::type>::inner;
    run_fused<E, Self, Acc, size, inner>(out, in);
  } else {
    using L = rule_layout<E, Self>;
    using order = typename L::order;
    // In the caller's workspace, not on the stack: a rule's intermediates can be as large
    // as the layer (each is written before it is read).
    T* const ws = in.scratch;
    static_for<order::size>([&](auto index) {
      using M = at_t<decltype(index)::value, order>;
      if constexpr (is_given_v<M, Self>) {
        // read in place
      } else if constexpr (detail::is_constant<M>::value) {
        if constexpr (__is_same(M, E)) {
          kernels::store<Acc>(out[0], M::template value<T>());
        } else {
          ws[L::offsets[decltype(index)::value]] = M::template value<T>();
        }
      } else {
        T* dest = __is_same(M, E) ? out : ws + L::offsets[decltype(index)::value];
        [&]<class... Cs>(type_list<Cs...>) {
          if constexpr (__is_same(M, E)) {
            apply<M, Acc>(dest, node_ptr<Cs, E, Self>(in, ws)...);
          } else {
            apply<M, false>(dest, node_ptr<Cs, E, Self>(in, ws)...);
          }
        }(children_t<M>{});
      }
    });
  }
}

}  // namespace ctgrad::detail
