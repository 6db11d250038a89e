// SPDX-License-Identifier: BSL-1.0
// train::mpi::fit, run by CTest with 1 and with 2 ranks (mpirun -np 1, -np 2; test/CMakeLists.txt):
// - every rank starts from other parameters (seed 5 + rank): fit broadcasts rank 0's;
// - reduction::exact gives, after 48 Adam steps (3 epochs of 16 batches of 12, 4 shards), the
//   bits of the one-process train::fit<4> with {.sharded = true}, for 1 or 2 ranks, 1 or 2
//   threads per rank, float and double, with dropout too, and equals the one-piece fit to
//   rounding;
// - reduction::sum equals it to rounding;
// - every rank holds the same bits (mpi::identical_on_all_ranks) and the same history.
// A plain main, not Boost.Test: MPI_Init comes first. Exit status 1 when a check fails.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/init/initializers.hpp>
#include <ctgrad/optim/adam.hpp>
#include <ctgrad/train/fit.hpp>
#include <ctgrad/train/mpi.hpp>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ctgrad;

namespace {
constexpr std::size_t B = 12, K = 4;
constexpr auto X = input<"X", B, 2>;
constexpr auto Y = input<"Y", B, 3>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);
constexpr auto task = train::classifier(X, Y, loss, logits);
constexpr auto dlogits =
    sequential(X, layer::dense<16>, layer::relu, layer::dropout<1, 4>, layer::dense<3>);
constexpr auto dloss = cross_entropy(softmax(dlogits), Y);
constexpr auto dtask = train::classifier(X, Y, dloss, dlogits);

int failures = 0;
int me = 0;

void expect(bool ok, std::string const& what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "rank %d: FAILED: %s\n", me, what.c_str());
  } else if (me == 0) {
    std::printf("ok: %s\n", what.c_str());
  }
}

template <class T> struct blobs {
  std::vector<T> x, y;
  explicit blobs(std::size_t n) {
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0.0, 0.8);
    double const cx[] = {0.0, 2.0, -2.0}, cy[] = {2.0, -1.0, -1.0};
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t const c = i % 3;
      x.push_back(static_cast<T>(cx[c] + noise(rng)));
      x.push_back(static_cast<T>(cy[c] + noise(rng)));
      for (std::size_t k = 0; k < 3; ++k) y.push_back(k == c ? T{1} : T{0});
    }
  }
  train::samples<T> view() const { return {x, y}; }
};

template <class Set> bool same_bits(Set a, Set b) {
  bool same = true;
  train::each([&](auto u, auto v) { same = same && std::memcmp(&u, &v, sizeof u) == 0; }, a, b);
  return same;
}

template <class Set> double max_relative(Set a, Set b) {
  double worst = 0;
  train::each(
      [&](auto u, auto v) {
        double const du = u, dv = v;
        worst = std::max(worst, std::abs(du - dv) / std::max(1e-30, std::abs(du) + std::abs(dv)));
      },
      a, b);
  return worst;
}

enum class how { one_piece, sharded, mpi_exact, mpi_sum };

// 3 epochs over 203 samples (16 batches of 12 each, 48 Adam steps) from seed `seed`.
template <class T, class Task, class Loss>
param_set<T, Loss> run(Task const& t, Loss, how h, std::size_t threads, std::uint64_t seed,
                       double* last_loss = nullptr) {
  blobs<T> const data(203);
  param_set<T, Loss> ps{};
  init::apply(ps, seed, init::xavier_normal_rule{});
  optim::adam<param_set<T, Loss>> opt({.lr = T(0.01)});
  train::fit_options<T> const o{
      .epochs = 3, .show = train::progress::none, .threads = threads, .sharded = true};
  std::vector<train::epoch_stats> hist;
  switch (h) {
    case how::one_piece:
      hist = train::fit(t, ps, opt, data.view(), {.epochs = 3, .show = train::progress::none});
      break;
    case how::sharded:
      hist = train::fit<K>(t, ps, opt, data.view(), o);
      break;
    case how::mpi_exact:
      hist = train::mpi::fit<K>(t, ps, opt, data.view(), o);
      break;
    case how::mpi_sum:
      hist = train::mpi::fit<K>(t, ps, opt, data.view(), o, {.reduce = train::mpi::reduction::sum});
      break;
  }
  if (last_loss) *last_loss = hist.back().loss;
  return ps;
}

template <class T> void check_type(char const* type) {
  std::string const ranks = std::to_string(train::mpi::size()) + " rank(s), " + type;
  double ref_loss = 0, exact_loss = 0;
  auto const reference = run<T>(task, loss, how::sharded, 1, 5, &ref_loss);
  // Each rank starts from its own parameters: only rank 0's (seed 5) may survive.
  auto const exact =
      run<T>(task, loss, how::mpi_exact, 1, 5 + static_cast<std::uint64_t>(me), &exact_loss);
  expect(same_bits(exact, reference),
         ranks + ": reduction::exact has the bits of the one-process sharded fit");
  expect(train::mpi::identical_on_all_ranks(exact), ranks + ": every rank holds the same bits");
  expect(exact_loss == ref_loss, ranks + ": the same training loss as the one-process fit");
  auto const two_threads = run<T>(task, loss, how::mpi_exact, 2, 5);
  expect(same_bits(two_threads, reference), ranks + ": 2 threads per rank, the same bits");
  double const rel = max_relative(exact, run<T>(task, loss, how::one_piece, 1, 5));
  if (me == 0)
    std::printf("   %s: max relative difference from the one-piece fit %.3g\n", ranks.c_str(), rel);
  expect(rel < (sizeof(T) == 8 ? 1e-12 : 1e-5), ranks + ": equals the one-piece fit to rounding");
  auto const summed = run<T>(task, loss, how::mpi_sum, 1, 5 + static_cast<std::uint64_t>(me));
  double const rel_sum = max_relative(summed, reference);
  if (me == 0)
    std::printf("   %s: reduction::sum, max relative difference from exact %.3g\n", ranks.c_str(),
                rel_sum);
  expect(rel_sum < (sizeof(T) == 8 ? 1e-12 : 1e-5), ranks + ": reduction::sum, to rounding");
  expect(train::mpi::identical_on_all_ranks(summed),
         ranks + ": reduction::sum, every rank holds the same bits");
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  me = train::mpi::rank();
  try {
    check_type<double>("double");
    check_type<float>("float");
    std::string const ranks = std::to_string(train::mpi::size()) + " rank(s)";
    auto const reference = run<double>(dtask, dloss, how::sharded, 1, 7);
    auto const exact = run<double>(dtask, dloss, how::mpi_exact, 1, 7);
    expect(same_bits(exact, reference), ranks + ", dropout: the bits of the one-process fit");
    expect(train::mpi::identical_on_all_ranks(exact), ranks + ", dropout: the same on every rank");
  } catch (std::exception const& e) {
    std::fprintf(stderr, "rank %d: FAILED: %s\n", me, e.what());
    ++failures;
  }
  int all = 0;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all == 0 ? 0 : 1;
}
