// SPDX-License-Identifier: BSL-1.0
// add_n:       c = a1 + a2 + ... + an        (a flat sum, all terms of c's shape)
// chain rule:  dak = dc
// rules:       a sum of add_n_from or more terms built with + becomes one add_n node of at most
//              add_n_arity terms; the next term is appended, or starts a new node whose first
//              term is the full one; c*t + (... + d*t + ...) collects into (c + d)*t among the
//              node's terms, and a - b removes b's term from them the same way.
// Why: a sum built term by term with binary + nests one node per term, so a 300-term sum was
// 300 nodes 300 levels deep, and every type, name and table of its derivation grew with it
// (issue 19: 31 s and 2.7 GB at 100 terms with g++). Side by side, a node holds up to 32
// terms: 300 terms are ten nodes, ten levels deep. Terms are added left to right, as the
// binary chain adds them, so values round the same. 32 also keeps every pack over a node's
// children small (clang stops at folds of 256; the reverse sweep's masks are 32 bits).
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/fwd.hpp>

#include <cstddef>
#include <string>

namespace ctgrad {

namespace detail {
// x, once per T of a pack: make_adjoints(repeat_for<Ts>(dc)...) gives every term dc.
template <class T, class X> constexpr X repeat_for(X x) { return x; }
template <bool Add, class A, class B> constexpr auto add_or_sub(A a, B b) {
  if constexpr (Add) {
    return a + b;
  } else {
    return a - b;
  }
}
}  // namespace detail

/// What every add_n node shares. Static members of the node itself would be variables named
/// after the node, that is after the whole sum before it: g++ names (mangles) each one, and the
/// 600 add_n types a 300-term sum and its derivative pass through made that 7 MB of names.
struct add_n_common {
  /// How to_string prints the node: its terms joined by +, as the binary chain prints.
  static constexpr print_style style{print_style::custom, " + ", 10, 10, 10};
  /// The terms, printed, joined by " + ".
  template <class... S> static std::string print(S const&... terms) {
    std::string out;
    ((out += (out.empty() ? "" : " + ") + terms), ...);
    return out;
  }
  /// forward_into takes the node's terms, however many.
  static constexpr bool any_arity_forward = true;
};

/// The node of a1 + a2 + ... + an, a long sum's terms side by side (see ops/add_n.hpp).
template <class... Ts> struct add_n_node : node<Ts...>, add_n_common {
  /// Shape of the node's value: every term's shape (this header's shape rule).
  using shape = shape_of_t<detail::at_t<0, detail::type_list<Ts...>>>;
  /// out (+)= the terms' sum, added left to right.
  template <bool Acc, class T, class... In> static constexpr void forward_into(T* out, In... in) {
    T const* const term[] = {in...};
    for (std::size_t entry = 0; entry < shape::size; ++entry) {
      T value = term[0][entry];
      for (std::size_t next = 1; next < sizeof...(In); ++next) value += term[next][entry];
      if constexpr (Acc) {
        out[entry] += value;
      } else {
        out[entry] = value;
      }
    }
  }
  /// The chain rule: every term's adjoint is dc.
  static constexpr auto vjp(Ts..., add_n_node, auto dc) {
    return make_adjoints(detail::repeat_for<Ts>(dc)...);
  }
};

namespace detail {

/// The most terms of one add_n node, and the fewest of a sum kept as one.
inline constexpr std::size_t add_n_arity = 32;
inline constexpr std::size_t add_n_from = 8;

template <class T> struct is_add_n_c : std::false_type {};
template <class... Ts> struct is_add_n_c<add_n_node<Ts...>> : std::true_type {};

// The terms of a left-nested chain of binary + whose terms all have the sum's shape (a bias
// added to rows is not a term of equal shape and ends the chain); class templates, so a chain
// is walked once however often it is asked.
template <class A> struct add_chain { using terms = type_list<A>; };
template <class A1, class A2> struct add_chain<add_node<A1, A2>> {
  using terms =
      detail::if_t<__is_same(shape_of_t<A1>, shape_of_t<A2>),
                   push_back_t<typename add_chain<A1>::terms, A2>, type_list<add_node<A1, A2>>>;
};

template <class List> struct sum_of_list;
template <> struct sum_of_list<type_list<>> { using type = zero_t; };
template <class T> struct sum_of_list<type_list<T>> { using type = T; };
template <class T, class U, class... Ts> struct sum_of_list<type_list<T, U, Ts...>> {
  using type = add_n_node<T, U, Ts...>;
};

/// a + b for a sum a of equal shapes: appended to a's add_n node, a new node after a full one,
/// or a binary chain's terms gathered into one once it reaches add_n_from terms.
template <class A, class B> struct append_term {
  using chain = typename add_chain<A>::terms;
  using type = detail::if_t<(chain::size + 1 >= add_n_from && chain::size < add_n_arity),
                            typename sum_of_list<push_back_t<chain, B>>::type, add_node<A, B>>;
};
template <class... Ts, class B> struct append_term<add_n_node<Ts...>, B> {
  using type = detail::if_t<(sizeof...(Ts) < add_n_arity), add_n_node<Ts..., B>,
                            add_n_node<add_n_node<Ts...>, B>>;
};
template <class A, class B>
using append_term_t =
    typename detail::if_t<__is_same(shape_of_t<A>, shape_of_t<B>), append_term<A, B>,
                          std::type_identity<add_node<A, B>>>::type;

/// The position among add_n's terms of the first with term T (the number of terms if none).
template <class Sum, class T> struct add_n_find;
template <class... Ts, class T>
struct add_n_find<add_n_node<Ts...>, T>
    : std::integral_constant<std::size_t,
                             first_same<__is_same(typename split_term<Ts>::term, T)...>()> {};
/// Is a an add_n node with a term like b's (b not itself a sum)?
template <class A, class B,
          bool = is_add_n_c<A>::value && !is_add_or_sub_c<B>::value && !is_add_n_c<B>::value>
struct add_n_collects_c : std::false_type {};
template <class A, class B>
struct add_n_collects_c<A, B, true>
    : std::bool_constant<(add_n_find<A, typename split_term<B>::term>::value <
                          children_t<A>::size)> {};

// The terms of add_n with term I replaced by New (dropped when New is zero).
template <class Sum, std::size_t I, class New, class Seq> struct replace_term;
template <class... Ts, std::size_t I, class New, std::size_t... Ks>
struct replace_term<add_n_node<Ts...>, I, New, std::index_sequence<Ks...>> {
  using with = detail::if_t<is_zero_c<New>::value, type_list<>, type_list<New>>;
  using type = typename sum_of_list<
      typename concat<detail::if_t<Ks == I, with, type_list<Ts>>...>::type>::type;
};
template <class Sum, std::size_t I, class New>
using replace_term_t =
    typename replace_term<Sum, I, New, std::make_index_sequence<children_t<Sum>::size>>::type;

/// a (+ or -) b where a's add_n node has a term like b's: that term becomes their sum (or
/// difference); a negative result leaves the node and is subtracted, as the binary rules print it.
template <bool Add, class A, class B> constexpr auto collect_into_add_n(A, B) {
  constexpr std::size_t at_term = add_n_find<A, typename split_term<B>::term>::value;
  using old = at_t<at_term, children_t<A>>;
  using merged = decltype(add_or_sub<Add>(old{}, B{}));
  if constexpr (is_neg_c<merged>::value || is_negative_constant_c<merged>::value ||
                is_negative_constant_c<typename split_term<merged>::coefficient>::value) {
    return replace_term_t<A, at_term, zero_t>{} - (-merged{});
  } else {
    return replace_term_t<A, at_term, merged>{};
  }
}

}  // namespace detail

}  // namespace ctgrad
