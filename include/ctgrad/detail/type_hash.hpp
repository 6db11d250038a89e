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
template <std::uint64_t... Vs> constexpr std::uint64_t hash_all(std::uint64_t h) {
  std::uint64_t const vs[] = {Vs..., 0};
  for (std::size_t i = 0; i < sizeof...(Vs); ++i) h = hash_mix(h, vs[i]);
  return hash_mix(h, sizeof...(Vs));
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

/// A type's hash: a template's name mixed with its arguments' hashes (a node's children),
/// or, for any other type (leaves: constants, variables, shapes), its printed name.
template <class T> struct type_hash : std::integral_constant<std::uint64_t, name_hash<T>()> {};
template <template <class...> class K, class... As>
struct type_hash<K<As...>>
    : std::integral_constant<std::uint64_t, hash_all<type_hash<As>::value...>(template_hash<K>())> {
};
template <template <class, int> class K, class A, int N>  // pow_node<A, N>
struct type_hash<K<A, N>>
    : std::integral_constant<std::uint64_t,
                             hash_all<type_hash<A>::value, static_cast<std::uint64_t>(N)>(
                                 template_int_hash<K>())> {};
template <template <class, class, bool> class K, class A, class B, bool P>  // gate_node
struct type_hash<K<A, B, P>>
    : std::integral_constant<std::uint64_t, hash_all<type_hash<A>::value, type_hash<B>::value, P>(
                                                template_bool_hash<K>())> {};

/// An open-addressing table from the hashes of a list's elements to their positions, built
/// once per list. `distinct` is false when two elements share a hash (a repeated element, or a
/// collision).
template <class List> struct hash_index;
template <template <class...> class L, class... Ts> struct hash_index<L<Ts...>> {
  static constexpr std::size_t n = sizeof...(Ts);
  static constexpr std::size_t buckets = [] {
    std::size_t b = 1;
    while (b < 2 * n) b *= 2;
    return b;
  }();
  struct table_t {
    std::array<std::uint64_t, buckets> key{};
    std::array<std::size_t, buckets> position{};  // + 1; 0 marks an empty bucket
    bool distinct = true;
  };
  static constexpr table_t table = [] {
    table_t t{};
    std::uint64_t const keys[] = {type_hash<Ts>::value..., 0};
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t b = keys[i] & (buckets - 1);
      while (t.position[b] != 0) {
        if (t.key[b] == keys[i]) t.distinct = false;
        b = (b + 1) & (buckets - 1);
      }
      t.key[b] = keys[i];
      t.position[b] = i + 1;
    }
    return t;
  }();
  /// The position of the element with hash h, or n.
  static constexpr std::size_t find(std::uint64_t h) {
    for (std::size_t b = h & (buckets - 1); table.position[b] != 0; b = (b + 1) & (buckets - 1))
      if (table.key[b] == h) return table.position[b] - 1;
    return n;
  }
};

}  // namespace ctgrad::detail
