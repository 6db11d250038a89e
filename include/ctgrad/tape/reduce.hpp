// SPDX-License-Identifier: BSL-1.0
// Sums on the tape (ctgrad's sum_to and broadcast_to loops):
//   sum_to<S>  c = a summed over its leading dimensions down to the trailing shape S
//              da = u repeated over those dimensions
//   sum        sum_to<shape<>>: the sum of all elements
//   mean       c = (1/n) * sum(a)      da = ((1/n) * u) repeated       (n = size of a)
// mean multiplies by 1/n rather than dividing by n, as ctgrad's mean = constant<1, n> * sum.
#pragma once

#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/tape/recorder.hpp>

#include <cstddef>
#include <cstdint>

namespace ctgrad::tape {

namespace detail {

template <class T, class SA, class S> void sum_to_backward(recorder<T>& t, record_t<T> const& r) {
  T const* const u = t.adjoint_of(r.out);
  t.send(r.in[0], [&](auto acc, T* da) {
    broadcast_to_node<slot_node<0, S>, SA>::template forward_into<decltype(acc)::value>(da, u);
  });
}

template <std::size_t N, class T> T inverse_count() {
  return constant_node<1, static_cast<std::intmax_t>(N)>::template value<T>();
}

template <class T, class SA> void mean_backward(recorder<T>& t, record_t<T> const& r) {
  T const g = inverse_count<SA::size, T>() * t.adjoint_of(r.out)[0];
  t.send(r.in[0], [&](auto acc, T* da) {
    using repeat = broadcast_to_node<slot_node<0, shape<>>, SA>;
    repeat::template forward_into<decltype(acc)::value>(da, &g);
  });
}

}  // namespace detail

/// a summed over its leading dimensions down to the trailing shape S.   sum_to<shape<8>>(z)
template <class S, class T, class SA> var<T, S> sum_to(var<T, SA> const& a) {
  if constexpr (!ctgrad::detail::is_suffix<S, SA>::value) {
    static_assert(ctgrad::detail::is_suffix<S, SA>::value,
                  "ctgrad::tape::sum_to<S>(a): S must be the trailing dimensions of a's shape");
    return {};
  } else if constexpr (__is_same(S, SA)) {
    detail::tape_of(a);
    return a;  // as ctgrad: nothing to sum
  } else {
    recorder<T>& t = detail::tape_of(a);
    var<T, S> const c = t.template output<S>(a);
    sum_to_node<slot_node<0, SA>, S>::template forward_into<false>(t.data(c), t.value_of(a.id()));
    t.record_step(&detail::sum_to_backward<T, SA, S>, c, a.id());
    return c;
  }
}

/// The sum of all elements of a.
template <class T, class SA> var<T, shape<>> sum(var<T, SA> const& a) { return sum_to<shape<>>(a); }

/// The mean of all elements of a.
template <class T, class SA> var<T, shape<>> mean(var<T, SA> const& a) {
  recorder<T>& t = detail::tape_of(a);
  var<T, shape<>> const c = t.template output<shape<>>(a);
  T s{};
  sum_to_node<slot_node<0, SA>, shape<>>::template forward_into<false>(&s, t.value_of(a.id()));
  *t.data(c) = detail::inverse_count<SA::size, T>() * s;
  t.record_step(&detail::mean_backward<T, SA>, c, a.id());
  return c;
}

}  // namespace ctgrad::tape
