// SPDX-License-Identifier: BSL-1.0
// Data-parallel training over MPI ranks (optional: needs an MPI, e.g. Debian's
// libopenmpi-dev; not included by ctgrad.hpp), as PyTorch's DistributedDataParallel does it:
//   MPI_Init(&argc, &argv);
//   train::mpi::broadcast(params);              // optional: fit starts with it too
//   auto h = train::mpi::fit(task, params, opt, data, {.epochs = 10, .threads = 2});
//   // or {.reduce = train::mpi::reduction::sum, .comm = c} as a sixth argument
//   if (train::mpi::rank() == 0) io::save(params, "net.ctgrad");   // identical on every rank
//   MPI_Finalize();
// launched with `mpirun -np 4 --hostfile hosts ./train` (README: "All cores, many machines").
// Every rank runs the same program on the same data with the same seed:
// - The global batch is the net's batch B, split into the K fixed shards of
//   train/parallel.hpp (default_shards(B), or mpi::fit<K>); rank r of R computes shards
//   rK/R to (r+1)K/R, on its own fit_options::threads threads. Every rank draws the same
//   permutation each epoch and reads only its shards' rows of each batch: the data are
//   sharded by rank (DistributedSampler), the global batch is that of a one-process fit.
// - Parameters: rank 0's are broadcast to all at the start; then every rank applies the same
//   summed gradient with its own optimiser, so the parameters stay identical on every rank.
// - The sum, with MPI_Allreduce. MPI does not fix how a sum is grouped: the standard lets
//   MPI_SUM associate in any order (it only advises implementors to give the same result for
//   the same arguments in the same order), and Open MPI picks its algorithm (recursive
//   doubling, ring, Rabenseifner) by message size and number of ranks, so a float sum of
//   partial gradients changes its rounding with the number of ranks. reduction::exact (the
//   default) therefore sums nothing in MPI: the buffer holds a section per shard, each rank
//   writes its shards' gradients and -0.0 elsewhere, and x + (-0.0) == x exactly in any
//   grouping, so MPI_Allreduce delivers every shard's gradient, bit for bit, to every rank;
//   each rank then sums them in shard order as train/parallel.hpp does. The result has the
//   same bits for any number of ranks and threads and equals train::fit with
//   {.sharded = true} and the same K. It moves K gradient sets per step.
//   reduction::sum moves one: each rank sums its shards in shard order, MPI_Allreduce sums
//   the ranks' partial sums. The result equals the exact one to rounding, changes its last
//   bits with the number of ranks, and is the same on every rank as long as the MPI's
//   allreduce gives every rank the same sum (Open MPI's algorithms do: each element is
//   summed once and copied, or summed as a + b and b + a, equal in IEEE arithmetic).
// - Logging: the progress display is rank 0's only; on_epoch runs on every rank (a learning
//   rate schedule must, to keep the parameters identical), so save or print there on rank 0.
// - Batch norm, loops: as for threads (train/parallel.hpp), std::invalid_argument.
// Heap: buffers allocated once per call, as train::fit; a step allocates nothing in ctgrad.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/train/fit.hpp>
#include <ctgrad/train/parallel.hpp>
#include <ctgrad/train/thread_pool.hpp>

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

/// Data-parallel training over MPI: each rank its share of the global batch, gradients summed
/// by an allreduce, the same parameters on every rank.
namespace ctgrad::train::mpi {

/// How mpi::fit sums the ranks' gradients (see the top).
enum class reduction {
  exact,  ///< every shard's gradient to every rank, summed in shard order: bits of train::fit
  sum,    ///< MPI_SUM of the ranks' partial sums: one gradient set moved, rounding varies
};

/// What mpi::fit adds to train::fit's options: `{.reduce = reduction::sum, .comm = c}`.
struct options {
  reduction reduce = reduction::exact;  ///< see the top
  MPI_Comm comm = MPI_COMM_WORLD;       ///< the ranks that train together
};

/// This process's rank in comm.
inline int rank(MPI_Comm comm = MPI_COMM_WORLD) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

/// The number of ranks in comm.
inline int size(MPI_Comm comm = MPI_COMM_WORLD) {
  int n = 1;
  MPI_Comm_size(comm, &n);
  return n;
}

namespace detail {

template <class T> MPI_Datatype datatype() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctgrad::train::mpi: float or double");
  return std::is_same_v<T, float> ? MPI_FLOAT : MPI_DOUBLE;
}

inline void check(int status, char const* what) {
  if (status != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(status, text, &length);
    throw std::runtime_error(std::string("ctgrad::train::mpi: ") + what +
                             " failed: " + std::string(text, static_cast<std::size_t>(length)));
  }
}

// The entries of a set, in its flat order (its tensors in order, each row-major), to and from
// a contiguous buffer.
template <class T, class... Vars> void flatten(var_set<T, Vars...> const& s, T* to) {
  s.for_each([&](auto, auto const& part) {
    std::memcpy(to, part.data.data(), part.size * sizeof(T));
    to += part.size;
  });
}
template <class T, class... Vars> void unflatten(T const* from, var_set<T, Vars...>& s) {
  s.for_each([&](auto, auto& part) {
    std::memcpy(part.data.data(), from, part.size * sizeof(T));
    from += part.size;
  });
}

}  // namespace detail

/// Copies rank 0's parameters to every rank of comm (fit does it when it starts).
template <class T, class... Vars>
void broadcast(var_set<T, Vars...>& params, MPI_Comm comm = MPI_COMM_WORLD) {
  params.for_each([&](auto, auto& part) {
    detail::check(
        MPI_Bcast(part.data.data(), static_cast<int>(part.size), detail::datatype<T>(), 0, comm),
        "MPI_Bcast of the parameters");
  });
}

/// True on every rank when every rank of comm holds the same bits in params (a check for
/// tests and for the paranoid; it allocates a copy of the set).
template <class T, class... Vars>
bool identical_on_all_ranks(var_set<T, Vars...> const& params, MPI_Comm comm = MPI_COMM_WORLD) {
  std::vector<T> mine(var_set<T, Vars...>::scalar_count), first(mine.size());
  detail::flatten(params, mine.data());
  first = mine;
  detail::check(
      MPI_Bcast(first.data(), static_cast<int>(first.size()), detail::datatype<T>(), 0, comm),
      "MPI_Bcast");
  int same = std::memcmp(mine.data(), first.data(), mine.size() * sizeof(T)) == 0 ? 1 : 0, all = 0;
  detail::check(MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm), "MPI_Allreduce");
  return all == 1;
}

/// train::fit over the ranks of m.comm (see the top): the same arguments, on every rank, with
/// the same data and seed; returns the same history on every rank. Shards: default_shards of
/// the batch, or mpi::fit<Shards>(...); ranks beyond the number of shards have no work.
template <std::size_t Shards = 0, class XVar, class YVar, class Loss, class Output, class T,
          class... Vars, class Opt>
std::vector<epoch_stats> fit(task<XVar, YVar, Loss, Output> const& the_task,
                             var_set<T, Vars...>& params, Opt& opt, samples<T> const& data,
                             std::type_identity_t<train::fit_options<T>> const& o = {},
                             options const& m = {}) {
  using task_t = task<XVar, YVar, Loss, Output>;
  using traits = train::detail::task_traits<task_t>;
  using set_t = var_set<T, Vars...>;
  constexpr std::size_t K = Shards != 0 ? Shards : default_shards(traits::batch);
  if constexpr (train::detail::shard_problem<Loss, K>() != 0) {
    throw std::invalid_argument(
        "ctgrad::train::mpi::fit: the batch of " + std::to_string(traits::batch) +
        " cannot be split into " + std::to_string(K) +
        " shards: " + train::detail::shard_problem_text(train::detail::shard_problem<Loss, K>()));
  } else {
    int const r = rank(m.comm), ranks = size(m.comm);
    std::size_t const first = static_cast<std::size_t>(r) * K / static_cast<std::size_t>(ranks);
    std::size_t const last =
        (static_cast<std::size_t>(r) + 1) * K / static_cast<std::size_t>(ranks);
    broadcast(params, m.comm);

    train::fit_options<T> local = o;
    if (r != 0) local.show = progress::none;
    constexpr std::size_t P = set_t::scalar_count;
    bool const exact = m.reduce == reduction::exact;
    // exact: K gradient sections, then K losses and K counts of correct rows; sum: one of each.
    std::size_t const sections = exact ? K : 1;
    std::vector<T> buffer(sections * (P + 2));
    thread_pool pool(o.threads);
    auto sg = std::make_unique<sharded_gradient<T, Loss, K, set_t, Output>>();
    train::detail::fit_buffers<T, task_t> buf;
    auto step = [&](auto& bufs, set_t& grads, double step_seed) {
      train::detail::with_modes<Loss, T>(step_seed, [&](auto... mode) {
        sg->compute(pool, first, last, params, XVar{} = *bufs.x, YVar{} = *bufs.y, mode...);
        return 0;
      });
      auto correct_in = [&](std::size_t sh) -> std::size_t {
        if constexpr (traits::classifies) {
          constexpr std::size_t rows = K == 0 ? 0 : traits::batch / K, C = traits::targets;
          return train::detail::count_correct<C>((*sg)[sh].out.data.data(),
                                                 bufs.y->data.data() + sh * rows * C, rows,
                                                 the_task.threshold);
        } else {
          (void)sh;
          return 0;
        }
      };
      T* const losses = buffer.data() + sections * P;
      T* const counts = losses + sections;
      train::detail::step_result<T> result{T{}, 0};
      if (exact) {
        std::fill(buffer.begin(), buffer.end(), T(-0.0));  // the identity of + (see the top)
        for (std::size_t sh = first; sh < last; ++sh) {
          detail::flatten((*sg)[sh].grads, buffer.data() + sh * P);
          losses[sh] = (*sg)[sh].loss;
          counts[sh] = static_cast<T>(correct_in(sh));
        }
        detail::check(MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(buffer.size()),
                                    detail::datatype<T>(), MPI_SUM, m.comm),
                      "MPI_Allreduce of the shards' gradients");
        for (std::size_t sh = 0; sh < K; ++sh) {
          detail::unflatten(buffer.data() + sh * P, (*sg)[sh].grads);
          (*sg)[sh].loss = losses[sh];
          result.correct += static_cast<std::size_t>(counts[sh]);
        }
        result.loss = sg->reduce(pool, grads);
      } else {
        // This rank's shards summed in shard order (none: zeros), then the ranks' sums.
        std::fill(buffer.begin(), buffer.end(), T(0));
        T loss = 0, correct = 0;
        for (std::size_t sh = first; sh < last; ++sh) {
          std::size_t offset = 0;
          (*sg)[sh].grads.for_each([&](auto, auto const& gv) {
            T const* from = gv.data.data();
            T* to = buffer.data() + offset;
            for (std::size_t ix = 0; ix < gv.size; ++ix) to[ix] += from[ix];
            offset += gv.size;
          });
          loss += (*sg)[sh].loss;
          correct += static_cast<T>(correct_in(sh));
        }
        losses[0] = loss;
        counts[0] = correct;
        detail::check(MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(buffer.size()),
                                    detail::datatype<T>(), MPI_SUM, m.comm),
                      "MPI_Allreduce of the gradients");
        detail::unflatten(buffer.data(), grads);
        T const shards = static_cast<T>(K);
        each([shards](T& gv) { gv /= shards; }, grads);
        result.loss = losses[0] / static_cast<T>(K);
        result.correct = static_cast<std::size_t>(counts[0]);
      }
      return result;
    };
    return train::detail::fit_loop(the_task, params, opt, data, local, buf, step);
  }
}

}  // namespace ctgrad::train::mpi
