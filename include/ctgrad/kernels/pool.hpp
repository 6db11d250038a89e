// SPDX-License-Identifier: BSL-1.0
// Max and average pooling over NCHW (1-D: H = KH = 1), with their adjoints, on the window
// geometry of kernels/conv.hpp (conv_dims with one group per channel):
//   max:  y[b, c, i, j] = max over the taps inside x (padding never wins); its adjoint sends
//         dy to the first maximal tap in row-major order, or to the last NaN (PyTorch's
//         CPU rule: a tap wins when it is greater or NaN)
//   avg:  y = (sum over the taps inside x) / (KH KW) (PyTorch's count_include_pad=True);
//         its adjoint adds dy / (KH KW) to every tap.
#pragma once

#include <ctgrad/kernels/conv.hpp>
#include <ctgrad/kernels/elementwise.hpp>
#include <ctgrad/kernels/max_pool_2x2.hpp>

#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctgrad::kernels {

namespace detail {

// The index in x's plane of the tap that wins output (i, j) of a max pool.
template <class D, class T>
constexpr std::size_t max_tap(T const* xc, std::size_t i, std::size_t j) {
  T best = -std::numeric_limits<T>::infinity();
  std::size_t where = 0;
  bool found = false;
  for (std::size_t p = 0; p < D::kh; ++p) {
    tap_range const rows = row_taps<D>(p);
    if (i < rows.lo || i >= rows.hi) continue;
    std::size_t const row =
        static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i * D::sh) + rows.offset);
    for (std::size_t q = 0; q < D::kw; ++q) {
      tap_range const cols = col_taps<D>(q);
      if (j < cols.lo || j >= cols.hi) continue;
      std::size_t const at = row * D::width + static_cast<std::size_t>(input_col<D>(j, cols));
      T const v = xc[at];
      if (!found) where = at;  // all -inf: the first tap, as PyTorch
      found = true;
      if (v > best || v != v) {
        best = v;
        where = at;
      }
    }
  }
  return where;
}

// Windows without padding or dilation, every tap inside x (the usual max_pool2d<2>): the
// winner found without branches (a data-dependent branch per tap mispredicted often enough
// to make max pooling ~15% of the Fashion-MNIST CNN's gradient). The first tap starts; a
// later one wins when greater or NaN while the best is not NaN (the last NaN wins, as above).
template <class D>
inline constexpr bool plain_windows_v = D::ph == 0 && D::pw == 0 && D::dh == 1 && D::dw == 1;

template <class D, class T>
constexpr std::size_t plain_max_tap(T const* xc, std::size_t i, std::size_t j, T& best) {
  std::size_t where = i * D::sh * D::width + j * D::sw;
  best = xc[where];
  for (std::size_t p = 0; p < D::kh; ++p)
    for (std::size_t q = 0; q < D::kw; ++q) {
      std::size_t const at = (i * D::sh + p) * D::width + j * D::sw + q;
      T const v = xc[at];
      bool const take = (v > best) | (v != v);
      best = take ? v : best;
      where = take ? at : where;
    }
  return where;
}

}  // namespace detail

/// y (+)= max_pool(x).
template <class D, bool Acc, class T> constexpr void max_pool(T* y, T const* x) {
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  if constexpr (max_pool_2x2_applies<D, T>)
    if (!std::is_constant_evaluated()) return max_pool_2x2<D, Acc>(y, x);
#endif
  constexpr std::size_t in_plane = D::height * D::width;
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    T const* const xc = x + bc * in_plane;
    T* const yc = y + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j) {
        if constexpr (detail::plain_windows_v<D>) {
          T best{};
          detail::plain_max_tap<D>(xc, i, j, best);
          store<Acc>(yc[i * D::ow + j], best);
        } else {
          store<Acc>(yc[i * D::ow + j], xc[detail::max_tap<D>(xc, i, j)]);
        }
      }
  }
}

namespace detail {
// Plain windows that tile x without overlap (stride = kernel, the usual max_pool2d<2>).
template <class D>
inline constexpr bool tiling_windows_v = plain_windows_v<D>&& D::sh == D::kh&& D::sw == D::kw;

// dx = max_pool's adjoint for tiling windows, written in one pass: each window's taps get dy
// at the winner and 0 elsewhere, and the rows and columns no window covers get 0. (The
// general path zeroes all of dx first and then scatters: two passes over the larger plane.)
template <class D, class T> constexpr void max_pool_grad_tiling(T* dx, T const* x, T const* dy) {
  constexpr std::size_t in_plane = D::height * D::width;
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    T const* const xc = x + bc * in_plane;
    T* const dxc = dx + bc * in_plane;
    T const* const dyc = dy + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i) {
      for (std::size_t j = 0; j < D::ow; ++j) {
        T best{};
        std::size_t const where = plain_max_tap<D>(xc, i, j, best);
        T const g = dyc[i * D::ow + j];
        for (std::size_t p = 0; p < D::kh; ++p)
          for (std::size_t q = 0; q < D::kw; ++q) {
            std::size_t const at = (i * D::kh + p) * D::width + j * D::kw + q;
            dxc[at] = at == where ? g : T{};
          }
      }
      for (std::size_t p = 0; p < D::kh; ++p)
        for (std::size_t c = D::ow * D::kw; c < D::width; ++c)
          dxc[(i * D::kh + p) * D::width + c] = T{};
    }
    for (std::size_t at = D::oh * D::kh * D::width; at < in_plane; ++at) dxc[at] = T{};
  }
}

// dx (+)= max_pool's adjoint, any windows: dx zeroed (without Acc), then dy scattered.
template <class D, bool Acc, class T>
constexpr void max_pool_grad_scatter(T* dx, T const* x, T const* dy) {
  constexpr std::size_t in_plane = D::height * D::width;
  if constexpr (!Acc)
    for (std::size_t i = 0; i < D::batch * D::channels * in_plane; ++i) dx[i] = T{};
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    T const* const xc = x + bc * in_plane;
    T* const dxc = dx + bc * in_plane;
    T const* const dyc = dy + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j) {
        if constexpr (detail::plain_windows_v<D>) {
          T best{};
          dxc[detail::plain_max_tap<D>(xc, i, j, best)] += dyc[i * D::ow + j];
        } else {
          dxc[detail::max_tap<D>(xc, i, j)] += dyc[i * D::ow + j];
        }
      }
  }
}

}  // namespace detail

/// dx (+)= max_pool's adjoint: dy routed to each window's winning tap.
template <class D, bool Acc, class T> constexpr void max_pool_grad(T* dx, T const* x, T const* dy) {
#if !defined(CTGRAD_GEMM_PORTABLE) && defined(__AVX512F__)
  if constexpr (!Acc && max_pool_2x2_applies<D, T>)
    if (!std::is_constant_evaluated()) return max_pool_2x2_grad<D>(dx, x, dy);
#endif
  if constexpr (!Acc && detail::tiling_windows_v<D>)
    detail::max_pool_grad_tiling<D>(dx, x, dy);
  else
    detail::max_pool_grad_scatter<D, Acc>(dx, x, dy);
}

/// y (+)= avg_pool(x), zeros of the padding counted.
template <class D, bool Acc, class T> constexpr void avg_pool(T* y, T const* x) {
  constexpr std::size_t in_plane = D::height * D::width;
  T const scale = T{1} / static_cast<T>(D::kh * D::kw);
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    T const* const xc = x + bc * in_plane;
    T* const yc = y + bc * D::oh * D::ow;
    for (std::size_t i = 0; i < D::oh; ++i)
      for (std::size_t j = 0; j < D::ow; ++j) {
        T sum{};
        for (std::size_t p = 0; p < D::kh; ++p) {
          detail::tap_range const rows = detail::row_taps<D>(p);
          if (i < rows.lo || i >= rows.hi) continue;
          T const* const xr = detail::input_row<D>(xc, i, rows);
          for (std::size_t q = 0; q < D::kw; ++q) {
            detail::tap_range const cols = detail::col_taps<D>(q);
            if (j >= cols.lo && j < cols.hi) sum += xr[detail::input_col<D>(j, cols)];
          }
        }
        store<Acc>(yc[i * D::ow + j], sum * scale);
      }
  }
}

/// dx (+)= avg_pool's adjoint: dy / (KH KW) added to every tap of its window.
template <class D, bool Acc, class T> constexpr void avg_pool_grad(T* dx, T const* dy) {
  constexpr std::size_t in_plane = D::height * D::width;
  T const scale = T{1} / static_cast<T>(D::kh * D::kw);
  if constexpr (!Acc)
    for (std::size_t i = 0; i < D::batch * D::channels * in_plane; ++i) dx[i] = T{};
  for (std::size_t bc = 0; bc < D::batch * D::channels; ++bc) {
    T* const dxc = dx + bc * in_plane;
    T const* const dyc = dy + bc * D::oh * D::ow;
    for (std::size_t p = 0; p < D::kh; ++p) {
      detail::tap_range const rows = detail::row_taps<D>(p);
      for (std::size_t q = 0; q < D::kw; ++q) {
        detail::tap_range const cols = detail::col_taps<D>(q);
        for (std::size_t i = rows.lo; i < rows.hi; ++i) {
          T* const dxr = detail::input_row<D>(dxc, i, rows);
          for (std::size_t j = cols.lo; j < cols.hi; ++j)
            dxr[detail::input_col<D>(j, cols)] += dyc[i * D::ow + j] * scale;
        }
      }
    }
  }
}

}  // namespace ctgrad::kernels
