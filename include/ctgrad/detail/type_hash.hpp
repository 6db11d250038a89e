// SPDX-License-Identifier: BSL-1.0
// Structural hashes of types, so that the position of a node in a long list (a graph's
// topological order) is found by one probe of a hash table instead of a pass over the list.
//   type_hash<T>::value       64 bits from T's template and its arguments' hashes, each
//                             type hashed once (a class template, so memoised per type)
//   hash_index<Ts...>::find   the position of a hash among Ts..., built once per list
// Every query used to cost a pass over the list (deduction against a class with one base per
// element, or an __is_same per element), so a graph's tables cost the square of its size: a
// 300-term sum's derivative has about 1500 nodes and 4000 edges. The hash of a node reads its
// children's hashes only, never its printed name (which is as long as the whole subtree).
// A collision is detected when the table is built (two elements, one hash) and the caller
// then falls back to the pass; a found position is checked with __is_same.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace ctgrad::detail {

constexpr std::uint64_t hash_text(char const* text) {  // FNV-1a
  std::uint64_t h = 14695981039346656037ull;
  for (; *text != '\0'; ++text) {
    h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(*text));
    h *= 1099511628211ull;
  }
  return h;
}
constexpr std::uint64_t hash_mix(std::uint64_t h, std::uint64_t v) {  // order-dependent
  std::uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
// One function for every list of values, not a function template per list: a template
// instantiated for each node's children cost g++ a function (and its name) per node.
constexpr std::uint64_t hash_all(std::uint64_t h, std::initializer_list<std::uint64_t> vs) {
  for (std::uint64_t v : vs) h = hash_mix(h, v);
  return hash_mix(h, vs.size());
}

// The name of a type or of a class template, as the compiler prints it in a function's
// signature: short for templates and leaves, which is all it is used for.
template <class T> constexpr std::uint64_t name_hash() { return hash_text(__PRETTY_FUNCTION__); }
template <template <class...> class K> constexpr std::uint64_t template_hash() {
  return hash_text(__PRETTY_FUNCTION__);
}
template <template <class, int> class K> constexpr std::uint64_t template_int_hash() {
  return hash_text(__PRETTY_FUNCTION__);
}
template <template <class, class, bool> class K> constexpr std::uint64_t template_bool_hash() {
  return hash_text(__PRETTY_FUNCTION__);
}
template <template <std::intmax_t, std::intmax_t> class K>
constexpr std::uint64_t template_ratio_hash() {
  return hash_text(__PRETTY_FUNCTION__);
}
template <template <std::size_t, class> class K> constexpr std::uint64_t template_slot_hash() {
  return hash_text(__PRETTY_FUNCTION__);
}

/// A type's hash: a template's name mixed with its arguments' hashes (a node's children) or
/// numbers (a constant's ratio, a slot's index), or, for any other type (variables,
/// shapes), its printed name. (Hashing a constant's printed name cost g++ about 230 KB and
/// 3 ms per constant, in the constexpr loop over the text: 0.8 s for a 300-term sum.)
template <class T> struct type_hash : std::integral_constant<std::uint64_t, name_hash<T>()> {};
template <template <class...> class K, class... As>
struct type_hash<K<As...>>
    : std::integral_constant<std::uint64_t,
                             hash_all(template_hash<K>(), {type_hash<As>::value...})> {};
template <template <class, int> class K, class A, int N>  // pow_node<A, N>
struct type_hash<K<A, N>>
    : std::integral_constant<std::uint64_t,
                             hash_all(template_int_hash<K>(),
                                      {type_hash<A>::value, static_cast<std::uint64_t>(N)})> {};
template <template <class, class, bool> class K, class A, class B, bool P>  // gate_node
struct type_hash<K<A, B, P>>
    : std::integral_constant<std::uint64_t,
                             hash_all(template_bool_hash<K>(),
                                      {type_hash<A>::value, type_hash<B>::value, P})> {};

template <template <std::intmax_t, std::intmax_t> class K, std::intmax_t N, std::intmax_t D>
struct type_hash<K<N, D>>  // constant_node<N, D>
    : std::integral_constant<std::uint64_t,
                             hash_all(template_ratio_hash<K>(), {static_cast<std::uint64_t>(N),
                                                                 static_cast<std::uint64_t>(D)})> {
};
template <template <std::size_t, class> class K, std::size_t I, class S>
struct type_hash<K<I, S>>  // slot_node<K, Shape>
    : std::integral_constant<std::uint64_t,
                             hash_all(template_slot_hash<K>(), {I, type_hash<S>::value})> {};

/// An open-addressing table from the hashes of a list's elements to their positions, built
/// once per list. `distinct` is false when two elements share a hash (a repeated element, or a
/// collision).
template <class List> struct hash_index;
template <template <class...> class L, class... Ts> struct hash_index<L<Ts...>> {
  static constexpr std::size_t n = sizeof...(Ts);
  static constexpr std::size_t buckets = [] {
    std::size_t count = 1;
    while (count < 2 * n) count *= 2;
    return count;
  }();
  struct table_t {
    std::array<std::uint64_t, buckets> key{};
    std::array<std::size_t, buckets> position{};  // + 1; 0 marks an empty bucket
    bool distinct = true;
  };
  static constexpr table_t table = [] {
    table_t tab{};
    std::uint64_t const keys[] = {type_hash<Ts>::value..., 0};
    for (std::size_t elem = 0; elem < n; ++elem) {
      std::size_t bucket = keys[elem] & (buckets - 1);
      while (tab.position[bucket] != 0) {
        if (tab.key[bucket] == keys[elem]) tab.distinct = false;
        bucket = (bucket + 1) & (buckets - 1);
      }
      tab.key[bucket] = keys[elem];
      tab.position[bucket] = elem + 1;
    }
    return tab;
  }();
  /// The position of the element with hash h, or n.
  static constexpr std::size_t find(std::uint64_t h) {
    for (std::size_t b = h & (buckets - 1); table.position[b] != 0; b = (b + 1) & (buckets - 1))
      if (table.key[b] == h) return table.position[b] - 1;
    return n;
  }
};

}  // namespace ctgrad::detail
