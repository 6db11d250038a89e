// SPDX-License-Identifier: BSL-1.0
//
// Hand-written fixed-size MLP backpropagation: the baseline that the ctgrad
// benchmarks compare against. It is deliberately what a competent engineer
// writes by hand for known shapes: plain loops with unit-stride inner loops
// (left to the compiler's auto-vectoriser), no heap, no virtual calls, no
// intrinsics, no blocking, no -ffast-math.
//
// Every loop nest is a small static kernel whose sizes are template arguments
// and whose arrays are raw pointers qualified with __restrict (accepted by g++
// and clang). Without that the compiler must assume that an output (a member
// std::array reached through a reference) may overlap an input, and keeps
// reloading or gives up on vectorising: with the same loops over references,
// g++ 12 took twice as long for the 784-128-10 batch-32 forward pass.
//
// Loop orders: forward z = a W + b and dW = a^T dz run over an output row with
// unit stride (dW with k outer, so one dW row stays in cache while every batch
// row adds into it). dz_prev = dz W^T is a dot product per element, a float
// reduction that is not vectorised without -ffast-math; for a batch it is
// instead formed from a transposed copy of W, for a single row with partial
// sums (see dense_backward_input).
//
// Conventions (shared with ctgrad): batch-first row-major. X is [B][in];
// layer l has W_l [in_l][out_l] (W(k,j) = W[k*out_l + j]) and b_l [out_l];
// z_l = a_{l-1} @ W_l + b_l, a_l = act(z_l) for hidden layers, the last layer
// is linear (logits) and feeds the loss. The gradient w.r.t. X is not formed.
//
// residual_mlp: the same, except that every hidden layer after the first is a residual block,
// a_l = a_{l-1} + act(z_l) (so it is square). Backward, dL/da_{l-1} = dL/da_l + dz_l W_l^T
// (the skip adds the upstream adjoint), and dz_l = dL/da_l * act'(h_l) with h_l = act(z_l),
// kept for the purpose.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

// With -fopenmp-simd (bench/CMakeLists.txt passes it, and HANDWRITTEN_OMP_SIMD), a float
// sum may be vectorised without -ffast-math: `omp simd reduction` allows exactly that
// reassociation for the loop it marks and for nothing else. Without the flag the loops are
// the same, left to the auto-vectoriser.
#ifdef HANDWRITTEN_OMP_SIMD
#define HANDWRITTEN_SIMD _Pragma("omp simd")
#define HANDWRITTEN_SIMD_SUM _Pragma("omp simd reduction(+ : s)")
#define HANDWRITTEN_SIMD_SUM_TOTAL _Pragma("omp simd reduction(+ : total)")
#else
#define HANDWRITTEN_SIMD
#define HANDWRITTEN_SIMD_SUM
#define HANDWRITTEN_SIMD_SUM_TOTAL
#endif
// clang 14 unrolls a short outer loop completely and then vectorises across it: a 16 x 16
// outer product became 16 column vectors written with scatters (20% of 2-16-16-1's gradient).
// Kept rolled, the inner loop over the row is what gets vectorised.
#ifdef __clang__
#define HANDWRITTEN_ROLLED _Pragma("clang loop unroll(disable)")
#else
#define HANDWRITTEN_ROLLED
#endif

namespace handwritten {

enum class act { relu, sigmoid, tanh };
enum class loss { softmax_cross_entropy, mse };

namespace detail {
template <std::size_t... S> inline constexpr std::array<std::size_t, sizeof...(S)> dims{S...};

// Per-layer array types, generated from the layer index pack L = 0..layers-1.
template <class T, std::size_t Rows, class LayerSeq, std::size_t... S> struct shapes;
template <class T, std::size_t Rows, std::size_t... L, std::size_t... S>
struct shapes<T, Rows, std::index_sequence<L...>, S...> {
  using weights = std::tuple<std::array<T, dims<S...>[L] * dims<S...>[L + 1]>...>;
  using biases = std::tuple<std::array<T, dims<S...>[L + 1]>...>;
  using outputs = std::tuple<std::array<T, Rows * dims<S...>[L + 1]>...>;  // [Rows][out_l]
  // Size of the largest W_l with l >= 1 (those are transposed to form dz_{l-1}).
  static constexpr std::size_t largest_inner_weights =
      std::max({std::size_t(0), (L == 0 ? 0 : dims<S...>[L] * dims<S...>[L + 1])...});
};
}  // namespace detail

template <bool Residual, class T, std::size_t B, act Act, loss Loss, std::size_t... Sizes>
struct basic_mlp {
  static_assert(sizeof...(Sizes) >= 2, "need at least an input and an output size");
  static_assert(B >= 1, "batch must be non-empty");

  using value_type = T;
  static constexpr bool residual = Residual;
  static constexpr std::size_t layers = sizeof...(Sizes) - 1;
  static constexpr auto sizes = detail::dims<Sizes...>;
  static constexpr std::size_t in = sizes.front();
  static constexpr std::size_t out = sizes.back();

  // Layer L is a residual block: a hidden layer after the first (a_L = a_{L-1} + act(z_L)).
  template <std::size_t L> static constexpr bool is_block = (Residual && L >= 1 && L + 1 < layers);

 private:
  using shapes = detail::shapes<T, B, std::make_index_sequence<layers>, Sizes...>;

 public:
  using input_type = std::array<T, B * in>;
  using target_type = std::array<T, B * out>;

  // Parameters (and, with the same type, their gradients). Value-initialised: all zero.
  struct params {
    typename shapes::weights weights{};
    typename shapes::biases biases{};

    template <std::size_t L> auto& W() { return std::get<L>(weights); }
    template <std::size_t L> auto const& W() const { return std::get<L>(weights); }
    template <std::size_t L> auto& b() { return std::get<L>(biases); }
    template <std::size_t L> auto const& b() const { return std::get<L>(biases); }
  };
  using grads = params;

  // Loss only: the forward pass with the same kernels as grad(), minus backward.
  T forward(params const& p, input_type const& x, target_type const& y) {
    forward_all(p, x, std::make_index_sequence<layers>{});
    return head<false>(std::get<layers - 1>(a_).data(), y.data(), nullptr);
  }

  // Loss and its gradient w.r.t. every parameter; g is overwritten.
  T grad(params const& p, input_type const& x, target_type const& y, params& g) {
    forward_all(p, x, std::make_index_sequence<layers>{});
    T const l =
        head<true>(std::get<layers - 1>(a_).data(), y.data(), std::get<layers - 1>(d_).data());
    backward_all(p, x, g, std::make_index_sequence<layers>{});
    return l;
  }

 private:
  // Workspace lives in the object so calls need neither heap nor big stack frames.
  // a_[l] is the output of layer l: post-activation for hidden layers, logits for
  // the last. d_[l] is dL/dz_l for the same layer.
  typename shapes::outputs a_{};
  typename shapes::outputs d_{};
  // Residual only: h_[l] = act(z_l) of a block (act' is taken from it) and g_[l] = dL/da_l,
  // which the skip of block l hands down to layer l-1 as well.
  struct none {};
  [[no_unique_address]] std::conditional_t<Residual, typename shapes::outputs, none> h_{};
  [[no_unique_address]] std::conditional_t<Residual, typename shapes::outputs, none> g_{};

  // From this many rows on, dz_{L-1} = dz_L @ W^T is formed from a transposed copy of W
  // (see dense_backward_input). Where copying starts to pay depends on the shapes: with
  // g++ 12, from about 2 rows for 10 outputs, about 8 for 64; the benchmarks use 1 and 32.
  static constexpr std::size_t transpose_from_rows = 4;
  // A layer of N outputs uses the one-row kernels (dense_forward_one ...) for a single
  // example when its rows are at most 16 wide and whole vectors (or shorter than one): that
  // is where they measured faster; for 64 or 128 outputs, or 10 (a vector and a remainder),
  // the batch kernels were as fast or faster (64-64-64-10: 940 ns against 1060 ns).
  template <std::size_t N>
  static constexpr bool row_kernels = B == 1 && N <= 16 && (N < 8 || N % 8 == 0);
  std::array<T, B >= transpose_from_rows ? shapes::largest_inner_weights : 0> wt_{};

  static T activate(T z) {
    if constexpr (Act == act::relu)
      return std::max(z, T(0));
    else if constexpr (Act == act::sigmoid)
      return T(1) / (T(1) + std::exp(-z));
    else
      return std::tanh(z);
  }
  // act'(z) written in terms of a = act(z), so only a needs caching.
  // For relu, a > 0 exactly when z > 0 (derivative 0 at z == 0).
  static T derivative(T a) {
    if constexpr (Act == act::relu)
      return a > T(0) ? T(1) : T(0);
    else if constexpr (Act == act::sigmoid)
      return a * (T(1) - a);
    else
      return T(1) - a * a;
  }

  // ---- kernels: raw __restrict pointers, sizes as template arguments -------------------

  // z[r][j] = act(b[j] + sum_k a[r][k] * W[k][j]) for r < B; Activate = false for logits.
  // j innermost, so a W row streams with unit stride into the output row.
  template <std::size_t K, std::size_t N, bool Activate>
  static void dense_forward(T* __restrict z, T const* __restrict a, T const* __restrict W,
                            T const* __restrict bias) {
    if constexpr (row_kernels<N>) return dense_forward_one<K, N, Activate>(z, a, W, bias);
    for (std::size_t r = 0; r < B; ++r) {
      T* const zr = z + r * N;
      T const* const ar = a + r * K;
      for (std::size_t j = 0; j < N; ++j) zr[j] = bias[j];
      for (std::size_t k = 0; k < K; ++k) {
        T const ark = ar[k];
        T const* const Wk = W + k * N;
        for (std::size_t j = 0; j < N; ++j) zr[j] += ark * Wk[j];
      }
      if constexpr (Activate)
        for (std::size_t j = 0; j < N; ++j) zr[j] = activate(zr[j]);
    }
  }

  // Mean softmax cross-entropy of logits z [B][N] against targets y; with Grad also
  // dz = (softmax(z) - y) / B.
  template <bool Grad, std::size_t N>
  static T softmax_cross_entropy(T const* __restrict z, T const* __restrict y, T* __restrict dz) {
    T const inv_b = T(1) / T(B);
    T total = 0;
    for (std::size_t r = 0; r < B; ++r) {
      T const* const zr = z + r * N;
      T const* const yr = y + r * N;
      T m = zr[0];  // subtract the row max so exp cannot overflow
      for (std::size_t j = 1; j < N; ++j) m = std::max(m, zr[j]);
      T s = 0;
      for (std::size_t j = 0; j < N; ++j) {
        T const e = std::exp(zr[j] - m);
        if constexpr (Grad) dz[r * N + j] = e;  // keep exp for the softmax below
        s += e;
      }
      T const lse = m + std::log(s);
      for (std::size_t j = 0; j < N; ++j) total += yr[j] * (lse - zr[j]);
      if constexpr (Grad) {
        T const inv_s = T(1) / s;
        T* const dzr = dz + r * N;
        for (std::size_t j = 0; j < N; ++j) dzr[j] = (dzr[j] * inv_s - yr[j]) * inv_b;
      }
    }
    return total * inv_b;
  }

  // Mean squared error over all n elements; with Grad also dz = 2 (z - y) / n.
  template <bool Grad, std::size_t n>
  static T mean_squared_error(T const* __restrict z, T const* __restrict y, T* __restrict dz) {
    T const scale = T(2) / T(n);
    T total = 0;
    if constexpr (n == 1) {
      // One output: no loop, no sum to carry.
      T const diff = z[0] - y[0];
      if constexpr (Grad) dz[0] = scale * diff;
      return diff * diff;
    } else {
      HANDWRITTEN_SIMD_SUM_TOTAL
      for (std::size_t i = 0; i < n; ++i) {
        T const diff = z[i] - y[i];
        total += diff * diff;
      }
      if constexpr (Grad) {
        HANDWRITTEN_SIMD
        for (std::size_t i = 0; i < n; ++i) dz[i] = scale * (z[i] - y[i]);
      }
      return total / T(n);
    }
  }

  // dW = a^T dz ([K][N]) and db = column sums of dz ([N]), both overwritten.
  template <std::size_t K, std::size_t N>
  static void dense_backward_params(T* __restrict dW, T* __restrict db, T const* __restrict a,
                                    T const* __restrict dz) {
    if constexpr (row_kernels<N>) return dense_backward_params_one<K, N>(dW, db, a, dz);
    // k outer, r middle, j inner: one dW row stays in L1 while every dz row adds into it.
    for (std::size_t k = 0; k < K; ++k) {
      T* const dWk = dW + k * N;
      T const a0k = a[k];
      for (std::size_t j = 0; j < N; ++j) dWk[j] = a0k * dz[j];
      for (std::size_t r = 1; r < B; ++r) {
        T const ark = a[r * K + k];
        T const* const dzr = dz + r * N;
        for (std::size_t j = 0; j < N; ++j) dWk[j] += ark * dzr[j];
      }
    }
    for (std::size_t j = 0; j < N; ++j) db[j] = dz[j];
    for (std::size_t r = 1; r < B; ++r)
      for (std::size_t j = 0; j < N; ++j) db[j] += dz[r * N + j];
  }

  // dprev[r][k] = (sum_j dz[r][j] * W[k][j]) * act'(aprev[r][k]): dz_{L-1} from dz_L.
  // Written as is, the sum over j is a dot product of a dz row with a W row, a float
  // reduction that g++ vectorises only under -ffast-math (it would reorder the sum). So:
  //  - for a batch (B >= transpose_from_rows), W is first copied transposed into
  //    wt [N][K] (K*N copies, repaid over the rows) and each dprev row is accumulated as
  //    sum_j dz[r][j] * wt[j][:], a unit-stride update like the forward pass;
  //  - for fewer rows, each dot product keeps P = 8 partial sums (s[u] over j = u mod P),
  //    one vector-wide accumulator, added up at the end.
  // Residual networks: with Skip, skip (dL/da_L of a block) is added to the sum, which is
  // dL/da_{L-1}; with Keep that sum is also stored in gprev (for the block below).
  template <std::size_t K, std::size_t N, bool Skip = false, bool Keep = false>
  static void dense_backward_input(T* __restrict dprev, T const* __restrict dz,
                                   T const* __restrict W, T const* __restrict aprev,
                                   T* __restrict wt, T const* __restrict skip = nullptr,
                                   T* __restrict gprev = nullptr) {
    if constexpr (row_kernels<N>) {
      (void)wt;
      return dense_backward_input_one<K, N, Skip, Keep>(dprev, dz, W, aprev, skip, gprev);
    } else if constexpr (B >= transpose_from_rows) {
      for (std::size_t j = 0; j < N; ++j)
        for (std::size_t k = 0; k < K; ++k) wt[j * K + k] = W[k * N + j];
      for (std::size_t r = 0; r < B; ++r) {
        T* const dpr = dprev + r * K;
        T const* const dzr = dz + r * N;
        for (std::size_t k = 0; k < K; ++k) dpr[k] = dzr[0] * wt[k];
        for (std::size_t j = 1; j < N; ++j) {
          T const dzrj = dzr[j];
          T const* const wtj = wt + j * K;
          for (std::size_t k = 0; k < K; ++k) dpr[k] += dzrj * wtj[k];
        }
        if constexpr (Skip)
          for (std::size_t k = 0; k < K; ++k) dpr[k] += skip[r * K + k];
        if constexpr (Keep)
          for (std::size_t k = 0; k < K; ++k) gprev[r * K + k] = dpr[k];
        T const* const apr = aprev + r * K;
        for (std::size_t k = 0; k < K; ++k) dpr[k] *= derivative(apr[k]);
      }
    } else {
      (void)wt;
      constexpr std::size_t P = 8;
      constexpr std::size_t N0 = N / P * P;  // the rest, fewer than P terms, goes to s[0..]
      for (std::size_t r = 0; r < B; ++r) {
        T const* const dzr = dz + r * N;
        for (std::size_t k = 0; k < K; ++k) {
          T const* const Wk = W + k * N;
          T s[P] = {};
          for (std::size_t j = 0; j < N0; j += P)
            for (std::size_t u = 0; u < P; ++u) s[u] += dzr[j + u] * Wk[j + u];
          for (std::size_t j = N0; j < N; ++j) s[j - N0] += dzr[j] * Wk[j];
          T t = 0;
          for (std::size_t u = 0; u < P; ++u) t += s[u];
          if constexpr (Skip) t += skip[r * K + k];
          if constexpr (Keep) gprev[r * K + k] = t;
          dprev[r * K + k] = t * derivative(aprev[r * K + k]);
        }
      }
    }
  }

  // ---- one row (B == 1): the kernels above would spend their time on loop structure -----
  // For a single example every product is a matrix-vector product, and the sizes are small
  // enough that how each loop is vectorised decides the time: unit-stride rows marked
  // `omp simd`, dot products as `omp simd` reductions, a one-output layer as one dot product,
  // the activation as one pass after the products. Measured (g++ 12, thread CPU time, min of
  // 160 x 3000 calls) against the batch kernels on one row: 2-16-16-1 220 -> 156 ns, 4-8-2
  // 46 -> 29 ns; for 64-wide and 784-wide rows they make no difference beyond noise.

  // sum_k a[k] b[k] with eight partial sums (one vector) added as a tree at the end. Written
  // as an `omp simd` reduction, g++ 12 compiled a 16-term dot product into one vector product
  // and 16 scalar adds in order: a chain of 16 add latencies (2-16-16-1: 170 -> 140 ns).
  template <std::size_t K> static T dot(T const* __restrict a, T const* __restrict b) {
    constexpr std::size_t P = 8;
    constexpr std::size_t K0 = K / P * P;
    T part[P] = {};
    for (std::size_t k = 0; k < K0; k += P) {
      HANDWRITTEN_SIMD
      for (std::size_t u = 0; u < P; ++u) part[u] += a[k + u] * b[k + u];
    }
    for (std::size_t k = K0; k < K; ++k) part[k - K0] += a[k] * b[k];
    return ((part[0] + part[1]) + (part[2] + part[3])) +
           ((part[4] + part[5]) + (part[6] + part[7]));
  }

  // z = act(b + a W) for one row a [K].
  template <std::size_t K, std::size_t N, bool Activate>
  static void dense_forward_one(T* __restrict z, T const* __restrict a, T const* __restrict W,
                                T const* __restrict bias) {
    if constexpr (N == 1 && K >= 8) {
      z[0] = bias[0] + dot<K>(a, W);
    } else if constexpr (N == 1) {
      T s = 0;
      HANDWRITTEN_SIMD_SUM
      for (std::size_t k = 0; k < K; ++k) s += a[k] * W[k];
      z[0] = bias[0] + s;
    } else {
      HANDWRITTEN_SIMD
      for (std::size_t j = 0; j < N; ++j) z[j] = bias[j];
      for (std::size_t k = 0; k < K; ++k) {
        T const ak = a[k];
        T const* const Wk = W + k * N;
        HANDWRITTEN_SIMD
        for (std::size_t j = 0; j < N; ++j) z[j] += ak * Wk[j];
      }
    }
    if constexpr (Activate)
      for (std::size_t j = 0; j < N; ++j) z[j] = activate(z[j]);
  }

  // dW = a dz^T, the outer product of one row (for N == 1 the one column it is), db = dz.
  template <std::size_t K, std::size_t N>
  static void dense_backward_params_one(T* __restrict dW, T* __restrict db, T const* __restrict a,
                                        T const* __restrict dz) {
    if constexpr (N == 1) {
      T const dz0 = dz[0];
      HANDWRITTEN_SIMD
      for (std::size_t k = 0; k < K; ++k) dW[k] = a[k] * dz0;
    } else {
      HANDWRITTEN_ROLLED
      for (std::size_t k = 0; k < K; ++k) {
        T const ak = a[k];
        T* const dWk = dW + k * N;
        HANDWRITTEN_SIMD
        for (std::size_t j = 0; j < N; ++j) dWk[j] = ak * dz[j];
      }
    }
    HANDWRITTEN_SIMD
    for (std::size_t j = 0; j < N; ++j) db[j] = dz[j];
  }

  // dprev[k] = (sum_j dz[j] W[k][j]) * act'(aprev[k]) (with skip and keep as in
  // dense_backward_input): 8 or more columns, a dot product per k as an `omp simd`
  // reduction; fewer (one or two outputs), j unrolled and the loop over k.
  template <std::size_t K, std::size_t N, bool Skip, bool Keep>
  static void dense_backward_input_one(T* __restrict dprev, T const* __restrict dz,
                                       T const* __restrict W, T const* __restrict aprev,
                                       T const* __restrict skip, T* __restrict gprev) {
    HANDWRITTEN_ROLLED
    for (std::size_t k = 0; k < K; ++k) {
      T const* const Wk = W + k * N;
      T s = 0;
      if constexpr (N >= 8) {
        s = dot<N>(dz, Wk);
      } else {
        s = dz[0] * Wk[0];
        for (std::size_t j = 1; j < N; ++j) s += dz[j] * Wk[j];
      }
      dprev[k] = s;
    }
    if constexpr (Skip)
      for (std::size_t k = 0; k < K; ++k) dprev[k] += skip[k];
    else
      (void)skip;
    if constexpr (Keep)
      for (std::size_t k = 0; k < K; ++k) gprev[k] = dprev[k];
    else
      (void)gprev;
    HANDWRITTEN_SIMD
    for (std::size_t k = 0; k < K; ++k) dprev[k] *= derivative(aprev[k]);
  }

  // ---- driver ---------------------------------------------------------------------------

  // Input activations of layer L: x for the first layer, else the previous output.
  template <std::size_t L> T const* input(input_type const& x) const {
    if constexpr (L == 0)
      return x.data();
    else
      return std::get<L - 1>(a_).data();
  }

  template <std::size_t... L>
  void forward_all(params const& p, input_type const& x, std::index_sequence<L...>) {
    (forward_layer<L>(p, x), ...);  // comma fold: layers 0, 1, ... in order
  }
  template <std::size_t... L>
  void backward_all(params const& p, input_type const& x, params& g, std::index_sequence<L...>) {
    (backward_layer<layers - 1 - L>(p, x, g), ...);  // last layer first
  }

  template <std::size_t L> void forward_layer(params const& p, input_type const& x) {
    if constexpr (is_block<L>) {
      static_assert(sizes[L] == sizes[L + 1], "a residual block must be square");
      constexpr std::size_t n = B * sizes[L];
      T* __restrict const h = std::get<L>(h_).data();
      T* __restrict const a = std::get<L>(a_).data();
      T const* __restrict const prev = input<L>(x);
      dense_forward<sizes[L], sizes[L + 1], true>(h, prev, p.template W<L>().data(),
                                                  p.template b<L>().data());
      for (std::size_t i = 0; i < n; ++i) a[i] = prev[i] + h[i];
    } else {
      dense_forward<sizes[L], sizes[L + 1], (L + 1 < layers)>(
          std::get<L>(a_).data(), input<L>(x), p.template W<L>().data(), p.template b<L>().data());
    }
  }

  // Loss of the logits z; with Grad also writes dL/dz_last into dz.
  template <bool Grad> static T head(T const* z, T const* y, T* dz) {
    if constexpr (Loss == loss::softmax_cross_entropy)
      return softmax_cross_entropy<Grad, out>(z, y, dz);
    else
      return mean_squared_error<Grad, B * out>(z, y, dz);
  }

  // Given dz_L in d_: dW and db, and (unless L is the first layer) dz_{L-1}.
  template <std::size_t L> void backward_layer(params const& p, input_type const& x, params& g) {
    constexpr std::size_t K = sizes[L], N = sizes[L + 1];
    T const* const dz = std::get<L>(d_).data();
    dense_backward_params<K, N>(g.template W<L>().data(), g.template b<L>().data(), input<L>(x),
                                dz);
    if constexpr (L > 0 && !Residual) {
      dense_backward_input<K, N>(std::get<L - 1>(d_).data(), dz, p.template W<L>().data(),
                                 std::get<L - 1>(a_).data(), wt_.data());
    } else if constexpr (L > 0) {
      // act' of layer L-1 from h if it is a block, else from its output; the skip of block L
      // adds dL/da_L; block L-1 keeps dL/da_{L-1} for its own skip.
      T const* const act_prev =
          is_block<L - 1> ? std::get<L - 1>(h_).data() : std::get<L - 1>(a_).data();
      T const* const skip = is_block<L> ? std::get<L>(g_).data() : nullptr;
      dense_backward_input<K, N, is_block<L>, is_block<L - 1>>(
          std::get<L - 1>(d_).data(), dz, p.template W<L>().data(), act_prev, wt_.data(), skip,
          std::get<L - 1>(g_).data());
    }
  }
};

template <class T, std::size_t B, act Act, loss Loss, std::size_t... Sizes>
using mlp = basic_mlp<false, T, B, Act, Loss, Sizes...>;
template <class T, std::size_t B, act Act, loss Loss, std::size_t... Sizes>
using residual_mlp = basic_mlp<true, T, B, Act, Loss, Sizes...>;

}  // namespace handwritten
