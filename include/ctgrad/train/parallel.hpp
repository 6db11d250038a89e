// SPDX-License-Identifier: BSL-1.0
// The gradient of a batch computed in fixed shards, on a pool of threads, with a result that
// does not depend on the number of threads:
//   train::thread_pool pool(2);
//   auto sg = std::make_unique<train::sharded_gradient<float, decltype(loss)>>();  // K shards
//   float L = train::parallel_grad_into(pool, *sg, loss, grads, params, X = x, Y = y);
// The math: a loss that is a mean over the batch's B rows (every ctgrad loss is; a
// batch-independent term such as a weight penalty may be added) is the mean of the losses of
// K shards of B/K consecutive rows, each the same net at batch B/K (rebatch<B/K>(loss)):
//   L = (1/B) sum_i l_i = (1/K) sum_k L_k        dL/dW = (1/K) sum_k dL_k/dW
// Determinism: the shards are fixed by the batch (K is a compile-time number, by default the
// smallest divisor of B from 2 to 4, train::default_shards), never by the threads; each
// shard's gradient goes into its own gradient set, and the sets are summed entry by entry in
// shard order, ((g_0 + g_1) + g_2) + ..., then divided by K. So 1, 2 or 16 threads give the
// same bits. The threads split the shards (thread j of n computes shards jK/n to (j+1)K/n)
// and then the entries of the sum (an entry's sum does not depend on who computes it). The
// result differs from the unsharded grad_into only by rounding (the sums over the batch are
// grouped differently).
// What the shards change: dropout draws shard k's mask with the seed s K + k (mod 2^24) for
// the seed s bound to dropout_seed (a negative seed, evaluation, is kept), so masks differ
// between shards and do not depend on the threads. Batch norm in training normalises with
// the statistics of the whole batch, which shards do not have (PyTorch's DDP without
// SyncBatchNorm would use each shard's): a net with batch norm is a compile error here.
// Heap: sharded_gradient allocates its K gradient sets, workspaces and input shards once, in
// its constructor; parallel_grad_into allocates nothing.
#pragma once

#include <ctgrad/detail/type_list.hpp>
#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/engine/memory.hpp>
#include <ctgrad/engine/workspace.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/layers/rebatch.hpp>
#include <ctgrad/ops/batch_norm.hpp>
#include <ctgrad/ops/dropout.hpp>
#include <ctgrad/train/thread_pool.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctgrad::train {

/// The number of shards parallel_grad_into and fit use for batch size B by default: the
/// smallest divisor of B from 2 to 4 (1 when there is none). Few: each shard writes a whole
/// gradient set, which the reduction reads again, so a shard costs memory traffic of the
/// parameters' size (400 KB for 784-128-10 in float); more shards than cores only cost.
/// Ask for more, for more cores or ranks, with sharded_gradient<T, Loss, K> or fit<K>.
constexpr std::size_t default_shards(std::size_t batch) {
  for (std::size_t k = 2; k <= 4; ++k)
    if (batch % k == 0) return k;
  return 1;
}

namespace detail {

// Nodes that mix the rows of a batch other than through the loss's mean: batch norm's
// training form (statistics over the batch) and its running statistics, which fit updates
// from the whole batch.
template <class N> struct couples_rows : std::false_type {};
template <class X, class Eps>
struct couples_rows<normalize_channels_node<X, Eps>> : std::true_type {};
template <class X, class Mean, class Var, class Eps>
struct couples_rows<normalize_running_node<X, Mean, Var, Eps>> : std::true_type {};

template <class Loss> struct loss_batch {
  using inputs =
      ctgrad::detail::filter_t<ctgrad::detail::is_batched_input, topological_order_t<Loss>>;
  static constexpr std::size_t value = ctgrad::detail::batch_of<inputs>::value;
};

/// Why Loss cannot be split into K shards (0: it can): 1 no batched input, 2 K does not
/// divide the batch, 3 batch norm, 4 a loop, 5 a constant times a sum over the batch that is
/// not a mean.
template <class Loss, std::size_t K> constexpr int shard_problem() {
  using order = topological_order_t<Loss>;
  constexpr std::size_t B = loss_batch<Loss>::value;
  if constexpr (B == 0) {
    return 1;
  } else if constexpr (K == 0 || B % K != 0) {
    return 2;
  } else if constexpr (ctgrad::detail::filter_t<couples_rows, order>::size != 0) {
    return 3;
  } else if constexpr (ctgrad::detail::contains_loop_v<order>) {
    return 4;
  } else if constexpr (!ctgrad::detail::rebatched<B / K, B, Loss>::ok) {
    return 5;
  } else {
    return 0;
  }
}

/// The text of a shard_problem, for messages.
constexpr char const* shard_problem_text(int problem) {
  switch (problem) {
    case 1:
      return "the loss has no batched input";
    case 2:
      return "the number of shards does not divide the batch size";
    case 3:
      return "the net has batch norm, whose statistics are over the whole batch (shards would "
             "each normalise with their own)";
    case 4:
      return "the net has a loop (a recurrent layer, scan or repeat), which rebatch does not "
             "rebuild";
    case 5:
      return "a constant multiplies a sum over the batch and is not a mean's 1/n";
    default:
      return "";
  }
}

template <class Var> struct input_tensor;
template <class Name, class S, class Role> struct input_tensor<var_node<Name, S, Role>> {
  template <class T> using type = tensor<T, S>;
};

template <class Inputs, class T> struct input_tuple;
template <class... Is, class T> struct input_tuple<ctgrad::detail::type_list<Is...>, T> {
  using type = std::tuple<tensor<T, shape_of_t<Is>>...>;
};

template <class B> inline constexpr bool is_binding_v = false;
template <class Var, class V> inline constexpr bool is_binding_v<binding<Var, V>> = true;

struct no_capture {};

/// Entries [first, second) of `thread` of `threads` over n entries, for the reduction and the
/// optimiser's update: the same split for both, so that a thread updates the entries it has
/// just summed (still in its cache), with boundaries on multiples of 16 entries (64 bytes of
/// float) so that two threads never write one cache line.
inline std::pair<std::size_t, std::size_t> entry_range(std::size_t n, std::size_t thread,
                                                       std::size_t threads) {
  auto const cut = [&](std::size_t at) {
    return at >= threads ? n : std::min(n, at * n / threads / 16 * 16);
  };
  return {cut(thread), cut(thread + 1)};
}

/// Whether entries [from, to) of the flat order of set s are all finite: their exponent bits
/// tested with integer operations, no early exit, so the loop vectorises (check::all_finite).
template <class Set> bool range_finite(Set const& values, std::size_t from, std::size_t to) {
  using T = typename Set::value_type;
  using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  bits const exponent = static_cast<bits>(sizeof(T) == 4 ? 0x7f800000ull : 0x7ff0000000000000ull);
  bits bad = 0;
  std::size_t offset = 0;
  values.for_each([&](auto, auto const& part) {
    std::size_t const len = part.size;
    std::size_t const lo = std::max(from, offset), hi = std::min(to, offset + len);
    bits found = 0;
    for (std::size_t ix = lo; ix < hi; ++ix)
      found |= (std::bit_cast<bits>(part.data[ix - offset]) & exponent) == exponent;
    bad |= found;
    offset += len;
  });
  return bad == 0;
}

/// True when K shards of equal rows make a batch of B (a template, so the messages show both).
template <std::size_t K, std::size_t B> inline constexpr bool divides_v = K != 0 && B % K == 0;

}  // namespace detail

/// The buffers of the gradient of Loss over its batch in Shards shards (see the top): one
/// gradient set (of type Grads), workspace and copy of the batched inputs per shard, and for
/// fit the captured rows of Output. Allocate it once (it is large: std::make_unique).
template <class T, Expression LossArg,
          std::size_t Shards = default_shards(detail::loss_batch<std::remove_cv_t<LossArg>>::value),
          class Grads = param_set<T, LossArg>, class Output = void>
class sharded_gradient {
  using Loss = std::remove_cv_t<LossArg>;
  static constexpr int problem = detail::shard_problem<Loss, Shards>();
  static_assert(problem != 1, "ctgrad::train::sharded_gradient: the loss has no batched input");
  static_assert(detail::divides_v<Shards, detail::loss_batch<Loss>::value>,
                "ctgrad::train::sharded_gradient: the number of shards must divide the batch "
                "(shards first, batch second)");
  static_assert(problem != 3,
                "ctgrad::train::sharded_gradient: the net has batch norm, whose statistics are "
                "over the whole batch: shards would each normalise with their own");
  static_assert(problem != 4,
                "ctgrad::train::sharded_gradient: the net has a loop (recurrent layer, scan or "
                "repeat), which rebatch does not rebuild");
  static_assert(problem != 5,
                "ctgrad::train::sharded_gradient: a constant multiplies a sum over the batch and "
                "is not a mean's 1/n; shard the unscaled loss and scale the result");

 public:
  /// Rows of the whole batch.
  static constexpr std::size_t batch = detail::loss_batch<Loss>::value;
  /// Number of shards, K.
  static constexpr std::size_t shards = Shards;
  /// Rows of one shard, B / K.
  static constexpr std::size_t rows = batch / (Shards == 0 ? 1 : Shards);
  /// The loss at the shard's batch size.
  using shard_loss = decltype(rebatch<rows>(Loss{}));
  /// The gradient set each shard fills.
  using grads_type = Grads;
  /// The element type, float or double.
  using value_type = T;

 private:
  using inputs = typename detail::loss_batch<Loss>::inputs;
  using shard_inputs =
      ctgrad::detail::filter_t<ctgrad::detail::is_batched_input, topological_order_t<shard_loss>>;
  template <class O> struct shard_output_of { using type = decltype(rebatch<rows>(O{})); };
  template <class O> struct shard_output_of<O const> : shard_output_of<O> {};
  using shard_output = typename std::conditional_t<std::is_void_v<Output>, std::type_identity<void>,
                                                   shard_output_of<Output>>::type;
  template <class O> struct capture_buffer { using type = tensor<T, shape_of_t<O>>; };
  using capture_t =
      typename std::conditional_t<std::is_void_v<Output>, std::type_identity<detail::no_capture>,
                                  capture_buffer<shard_output>>::type;

 public:
  /// One shard's buffers.
  struct shard {
    /// The shard's gradient.
    Grads grads{};
    /// The shard's workspace for grad_into.
    workspace<T, grad_workspace_v<shard_loss, Grads>> ws{};
    /// The shard's rows of the batched inputs.
    typename detail::input_tuple<shard_inputs, T>::type x{};
    /// The shard's rows of the captured output (when one is asked for).
    capture_t out{};
    /// The shard's loss.
    T loss{};
  };

  /// The shards' buffers, allocated once (not per step).
  sharded_gradient() : parts_(std::make_unique<shard[]>(Shards)) {}

  /// Shard k's buffers (its gradient, loss and captured output after a call).
  shard& operator[](std::size_t sh) { return parts_[sh]; }
  /// Shard k's buffers, read-only.
  shard const& operator[](std::size_t sh) const { return parts_[sh]; }

  /// Shards [first, last) on the pool: each shard's rows of the batched inputs bound in
  /// sources, its gradient into its own set (shard_grads); no reduction (train/mpi.hpp).
  template <class... Sources>
  void compute(thread_pool& pool, std::size_t first, std::size_t last, Sources const&... sources) {
    pool.run([&](std::size_t thread, std::size_t threads) {
      std::size_t const count = last - first;
      std::size_t const from = first + thread * count / threads;
      std::size_t const to = first + (thread + 1) * count / threads;
      for (std::size_t sh = from; sh < to; ++sh) one(sh, parts_[sh].grads, sources...);
    });
  }

  /// Every shard on the pool, shard 0's gradient straight into grads, then grads = (sum of the
  /// shards' gradients in shard order) / K, split over the pool by entries; returns the mean
  /// of the shards' losses (summed in shard order).
  template <class... Sources>
  T gradient(thread_pool& pool, Grads& grads, Sources const&... sources) {
    return gradient_of<false>(pool, grads, sources...);
  }

  /// Shard sh's tensor of the batched input Var (its B/K rows of the batch): a caller that
  /// fills these (each thread its shards' rows, where they are computed) calls
  /// gradient_in_place and saves gradient's copy of every shard's rows out of a whole batch.
  ///   sg.input_rows(sh, X) = ...;  ...;   float L = sg.gradient_in_place(pool, g, params);
  template <class Var> auto& input_rows(std::size_t sh, Var) {
    static_assert(ctgrad::detail::contains_v<inputs, Var>,
                  "ctgrad::train::sharded_gradient::input_rows(shard, var): var is not a batched "
                  "input of the loss");
    return std::get<ctgrad::detail::index_of_v<inputs, Var>>(parts_[sh].x);
  }

  /// gradient, with every batched input bound to the shards' own rows (filled through input_rows);
  /// sources are the other bindings (parameters, modes), never a batched input.
  template <class... Sources>
  T gradient_in_place(thread_pool& pool, Grads& grads, Sources const&... sources) {
    return gradient_of<true>(pool, grads, sources...);
  }

  /// Whether the gradient of the last call of gradient() is finite everywhere (tested by the
  /// threads of its reduction, each on its range: a second pass would cost as much again).
  bool gradient_finite() const { return finite_->load(std::memory_order_relaxed); }

  /// grads = (sum of the shards' own gradient sets, shard_grads, in shard order) / K, split
  /// over the pool by entries (after compute, or sets filled by another rank: train/mpi.hpp);
  /// returns loss(). The same formula, so the same bits, as gradient.
  T reduce(thread_pool& pool, Grads& grads) {
    pool.run([&](std::size_t thread, std::size_t threads) {
      auto const [from, to] = detail::entry_range(total_entries, thread, threads);
      reduce_range(grads, from, to,
                   [&](std::size_t sh) -> Grads const& { return parts_[sh].grads; });
    });
    return loss();
  }

  /// The mean of the shards' losses, summed in shard order.
  T loss() const {
    T sum = parts_[0].loss;
    for (std::size_t sh = 1; sh < Shards; ++sh) sum += parts_[sh].loss;
    return sum / static_cast<T>(Shards);
  }

  /// Entries of one gradient set.
  static constexpr std::size_t total_entries = Grads::scalar_count;

  /// Entries of reduce_range's blocks: 4 KB of float, 8 KB of double.
  static constexpr std::size_t block = 1024;

  /// For entries [from, to) of the flat order of Grads (its tensors in order, each
  /// row-major): out = (g(0) + g(1) + ... + g(K-1)) / K, g(k) the k-th shard's set. The one
  /// formula of every reduction (threads and MPI), so their bits agree.
  template <class Get>
  static void reduce_range(Grads& out, std::size_t from, std::size_t to, Get const& g) {
    std::size_t offset = 0;
    auto one = [&](auto index) {
      constexpr std::size_t pos = decltype(index)::value;
      auto& part = out.template get<pos>();
      constexpr std::size_t len = std::remove_reference_t<decltype(part)>::size;
      std::size_t const lo = std::max(from, offset), hi = std::min(to, offset + len);
      if (lo < hi) {
        T* o = part.data.data() - offset;
        T const* first_set = g(0).template get<pos>().data.data() - offset;
        // In blocks that stay in L1 between the passes: each set is read once and the sum
        // written once (the same operations per entry, in the same order, as whole passes).
        for (std::size_t base = lo; base < hi; base += block) {
          std::size_t const end = std::min(hi, base + block);
          if (first_set != o)
            for (std::size_t ix = base; ix < end; ++ix) o[ix] = first_set[ix];
          for (std::size_t sh = 1; sh < Shards; ++sh) {
            T const* sk = g(sh).template get<pos>().data.data() - offset;
            for (std::size_t ix = base; ix < end; ++ix) o[ix] += sk[ix];
          }
          if constexpr ((Shards & (Shards - 1)) == 0) {
            // 1/K is exact for a power of two: the product is the quotient, and cheaper.
            T const inv = T(1) / static_cast<T>(Shards);
            for (std::size_t ix = base; ix < end; ++ix) o[ix] *= inv;
          } else {
            for (std::size_t ix = base; ix < end; ++ix) o[ix] /= static_cast<T>(Shards);
          }
        }
      }
      offset += len;
    };
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      bool const done[] = {(one(std::integral_constant<std::size_t, Is>{}), true)..., true};
      (void)done;
    }
    (std::make_index_sequence<Grads::size>{});
  }

 private:
  template <bool InPlace, class... Sources>
  T gradient_of(thread_pool& pool, Grads& grads, Sources const&... sources) {
    pool.run([&](std::size_t thread, std::size_t threads) {
      std::size_t const from = thread * Shards / threads, to = (thread + 1) * Shards / threads;
      for (std::size_t sh = from; sh < to; ++sh)
        one<InPlace>(sh, sh == 0 ? grads : parts_[sh].grads, sources...);
    });
    finite_->store(true, std::memory_order_relaxed);
    pool.run([&](std::size_t thread, std::size_t threads) {
      auto const [from, to] = detail::entry_range(total_entries, thread, threads);
      reduce_range(grads, from, to, [&](std::size_t sh) -> Grads const& {
        return sh == 0 ? grads : parts_[sh].grads;
      });
      // While the range is in this thread's cache (train::fit tests every step's gradient).
      if (!detail::range_finite(grads, from, to)) finite_->store(false, std::memory_order_relaxed);
    });
    return loss();
  }

  // Shard k: its rows of every batched input (copied from the sources' batch, or in place),
  // then grad_into on the shard's loss.
  template <bool InPlace = false, class... Sources>
  void one(std::size_t sh, Grads& into, Sources const&... sources) {
    shard& sd = parts_[sh];
    auto call = [&](auto const&... shard_sources) {
      if constexpr (std::is_void_v<Output>) {
        sd.loss = grad_into(shard_loss{}, into, sd.ws, shard_sources...);
      } else {
        sd.loss =
            grad_into(shard_loss{}, into, capture(shard_output{}, sd.out), sd.ws, shard_sources...);
      }
    };
    if constexpr (InPlace) {
      [&]<std::size_t... Is>(std::index_sequence<Is...>) {
        call(rebind(sh, sd, sources)...,
             (ctgrad::detail::at_t<Is, shard_inputs>{} = std::get<Is>(sd.x))...);
      }
      (std::make_index_sequence<shard_inputs::size>{});
    } else {
      call(rebind(sh, sd, sources)...);
    }
  }

  // A binding of a batched input becomes a binding of the shard's input to the shard's rows;
  // the dropout seed becomes the shard's seed; anything else is passed as it is.
  template <class Source> auto rebind(std::size_t sh, shard& sd, Source const& source) {
    if constexpr (detail::is_binding_v<Source>) {
      using var = typename Source::variable;
      if constexpr (ctgrad::detail::contains<inputs, var>::value) {
        constexpr std::size_t ix = ctgrad::detail::index_of<inputs, var>::value;
        using shard_var = ctgrad::detail::at_t<ix, shard_inputs>;
        auto& to = std::get<ix>(sd.x);
        constexpr std::size_t len = std::remove_reference_t<decltype(to)>::size;
        std::copy_n(source.value->data.data() + sh * len, len, to.data.data());
        return shard_var{} = to;
      } else if constexpr (__is_same(var, dropout_seed_t)) {
        using seed_t = decltype(source.value);
        if (source.value < seed_t(0)) return source;
        auto const whole = static_cast<std::uint64_t>(source.value);
        return Source{static_cast<seed_t>((whole * Shards + sh) % (std::uint64_t{1} << 24))};
      } else {
        return source;
      }
    } else {
      static_assert(!var_set_binds_input<Source>(),
                    "ctgrad::train::parallel_grad_into: bind the batched inputs as X = x, not "
                    "in a variable set");
      return source;
    }
  }

  template <class Source> static constexpr bool var_set_binds_input() {
    return [&]<class... Is>(ctgrad::detail::type_list<Is...>*) {
      return (false || ... || ctgrad::detail::provides<Source, Is>::value);
    }(static_cast<inputs*>(nullptr));
  }

  std::unique_ptr<shard[]> parts_;
  // Written by the reduction's threads only when they find a non-finite entry (no false
  // sharing in the common case); pool.run's synchronisation orders it for the caller. On the
  // heap, as the shards are, so that a sharded_gradient stays movable.
  std::unique_ptr<std::atomic<bool>> finite_ = std::make_unique<std::atomic<bool>>(true);
};

/// grads = dloss/dparams over the whole batch, computed in sg's shards on the pool's threads
/// and summed in shard order (see the top); returns the loss. sources are those of
/// grad_into: parameter sets and bindings, the batched inputs as X = x.
///   train::parallel_grad_into(pool, *sg, loss, grads, params, X = x, Y = y)
template <class T, class SgLoss, std::size_t K, class Grads, class Output, Expression Loss,
          class... Sources>
T parallel_grad_into(thread_pool& pool, sharded_gradient<T, SgLoss, K, Grads, Output>& sg, Loss,
                     Grads& grads, Sources const&... sources) {
  static_assert(__is_same(std::remove_cv_t<SgLoss>, Loss),
                "ctgrad::train::parallel_grad_into(pool, sg, loss, ...): sg is the "
                "sharded_gradient of another loss");
  return sg.gradient(pool, grads, sources...);
}

/// opt.step(params, grads) split over the pool's threads by ranges of entries, the ranges of
/// sharded_gradient's reduction (each thread updates what it has just summed): for optimisers
/// with start_step() and step_range(params, grads, from, to) (optim::sgd, optim::adam), the
/// same bits as opt.step for any number of threads; others step on the calling thread.
///   train::parallel_update(pool, opt, params, grads);
template <class Opt, class Set>
void parallel_update(thread_pool& pool, Opt& opt, Set& params, Set const& grads) {
  if constexpr (requires(std::size_t n) {
                  opt.start_step();
                  opt.step_range(params, grads, n, n);
                }) {
    opt.start_step();
    pool.run([&](std::size_t thread, std::size_t threads) {
      auto const [from, to] = detail::entry_range(Set::scalar_count, thread, threads);
      opt.step_range(params, grads, from, to);
    });
  } else {
    opt.step(params, grads);
  }
}

}  // namespace ctgrad::train
