// SPDX-License-Identifier: BSL-1.0
// Whole-set arithmetic on parameter and gradient sets (var_set), the building blocks of
// optimisers, clipping and gradient accumulation:
//   train::each(f, a, b...)   f(a_i, b_i...) over every scalar of sets of one structure
//   train::each_trainable(f, a, b...)   the same, skipping buffers (optimisers use it)
//   train::each_trainable_in(from, to, f, a, b...)   entries [from, to) of the flat order only
//                             (an optimiser's step split over threads: train/parallel.hpp)
//   train::add_into(acc, g)   acc += g   (accumulating micro-batch gradients)
//   train::scale(g, s)        g *= s
//   train::squared_norm(g)    sum of squares over every entry (in double)
// Zeroing semantics, the lesson's exercise 5: grad_into *overwrites* its gradient set, so
// one step's gradient never leaks into the next. To accumulate over micro-batches, compute
// each into a scratch set and add_into an accumulator that you zero() before the first.
#pragma once

#include <ctgrad/expr/var_set.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::train {

/// f(x, y...) for every entry x of a and the matching entries y of the others, which must
/// have a's structure (the same variables in the same order; element types may differ).
template <class F, class T, class... Vars, class... Others>
constexpr void each(F&& f, var_set<T, Vars...>& a, Others&... others) {
  auto one = [&](auto index) {
    constexpr std::size_t pos = decltype(index)::value;
    auto& ta = a.template get<pos>();
    for (std::size_t entry = 0; entry < ta.size; ++entry)
      f(ta.data[entry], others.template get<pos>().data[entry]...);
  };
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    bool const done[] = {(one(std::integral_constant<std::size_t, Is>{}), true)..., true};
    (void)done;
  }
  (std::index_sequence_for<Vars...>{});
}

/// each over the parameters only: buffers (ctgrad::buffer, e.g. batch norm's running
/// statistics) are state that no optimiser step may change, weight decay included.
template <class F, class T, class... Vars, class... Others>
constexpr void each_trainable(F&& f, var_set<T, Vars...>& a, Others&... others) {
  using vars = typename var_set<T, Vars...>::variables;
  auto one = [&](auto index) {
    constexpr std::size_t pos = decltype(index)::value;
    if constexpr (!is_buffer_v<ctgrad::detail::at_t<pos, vars>>) {
      auto& ta = a.template get<pos>();
      for (std::size_t entry = 0; entry < ta.size; ++entry)
        f(ta.data[entry], others.template get<pos>().data[entry]...);
    }
  };
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    bool const done[] = {(one(std::integral_constant<std::size_t, Is>{}), true)..., true};
    (void)done;
  }
  (std::index_sequence_for<Vars...>{});
}

/// each_trainable over the entries [from, to) of the sets' flat order (their tensors in order,
/// each row-major, buffers counted but skipped): the per-entry work of each_trainable, split
/// into ranges that threads update independently (the same operations on each entry, so the
/// same bits, whatever the split).
template <class F, class T, class... Vars, class... Others>
constexpr void each_trainable_in(std::size_t from, std::size_t to, F&& f, var_set<T, Vars...>& a,
                                 Others&... others) {
  using vars = typename var_set<T, Vars...>::variables;
  std::size_t offset = 0;
  auto one = [&](auto index) {
    constexpr std::size_t pos = decltype(index)::value;
    auto& ta = a.template get<pos>();
    constexpr std::size_t len = std::remove_reference_t<decltype(ta)>::size;
    if constexpr (!is_buffer_v<ctgrad::detail::at_t<pos, vars>>) {
      std::size_t const lo = from > offset ? from - offset : 0;
      std::size_t const hi = to < offset + len ? (to > offset ? to - offset : 0) : len;
      for (std::size_t entry = lo; entry < hi; ++entry)
        f(ta.data[entry], others.template get<pos>().data[entry]...);
    }
    offset += len;
  };
  [&]<std::size_t... Is>(std::index_sequence<Is...>) {
    bool const done[] = {(one(std::integral_constant<std::size_t, Is>{}), true)..., true};
    (void)done;
  }
  (std::index_sequence_for<Vars...>{});
}

/// acc += g, entry by entry.
template <class Set> constexpr void add_into(Set& acc, Set const& g) {
  each([](auto& a, auto const& b) { a += b; }, acc, g);
}

/// g *= s, entry by entry.
template <class Set> constexpr void scale(Set& g, typename Set::value_type s) {
  each([s](auto& a) { a *= s; }, g);
}

/// The sum of squares of every entry, accumulated in double.
template <class Set> constexpr double squared_norm(Set const& g) {
  double sum = 0;
  g.for_each([&](auto, auto const& t) {
    for (auto v : t) sum += static_cast<double>(v) * static_cast<double>(v);
  });
  return sum;
}

}  // namespace ctgrad::train
