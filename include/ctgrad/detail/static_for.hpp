// SPDX-License-Identifier: BSL-1.0
// static_for<N>(f) calls f(std::integral_constant<std::size_t, i>{}) for i = 0..N-1, in order.
// The calls are folds over chunks of 128, because clang rejects a single fold expression
// over 256 or more elements (its bracket-depth limit).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

inline constexpr std::size_t static_for_chunk = 128;

template <std::size_t Base, std::size_t... Is, class F>
constexpr void static_for_chunk_run(F& f, std::index_sequence<Is...>) {
  (f(std::integral_constant<std::size_t, Base + Is>{}), ...);
}

template <std::size_t N, std::size_t... Chunks, class F>
constexpr void static_for_chunks(F& f, std::index_sequence<Chunks...>) {
  (static_for_chunk_run<Chunks * static_for_chunk>(
       f, std::make_index_sequence<(N - Chunks * static_for_chunk < static_for_chunk
                                        ? N - Chunks * static_for_chunk
                                        : static_for_chunk)>{}),
   ...);
}

template <std::size_t N, class F> constexpr void static_for(F&& f) {
  static_for_chunks<N>(f,
                       std::make_index_sequence<(N + static_for_chunk - 1) / static_for_chunk>{});
}

}  // namespace ctgrad::detail
