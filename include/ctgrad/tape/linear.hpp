// SPDX-License-Identifier: BSL-1.0
// Matrix products on the tape, with ctgrad's kernels (kernels::matmul and dense's loop):
//   matmul  c = a @ b        a [M, K], b [K, N]      da = u @ b^T    db = a^T @ u
//   dense   z = x @ W + b    x [B, in], W [in, out], b [out]
//           dx = u @ W^T     dW = x^T @ u     db = sum over rows of u        (u = dL/dc, dL/dz)
// The transposed products read their operand in place: u @ b^T is kernels::matmul's nt
// layout and a^T @ u its tn layout, exactly the nodes ctgrad's rules become, so no
// transposed copy is made. dx is not computed when x has no gradient (a data batch).
#pragma once

#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/kernels/matmul.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/tape/recorder.hpp>

#include <cstddef>

namespace ctgrad::tape {

namespace detail {

template <class T, std::size_t M, std::size_t K, std::size_t N>
void matmul_backward(recorder<T>& t, record_t<T> const& r) {
  T const* const u = t.adjoint_of(r.out);
  T const* const a = t.value_of(r.in[0]);
  T const* const b = t.value_of(r.in[1]);
  t.send(r.in[0], [&](auto acc, T* da) {
    kernels::matmul<kernels::nt, decltype(acc)::value, M, N, K>(da, u, b);  // u @ b^T
  });
  t.send(r.in[1], [&](auto acc, T* db) {
    kernels::matmul<kernels::tn, decltype(acc)::value, K, M, N>(db, a, u);  // a^T @ u
  });
}

template <class T, std::size_t B, std::size_t In, std::size_t Out>
void dense_backward(recorder<T>& t, record_t<T> const& r) {
  T const* const u = t.adjoint_of(r.out);
  T const* const x = t.value_of(r.in[0]);
  T const* const w = t.value_of(r.in[1]);
  t.send(r.in[0], [&](auto acc, T* dx) {
    kernels::matmul<kernels::nt, decltype(acc)::value, B, Out, In>(dx, u, w);  // u @ W^T
  });
  t.send(r.in[1], [&](auto acc, T* dw) {
    kernels::matmul<kernels::tn, decltype(acc)::value, In, B, Out>(dw, x, u);  // x^T @ u
  });
  t.send(r.in[2], [&](auto acc, T* db) {
    using sum_rows = sum_to_node<slot_node<0, shape<B, Out>>, shape<Out>>;
    sum_rows::template forward_into<decltype(acc)::value>(db, u);
  });
}

}  // namespace detail

/// a @ b for matrices a [M, K] and b [K, N]; a single sample is a batch of one row.
template <class T, class SA, class SB> auto matmul(var<T, SA> const& a, var<T, SB> const& b) {
  if constexpr (SA::rank != 2 || SB::rank != 2) {
    static_assert(SA::rank == 2 && SB::rank == 2,
                  "ctgrad::tape::matmul(a, b): both operands must be matrices (rank 2); a single "
                  "sample is a batch of one row, shape [1, K]");
    return var<T, shape<>>{};
  } else if constexpr (SA::dims[1] != SB::dims[0]) {
    static_assert(SA::dims[1] == SB::dims[0],
                  "ctgrad::tape::matmul(a, b): a is [M, K] and b must be [K, N]: inner dimensions "
                  "differ");
    return var<T, shape<>>{};
  } else {
    constexpr std::size_t m = SA::dims[0], k = SA::dims[1], n = SB::dims[1];
    recorder<T>& t = detail::tape_of(a, b);
    var<T, shape<m, n>> const c = t.template output<shape<m, n>>(a, b);
    matmul_node<slot_node<0, SA>, slot_node<1, SB>>::template forward_into<false>(
        t.data(c), t.value_of(a.id()), t.value_of(b.id()));
    t.record_step(&detail::matmul_backward<T, m, k, n>, c, a.id(), b.id());
    return c;
  }
}

/// x @ W + b for a batch x [B, in], weights W [in, out] and bias b [out].
template <class T, class SX, class SW, class SB>
auto dense(var<T, SX> const& x, var<T, SW> const& w, var<T, SB> const& b) {
  if constexpr (SX::rank != 2 || SW::rank != 2 || SB::rank != 1) {
    static_assert(SX::rank == 2 && SW::rank == 2 && SB::rank == 1,
                  "ctgrad::tape::dense(x, W, b): x must be [batch, in], W [in, out] and b [out] "
                  "(a single sample is a batch of one row)");
    return var<T, shape<>>{};
  } else if constexpr (SX::dims[1] != SW::dims[0] || SB::dims[0] != SW::dims[1]) {
    static_assert(SX::dims[1] == SW::dims[0] && SB::dims[0] == SW::dims[1],
                  "ctgrad::tape::dense(x, W, b): shapes do not fit: x is [batch, in], so W must be "
                  "[in, out] and b [out]");
    return var<T, shape<>>{};
  } else {
    constexpr std::size_t rows = SX::dims[0], in = SX::dims[1], out = SW::dims[1];
    using S = shape<rows, out>;
    recorder<T>& t = detail::tape_of(x, w, b);
    var<T, S> const z = t.template output<S>(x, w, b);
    dense_node<slot_node<0, SX>, slot_node<1, SW>, slot_node<2, SB>>::template forward_into<false>(
        t.data(z), t.value_of(x.id()), t.value_of(w.id()), t.value_of(b.id()));
    t.record_step(&detail::dense_backward<T, rows, in, out>, z, x.id(), w.id(), b.id());
    return z;
  }
}

}  // namespace ctgrad::tape
