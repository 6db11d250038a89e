// SPDX-License-Identifier: BSL-1.0
// softmax on the tape, along the last dimension (each row of a batch), with ctgrad's loops:
//   a_j = exp(z_j - max z) / sum_k exp(z_k - max z)
//   dz = a * (u - sum_j(u_j * a_j))        per row (ctgrad's softmax_backward), u = dL/da
// The tape remembers that a is softmax(z): cross_entropy(a, y) then uses the fused rule
// dz = (a - y) / B (see losses.hpp), and this record only runs if a is used elsewhere too.
#pragma once

#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/tape/recorder.hpp>

namespace ctgrad::tape {

namespace detail {
template <class T, class S> void softmax_backward(recorder<T>& t, record_t<T> const& r) {
  T const* const u = t.adjoint_of(r.out);
  T const* const a = t.value_of(r.out);
  t.send(r.in[0], [&](auto acc, T* dz) {
    softmax_backward_node<softmax_node<slot_node<0, S>>,
                          upstream_node<S>>::template forward_into<decltype(acc)::value>(dz, a, u);
  });
}
}  // namespace detail

/// softmax along the last dimension (per row of a batch [B, C]).
template <class T, class S> var<T, S> softmax(var<T, S> const& z) {
  static_assert(S::rank >= 1, "ctgrad::tape::softmax(z): z must be a vector or a batch of rows");
  recorder<T>& t = detail::tape_of(z);
  var<T, S> const a = t.template output<S>(z);
  softmax_node<slot_node<0, S>>::template forward_into<false>(t.data(a), t.value_of(z.id()));
  t.set_softmax_of(a.id(), z.id());
  t.record_step(&detail::softmax_backward<T, S>, a, z.id());
  return a;
}

}  // namespace ctgrad::tape
