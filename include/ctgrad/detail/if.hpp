// SPDX-License-Identifier: BSL-1.0
// if_t<B, T, F>: T if B, else F, like std::conditional_t, without a class per use.
// std::conditional<B, T, F> is a class template instantiated once per (B, T, F), and the
// engine asks it with whole subgraphs as T and F once per node: a 100-term derivative made
// 613 of them, each hashed and stored with its arguments. Here only select_if<true> and
// select_if<false> are classes; their member alias is transparent.
#pragma once

namespace ctgrad::detail {

template <bool B> struct select_if { template <class T, class F> using type = T; };
template <> struct select_if<false> { template <class T, class F> using type = F; };
template <bool B, class T, class F> using if_t = typename select_if<B>::template type<T, F>;

}  // namespace ctgrad::detail
