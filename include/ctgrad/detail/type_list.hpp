// SPDX-License-Identifier: BSL-1.0
// Plain type lists for the graph algorithms, cheap for the compiler at hundreds of nodes.
//   contains<L, T>::value   one __is_base_of on L's indexer (a class deriving from one tag per
//                      element), instantiated once per list, not once per query
//   index_of<L, T>::value   template argument deduction against that same indexer
//   at_t<I, L>         __type_pack_element where the compiler has it (clang), else the indexer
// No Hana containers, no constexpr loops over whole lists per query: their cost grows with
// the list at every query, and the graph algorithms make queries for every node, so the
// total grows with the square of the graph (DESIGN.md's measured traps).
#pragma once

#include <ctgrad/detail/if.hpp>
#include <ctgrad/detail/type_hash.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

// size is a member of a base shared by all lists of one length: a static member of the list
// itself would be a symbol named after the list (see hashed_check).
template <std::size_t N> struct list_size { static constexpr std::size_t size = N; };
template <class... Ts> struct type_list : list_size<sizeof...(Ts)> {};

// All true / the sum, without a fold (clang 14 rejects folds over more than 256 elements).
template <bool...> struct bool_pack {};
template <bool... B>
inline constexpr bool all_of_v = __is_same(bool_pack<B..., true>, bool_pack<true, B...>);
template <std::size_t... N> constexpr std::size_t sum_of() {
  std::size_t const v[] = {N..., 0};
  std::size_t s = 0;
  for (std::size_t x : v) s += x;
  return s;
}

// ---- the indexer of a list: derives from indexed<I, T> (and so from tag<T>) per element
template <class T> struct tag {};
template <std::size_t I, class T> struct indexed : tag<T> { using type = T; };
template <class Seq, class... Ts> struct indexer_impl;
template <std::size_t... Is, class... Ts>
struct indexer_impl<std::index_sequence<Is...>, Ts...> : indexed<Is, Ts>... {};
template <class List> struct indexer;
template <class... Ts> struct indexer<type_list<Ts...>> {
  using type = indexer_impl<std::index_sequence_for<Ts...>, Ts...>;
};
template <class List> using indexer_t = typename indexer<List>::type;

// Membership. A repeated element makes tag<T> an ambiguous base, which __is_base_of allows.
// The classes derive from std::integral_constant, so T::value names a variable keyed on the
// value only: tables read at run time must not name variables keyed on a whole net (g++
// emits and mangles each one it sees in such a table's initializer).
template <class List, class T>
struct contains : std::bool_constant<__is_base_of(tag<T>, indexer_t<List>)> {};
template <class List, class T>
inline constexpr bool contains_v = __is_base_of(tag<T>, indexer_t<List>);

template <class List, class T> struct push_back;
template <class... Ts, class T> struct push_back<type_list<Ts...>, T> {
  using type = type_list<Ts..., T>;
};
template <class List, class T> using push_back_t = typename push_back<List, T>::type;

// Concatenation, eight lists per step so a long list of lists recurses shallowly.
template <class... Lists> struct concat;
template <> struct concat<> { using type = type_list<>; };
template <class... Ts> struct concat<type_list<Ts...>> { using type = type_list<Ts...>; };
template <class... A, class... B> struct concat<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};
template <class... A, class... B, class... C, class... Rest>
struct concat<type_list<A...>, type_list<B...>, type_list<C...>, Rest...> {
  using type = typename concat<type_list<A..., B..., C...>, Rest...>::type;
};
template <class... A, class... B, class... C, class... D, class... E, class... F, class... G,
          class... H, class... Rest>
struct concat<type_list<A...>, type_list<B...>, type_list<C...>, type_list<D...>, type_list<E...>,
              type_list<F...>, type_list<G...>, type_list<H...>, Rest...> {
  using type =
      typename concat<type_list<A..., B..., C..., D..., E..., F..., G..., H...>, Rest...>::type;
};

/// The elements T of List with Pred<T>::value, in order.
template <template <class> class Pred, class List> struct filter;
template <template <class> class Pred, class... Ts> struct filter<Pred, type_list<Ts...>> {
  using type = typename concat<detail::if_t<Pred<Ts>::value, type_list<Ts>, type_list<>>...>::type;
};
template <template <class> class Pred, class List>
using filter_t = typename filter<Pred, List>::type;

// ---- position of T in List (the first one); List::size if absent
// Declared only and used in decltype: a function that is never called is never emitted or
// mangled, which matters when the index is named in a table read at run time.
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
template <class T, std::size_t I>
std::integral_constant<std::size_t, I> position(indexed<I, T> const*);
template <class T> std::integral_constant<std::size_t, npos> position(...);

// The linear scan, for lists where T repeats (deduction is then ambiguous). The function is
// keyed on the comparisons' results, not on the types: see hashed_check below.
template <bool... Same> constexpr std::size_t first_same() {
  constexpr bool same[] = {Same..., true};
  std::size_t i = 0;
  while (!same[i]) ++i;
  return i;
}
template <bool Scan, class T, class... Ts>
struct index_scan : std::integral_constant<std::size_t, sizeof...(Ts)> {};
template <class T, class... Ts>
struct index_scan<true, T, Ts...>
    : std::integral_constant<std::size_t, first_same<__is_same(T, Ts)...>()> {};
// clang deduces against the indexer's bases at a cost that grows with the size of the
// element types as well as their number: the child table of a depth-128 composition's
// derivative (about 800 nodes) took 99 s that way and 0.5 s by the scan (__is_same per
// element). g++ is as fast either way; it keeps the deduction.
#if defined(__clang__)
template <class List, class T> struct index_of_pass;
template <class... Ts, class T>
struct index_of_pass<type_list<Ts...>, T>
    : std::integral_constant<std::size_t, first_same<__is_same(T, Ts)...>()> {};
#else
template <class List, class T,
          std::size_t Deduced =
              decltype(position<T>(static_cast<indexer_t<List> const*>(nullptr)))::value>
struct index_of_pass : std::integral_constant<std::size_t, Deduced> {};
template <class... Ts, class T>
struct index_of_pass<type_list<Ts...>, T, npos>
    : std::integral_constant<
          std::size_t,
          index_scan<__is_base_of(tag<T>, indexer_t<type_list<Ts...>>), T, Ts...>::value> {};
#endif

// ---- I-th element
// A long list (a graph's order) is read through chunks of 16: at<I, List> deduces from the
// list as one type, and reads a pack of at most 16 (the chunk list of N/16, then the chunk).
// An instantiation that takes the list's N elements as a pack costs N (clang copies and
// checks every argument), and the engine reads an order's elements once per node or edge.
template <std::size_t I, class T> indexed<I, T> select(indexed<I, T> const&);
template <std::size_t I, class... Ts> struct at_pack {
#if defined(__has_builtin) && __has_builtin(__type_pack_element)
  using type = __type_pack_element<I, Ts...>;
#else
  using type = typename decltype(select<I>(std::declval<indexer_t<type_list<Ts...>>>()))::type;
#endif
};
inline constexpr std::size_t chunk_size = 16;
template <class Done, class Rest, bool Full = (Rest::size >= chunk_size)> struct chunk_up {
  using type = typename push_back<Done, Rest>::type;  // the last, short chunk
};
template <class... Cs> struct chunk_up<type_list<Cs...>, type_list<>, false> {
  using type = type_list<Cs...>;
};
template <class... Cs, class T0, class T1, class T2, class T3, class T4, class T5, class T6,
          class T7, class T8, class T9, class T10, class T11, class T12, class T13, class T14,
          class T15, class... Rest>
struct chunk_up<
    type_list<Cs...>,
    type_list<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, Rest...>, true>
    : chunk_up<type_list<Cs..., type_list<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12,
                                          T13, T14, T15>>,
               type_list<Rest...>> {};
template <class List> struct chunks { using type = typename chunk_up<type_list<>, List>::type; };
template <std::size_t I, class Chunk> struct at_in_chunk;
template <std::size_t I, class... Ts>
struct at_in_chunk<I, type_list<Ts...>> : at_pack<I, Ts...> {};
template <std::size_t I, class Chunks> struct at_chunked;
template <std::size_t I, class... Chunks> struct at_chunked<I, type_list<Chunks...>> {
  using type =
      typename at_in_chunk<I % chunk_size, typename at_pack<I / chunk_size, Chunks...>::type>::type;
};
// The flag is matched before the list is unpacked: a partial specialisation
// at<I, type_list<Ts...>, false> was tried against every long list too, and g++ binds (and
// checks) each of the list's elements before it compares the flag, so each index read from a
// 909-node order cost 909 (a sixth of a 300-term derivative's compile).
template <std::size_t I, class List> struct at_short;
template <std::size_t I, class... Ts> struct at_short<I, type_list<Ts...>> : at_pack<I, Ts...> {};
template <std::size_t I, class List, bool Long = (List::size > 2 * chunk_size)> struct at;
template <std::size_t I, class List> struct at<I, List, false> : at_short<I, List> {};
template <std::size_t I, class List> struct at<I, List, true> {
  using type = typename at_chunked<I, typename chunks<List>::type>::type;
};
template <std::size_t I, class List> using at_t = typename at<I, List>::type;

// ---- position of T in List, by hash in long lists
// Long lists (a graph's order) are searched by hash (detail/type_hash.hpp): a pass per query
// made a graph's tables cost the square of its size.
inline constexpr std::size_t hashed_above = 48;
template <class List, class T, bool = (List::size > hashed_above)>
struct index_of : index_of_pass<List, T> {};
// Keyed on the list as one type, never on its elements as a pack: an instantiation whose
// arguments are the list's N elements costs N (clang copies and checks each argument), so a
// query per node would again cost the square of the graph.
// Classes whose value is a base's, not functions or variable templates: g++ gives every
// instantiated function and variable a symbol and mangles its name (the list's, O(N) long) when
// the translation unit ends, so one per node made that the square of the graph (a depth-128
// MLP: 45% of g++'s time in mangle_decl). A class's own static member is such a variable too.
template <class List, class T, std::size_t Found, bool Absent = (Found == List::size)>
struct hashed_check : std::integral_constant<std::size_t, Found> {};
template <class List, class T, std::size_t Found>
struct hashed_check<List, T, Found, false>
    : detail::if_t<__is_same(at_t<Found, List>, T), std::integral_constant<std::size_t, Found>,
                   index_of_pass<List, T>> {};  // else T is absent but collides
template <class List, class T, bool Distinct = hash_index<List>::table.distinct>
struct hashed_position : hashed_check<List, T, hash_index<List>::find(type_hash<T>::value)> {};
template <class List, class T> struct hashed_position<List, T, false> : index_of_pass<List, T> {};
template <class List, class T> struct index_of<List, T, true> : hashed_position<List, T> {};

/// The position of T in List when T is known to be there (a node's child in the graph's
/// order): in a long list, the element with T's hash, without reading it back.
template <class List, class T, bool = (List::size > hashed_above)>
struct position_of : index_of_pass<List, T> {};
template <class List, class T, bool Distinct = hash_index<List>::table.distinct>
struct present_position
    : std::integral_constant<std::size_t, hash_index<List>::find(type_hash<T>::value)> {};
template <class List, class T> struct present_position<List, T, false> : index_of_pass<List, T> {};
template <class List, class T> struct position_of<List, T, true> : present_position<List, T> {};
template <class List, class T> inline constexpr std::size_t index_of_v = index_of<List, T>::value;

}  // namespace ctgrad::detail
