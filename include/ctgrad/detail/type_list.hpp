// SPDX-License-Identifier: BSL-1.0
// Plain type lists for the graph algorithms. Membership and position are pack folds over
// the compiler's __is_same builtin: no recursion, no Hana containers (a Hana-based
// topological sort took 31 s at 64 nodes in a prototype; this form takes a fraction).
#pragma once

#include <cstddef>
#include <utility>

namespace ctgrad::detail {

template <class... Ts> struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

// A braced pack expansion, not a fold: clang 14 rejects folds over more than 256 elements,
// and a deep net's node list is longer than that.
template <class T, class... Ts> constexpr bool contains_impl() {
  constexpr bool same[] = {__is_same(T, Ts)..., false};
  for (bool b : same)
    if (b) return true;
  return false;
}
template <class List, class T> struct contains;
template <class... Ts, class T> struct contains<type_list<Ts...>, T> {
  static constexpr bool value = contains_impl<T, Ts...>();
};
template <class List, class T> inline constexpr bool contains_v = contains<List, T>::value;

template <class List, class T> struct push_back;
template <class... Ts, class T> struct push_back<type_list<Ts...>, T> {
  using type = type_list<Ts..., T>;
};
template <class List, class T> using push_back_t = typename push_back<List, T>::type;

template <class... Lists> struct concat;
template <> struct concat<> {
  using type = type_list<>;
};
template <class... Ts> struct concat<type_list<Ts...>> {
  using type = type_list<Ts...>;
};
template <class... Ts, class... Us, class... Rest>
struct concat<type_list<Ts...>, type_list<Us...>, Rest...> {
  using type = typename concat<type_list<Ts..., Us...>, Rest...>::type;
};

// Position of T in Ts... (the first one); size if absent.
template <class T, class... Ts> constexpr std::size_t index_of_impl() {
  constexpr bool same[] = {__is_same(T, Ts)..., true};
  std::size_t i = 0;
  while (!same[i]) ++i;
  return i;
}
template <class List, class T> struct index_of;
template <class... Ts, class T> struct index_of<type_list<Ts...>, T> {
  static constexpr std::size_t value = index_of_impl<T, Ts...>();
};
template <class List, class T> inline constexpr std::size_t index_of_v = index_of<List, T>::value;

// I-th element without recursion: overload resolution picks the base indexed<I, T>.
// (clang has __type_pack_element; g++ 12 does not.)
template <std::size_t I, class T> struct indexed {
  using type = T;
};
template <class Seq, class... Ts> struct indexer;
template <std::size_t... Is, class... Ts>
struct indexer<std::index_sequence<Is...>, Ts...> : indexed<Is, Ts>... {};
template <std::size_t I, class T> indexed<I, T> select(indexed<I, T> const&);

template <std::size_t I, class List> struct at;
template <std::size_t I, class... Ts> struct at<I, type_list<Ts...>> {
  using type = typename decltype(select<I>(
      std::declval<indexer<std::index_sequence_for<Ts...>, Ts...>>()))::type;
};
template <std::size_t I, class List> using at_t = typename at<I, List>::type;

}  // namespace ctgrad::detail
