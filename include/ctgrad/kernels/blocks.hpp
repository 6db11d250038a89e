// SPDX-License-Identifier: BSL-1.0
// Copying blocks along one axis of a row-major tensor seen as [Outer, N, Inner]: the entries
// [Begin, Begin + Len) of the axis are, for each outer index, one contiguous run of
// Len * Inner values. concat writes each input's runs side by side; slice reads one run;
// embed writes a run into zeros (slice's adjoint).
#pragma once

#include <ctgrad/kernels/elementwise.hpp>

#include <cstddef>

namespace ctgrad::kernels {

/// out[o, Begin:Begin+Len, :] (+)= a[o, :, :] for an out of N entries along the axis.
template <bool Acc, std::size_t Outer, std::size_t N, std::size_t Begin, std::size_t Len,
          std::size_t Inner, class T>
constexpr void put_block(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t o = 0; o < Outer; ++o)
    for (std::size_t i = 0; i < Len * Inner; ++i)
      store<Acc>(out[(o * N + Begin) * Inner + i], a[o * Len * Inner + i]);
}

/// out[o, :, :] (+)= a[o, Begin:Begin+Len, :] for an a of N entries along the axis.
template <bool Acc, std::size_t Outer, std::size_t N, std::size_t Begin, std::size_t Len,
          std::size_t Inner, class T>
constexpr void get_block(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  for (std::size_t o = 0; o < Outer; ++o)
    for (std::size_t i = 0; i < Len * Inner; ++i)
      store<Acc>(out[o * Len * Inner + i], a[(o * N + Begin) * Inner + i]);
}

/// out (+)= zeros of [Outer, N, Inner] with a [Outer, Len, Inner] at Begin along the axis.
template <bool Acc, std::size_t Outer, std::size_t N, std::size_t Begin, std::size_t Len,
          std::size_t Inner, class T>
constexpr void embed_block(T* CTGRAD_RESTRICT out, T const* CTGRAD_RESTRICT a) {
  if constexpr (!Acc)
    for (std::size_t i = 0; i < Outer * N * Inner; ++i) out[i] = T{};
  put_block<true, Outer, N, Begin, Len, Inner>(out, a);
}

}  // namespace ctgrad::kernels
