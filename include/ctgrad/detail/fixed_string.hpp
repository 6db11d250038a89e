// SPDX-License-Identifier: BSL-1.0
// A string usable as a template argument, so a variable's name is part of its type:
// var<"x"> and var<"y"> are different nodes, and printing needs no run-time state.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace ctgrad::detail {

template <std::size_t N> struct fixed_string {
  char text[N]{};
  constexpr fixed_string(char const (&literal)[N]) {
    for (std::size_t i = 0; i < N; ++i) text[i] = literal[i];
  }
  constexpr std::string_view view() const { return {text, N - 1}; }
};

/// A name as a pack of characters: compilers print name<'x'> in diagnostics, which reads
/// better than the bytes of a fixed_string (clang 14 shows {{120, 0}}).
template <char... Cs> struct name {
  static constexpr char text[] = {Cs..., '\0'};
  static constexpr std::string_view view() { return {text, sizeof...(Cs)}; }
};

template <fixed_string S, class Seq = std::make_index_sequence<S.view().size()>> struct to_name;
template <fixed_string S, std::size_t... Is> struct to_name<S, std::index_sequence<Is...>> {
  using type = name<S.text[Is]...>;
};
template <fixed_string S> using to_name_t = typename to_name<S>::type;

}  // namespace ctgrad::detail
