// SPDX-License-Identifier: BSL-1.0
// Training throughput: one SGD step of a 784-128-10 ReLU MLP with softmax cross-entropy,
// batch 32, float, one thread, with ctgrad, with the hand-written backward pass of
// bench/handwritten.hpp, and with libtorch (train_torch.cpp, when CMake found it).
//
//   ctgrad_bench_train [--data DIR] [--steps N] [Google Benchmark flags]
//     --data DIR   train on Fashion-MNIST: DIR holds the uncompressed train-images-idx3-ubyte
//                  and train-labels-idx1-ubyte. Default: 60000 synthetic samples (ten classes
//                  of noisy prototype images, fixed seed). The data do not change the work of
//                  a step, only what is learnt.
//     --steps N    steps per benchmark run; default: one epoch (60000 / 32 = 1875 steps, each
//                  run walking the epoch from its first batch). 0: Google Benchmark chooses.
//
// ctgrad also runs data-parallel (train/parallel.hpp, as train::fit with threads = n): the
// batch in 2 fixed shards on 1 and on 2 threads ("ctgrad/threads:2/shards:2").
//
// One benchmark iteration is one training step, the same for every implementation: copy the
// batch's 32 images out of the dataset into the input tensor and set its targets
// (bench::train::load_batch), loss and gradient, SGD update W -= 0.01 * dL/dW. The dataset is
// generated (or read) once and shuffled once; step s of a run takes batch s of that fixed
// order, wrapping after an epoch, and every run starts from the same initial parameters, so
// one run of 1875 steps is exactly one epoch of training. items_per_second is samples/s.
// Wall-clock time is what counts (UseRealTime); process CPU time is measured too, so a
// helper thread somewhere (a BLAS pool) shows up as CPU time above real time.
//
// Before anything is timed, the implementations must agree: from the same initial parameters
// (torch::nn::Linear's default distribution, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights
// and biases, drawn once and copied into each) they run 5 steps on the same batches; after
// each step the losses and the gradients are compared, after the last the parameters and the
// updates (final - initial, in double so that the subtraction is exact). Any relative
// difference above 1e-4 prints FAILED and exits with status 1 without timing anything.
#include "handwritten.hpp"
#include "train_case.hpp"

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/idx.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#ifndef CTGRAD_BENCH_TORCH
#define CTGRAD_BENCH_TORCH 0
#endif
#ifndef CTGRAD_BENCH_DLIB
#define CTGRAD_BENCH_DLIB 0
#endif
#ifndef CTGRAD_BENCH_FANN
#define CTGRAD_BENCH_FANN 0
#endif
#ifndef CTGRAD_BENCH_TORCH_MISSING
#define CTGRAD_BENCH_TORCH_MISSING "not built"
#endif

namespace {

namespace bt = bench::train;
using bt::batch, bt::classes, bt::hidden, bt::pixels;

constexpr std::size_t train_samples = 60000;  // Fashion-MNIST's training set
constexpr std::size_t check_steps = 5;
// float: the implementations sum in different orders, so they agree to a few ulp per
// element; after 5 steps of lr 0.01 the differences stay far below this.
constexpr double tolerance = 1e-4;

// ---- the network, as in examples/fashion_mnist.cpp ---------------------------------------
namespace net {
using namespace ctgrad;
constexpr auto X = input<"X", batch, pixels>;
constexpr auto Y = input<"Y", batch, classes>;
constexpr auto loss = cross_entropy(
    softmax(sequential(X, layer::dense<hidden>, layer::relu, layer::dense<classes>)), Y);
// sequential names its parameters W1, b1, W2, b2; these are the same variables.
constexpr auto W1 = param<"W1", pixels, hidden>;
constexpr auto b1 = param<"b1", hidden>;
constexpr auto W2 = param<"W2", hidden, classes>;
constexpr auto b2 = param<"b2", classes>;
using params_t = param_set<float, std::remove_cv_t<decltype(loss)>>;
// The same network at another batch size (the larger-batch case of the data-parallel step).
template <std::size_t B> struct at_batch {
  static constexpr auto X = input<"X", B, pixels>;
  static constexpr auto Y = input<"Y", B, classes>;
  static constexpr auto loss = cross_entropy(
      softmax(sequential(X, layer::dense<hidden>, layer::relu, layer::dense<classes>)), Y);
  static constexpr float lr = bench::train::learning_rate;
};
template <> struct at_batch<batch> {
  static constexpr auto X = net::X;
  static constexpr auto Y = net::Y;
  static constexpr auto loss = net::loss;
  static constexpr float lr = bench::train::learning_rate;
};
// FANN's nearest net (bench/train_fann.cpp): sigmoid hidden and output layers, mean squared
// error against the one-hot targets, at the learning rate that gives FANN's update.
struct sigmoid_mse {
  static constexpr auto X = net::X;
  static constexpr auto Y = net::Y;
  static constexpr auto loss = mse(
      sequential(X, layer::dense<hidden>, layer::sigmoid, layer::dense<classes>, layer::sigmoid),
      Y);
  static constexpr float lr = bench::train::sigmoid_mse_lr;
};
static_assert(__is_same(param_set<float, std::remove_cv_t<decltype(sigmoid_mse::loss)>>, params_t));
static_assert(__is_same(param_set<float, std::remove_cv_t<decltype(at_batch<512>::loss)>>,
                        params_t));
static_assert(params_t::size == 4 && params_t::has<std::remove_cv_t<decltype(W1)>> &&
              params_t::has<std::remove_cv_t<decltype(b1)>> &&
              params_t::has<std::remove_cv_t<decltype(W2)>> &&
              params_t::has<std::remove_cv_t<decltype(b2)>>);
}  // namespace net

// ---- the data ----------------------------------------------------------------------------
bt::dataset fashion_mnist(std::string const& dir) {
  auto const images = ctgrad::io::read_idx(dir + "/train-images-idx3-ubyte", {28, 28});
  auto const labels = ctgrad::io::read_idx(dir + "/train-labels-idx1-ubyte", {});
  if (images.items() != labels.items())
    throw ctgrad::io::error(dir + ": " + std::to_string(images.items()) + " images but " +
                            std::to_string(labels.items()) + " labels");
  bt::dataset d;
  d.images.resize(images.data.size());
  std::transform(images.data.begin(), images.data.end(), d.images.begin(),
                 [](std::uint8_t v) { return static_cast<float>(v) / 255.0f; });
  d.labels = labels.data;
  for (auto l : d.labels)
    if (l >= classes)
      throw ctgrad::io::error(dir + ": label " + std::to_string(l) + " is not below 10");
  d.source = "Fashion-MNIST training set (" + dir + ")";
  return d;
}

// Ten classes of prototype images plus uniform noise, clamped to [0, 1] like pixels.
bt::dataset synthetic(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  auto const uniform = [&rng] { return static_cast<float>(rng() >> 8) * 0x1.0p-24f; };
  std::vector<float> proto(classes * pixels);
  for (auto& p : proto) p = uniform();
  bt::dataset d;
  d.images.resize(n * pixels);
  d.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto const c = static_cast<std::uint8_t>(i % classes);
    d.labels[i] = c;
    for (std::size_t p = 0; p < pixels; ++p)
      d.images[i * pixels + p] =
          std::clamp(proto[c * pixels + p] + 0.7f * (uniform() - 0.5f), 0.0f, 1.0f);
  }
  d.source = "synthetic, " + std::to_string(n) + " samples (10 noisy prototypes, seed " +
             std::to_string(seed) + ")";
  return d;
}

// ---- the implementations: set_params, step(b), last_loss, params, grads -------------------
template <std::size_t B = batch, class Net = net::at_batch<B>> class ctgrad_trainer {
  using net_b = Net;

 public:
  explicit ctgrad_trainer(bt::dataset const& d) : data_(d) {}

  void set_params(bt::flat_params const& p) {
    copy(p.W1, ps_[net::W1].data);
    copy(p.b1, ps_[net::b1].data);
    copy(p.W2, ps_[net::W2].data);
    copy(p.b2, ps_[net::b2].data);
    gs_.zero();
    opt_.reset();  // no momentum, so there is no state; reset() keeps this true if that changes
  }

  void step(std::size_t b) {
    y_ = {};
    auto const label = [this](std::size_t r, std::uint8_t c) { y_(r, c) = 1.0f; };
    if constexpr (B == batch)
      bt::load_batch(data_, b, x_.data.data(), label);
    else
      bt::load_rows(data_, B, b, 0, B, x_.data.data(), label);
    loss_ = ctgrad::grad_into(net_b::loss, gs_, ps_, net_b::X = x_, net_b::Y = y_);
    opt_.step(ps_, gs_);
  }

  float last_loss() const { return loss_; }
  bt::flat_params params() const { return flatten(ps_); }
  bt::flat_params grads() const { return flatten(gs_); }

 private:
  template <class A> static void copy(std::vector<float> const& from, A& to) {
    std::copy_n(from.begin(), to.size(), to.begin());
  }
  static bt::flat_params flatten(net::params_t const& s) {
    bt::flat_params p;
    auto const out = [](auto const& a, std::vector<float>& v) {
      std::copy(a.begin(), a.end(), v.begin());
    };
    out(s[net::W1].data, p.W1);
    out(s[net::b1].data, p.b1);
    out(s[net::W2].data, p.W2);
    out(s[net::b2].data, p.b2);
    return p;
  }

  bt::dataset const& data_;
  net::params_t ps_{}, gs_{};
  ctgrad::optim::sgd<net::params_t> opt_{{.lr = Net::lr}};
  ctgrad::tensor<float, ctgrad::shape<B, pixels>> x_{};
  ctgrad::tensor<float, ctgrad::shape<B, classes>> y_{};
  float loss_ = 0;
};

// ctgrad's batch-parallel gradient (train/parallel.hpp): the batch in K fixed shards on a pool
// of `threads` threads, summed in shard order; the same bits for any number of threads. Each
// thread copies the rows of the shards it computes out of the dataset (into the shards' own
// inputs), sums its range of the gradient's entries and updates that range of the parameters
// (train::parallel_update).
template <std::size_t K, std::size_t B = batch> class ctgrad_parallel_trainer {
  using net_b = net::at_batch<B>;

 public:
  ctgrad_parallel_trainer(bt::dataset const& d, std::size_t threads) : data_(d), pool_(threads) {}

  void set_params(bt::flat_params const& p) {
    std::copy_n(p.W1.begin(), ps_[net::W1].size, ps_[net::W1].data.begin());
    std::copy_n(p.b1.begin(), ps_[net::b1].size, ps_[net::b1].data.begin());
    std::copy_n(p.W2.begin(), ps_[net::W2].size, ps_[net::W2].data.begin());
    std::copy_n(p.b2.begin(), ps_[net::b2].size, ps_[net::b2].data.begin());
    gs_.zero();
    opt_.reset();
  }

  void step(std::size_t b) {
    // Each thread copies its shards' rows out of the dataset straight into the shards' own
    // input tensors (sharded_gradient::input_rows), which gradient_in_place binds.
    pool_.run([&](std::size_t thread, std::size_t threads) {
      for (std::size_t sh = thread * K / threads; sh < (thread + 1) * K / threads; ++sh) {
        auto& x = sg_->input_rows(sh, net_b::X);
        auto& y = sg_->input_rows(sh, net_b::Y);
        y = {};
        bt::load_rows(data_, B, b, sh * (B / K), (sh + 1) * (B / K), x.data.data(),
                      [&y](std::size_t r, std::uint8_t c) { y(r, c) = 1.0f; });
      }
    });
    loss_ = sg_->gradient_in_place(pool_, gs_, ps_);
    ctgrad::train::parallel_update(pool_, opt_, ps_, gs_);
  }

  float last_loss() const { return loss_; }
  bt::flat_params params() const { return flatten(ps_); }
  bt::flat_params grads() const { return flatten(gs_); }

 private:
  static bt::flat_params flatten(net::params_t const& s) {
    bt::flat_params p;
    std::copy(s[net::W1].data.begin(), s[net::W1].data.end(), p.W1.begin());
    std::copy(s[net::b1].data.begin(), s[net::b1].data.end(), p.b1.begin());
    std::copy(s[net::W2].data.begin(), s[net::W2].data.end(), p.W2.begin());
    std::copy(s[net::b2].data.begin(), s[net::b2].data.end(), p.b2.begin());
    return p;
  }

  using sharded = ctgrad::train::sharded_gradient<float, decltype(net_b::loss), K>;
  bt::dataset const& data_;
  ctgrad::train::thread_pool pool_;
  std::unique_ptr<sharded> sg_ = std::make_unique<sharded>();
  net::params_t ps_{}, gs_{};
  ctgrad::optim::sgd<net::params_t> opt_{{.lr = bt::learning_rate}};
  float loss_ = 0;
};

// The hand-written backward pass of the run-time benchmark, with the SGD update as a loop.
class handwritten_trainer {
  using mlp = handwritten::mlp<float, batch, handwritten::act::relu,
                               handwritten::loss::softmax_cross_entropy, pixels, hidden, classes>;

 public:
  explicit handwritten_trainer(bt::dataset const& d) : data_(d) {}

  void set_params(bt::flat_params const& p) {
    std::copy(p.W1.begin(), p.W1.end(), ps_.W<0>().begin());
    std::copy(p.b1.begin(), p.b1.end(), ps_.b<0>().begin());
    std::copy(p.W2.begin(), p.W2.end(), ps_.W<1>().begin());
    std::copy(p.b2.begin(), p.b2.end(), ps_.b<1>().begin());
    gs_ = {};
  }

  void step(std::size_t b) {
    y_.fill(0.0f);
    bt::load_batch(data_, b, x_.data(),
                   [this](std::size_t r, std::uint8_t c) { y_[r * classes + c] = 1.0f; });
    loss_ = net_.grad(ps_, x_, y_, gs_);
    update(ps_.W<0>(), gs_.W<0>());
    update(ps_.b<0>(), gs_.b<0>());
    update(ps_.W<1>(), gs_.W<1>());
    update(ps_.b<1>(), gs_.b<1>());
  }

  float last_loss() const { return loss_; }
  bt::flat_params params() const { return flatten(ps_); }
  bt::flat_params grads() const { return flatten(gs_); }

 private:
  template <class A> static void update(A& w, A const& g) {
    for (std::size_t i = 0; i < w.size(); ++i) w[i] -= bt::learning_rate * g[i];
  }
  static bt::flat_params flatten(mlp::params const& s) {
    bt::flat_params p;
    std::copy(s.W<0>().begin(), s.W<0>().end(), p.W1.begin());
    std::copy(s.b<0>().begin(), s.b<0>().end(), p.b1.begin());
    std::copy(s.W<1>().begin(), s.W<1>().end(), p.W2.begin());
    std::copy(s.b<1>().begin(), s.b<1>().end(), p.b2.begin());
    return p;
  }

  bt::dataset const& data_;
  mlp net_{};
  mlp::params ps_{}, gs_{};
  mlp::input_type x_{};
  mlp::target_type y_{};
  float loss_ = 0;
};

// ---- the initial parameters --------------------------------------------------------------
// torch::nn::Linear's default: kaiming_uniform(a = sqrt(5)) for the weight, which is
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias. Drawn once (ctgrad's
// reproducible init::rng) and given to every implementation.
bt::flat_params initial_params(std::uint64_t seed) {
  ctgrad::init::rng r{seed};
  bt::flat_params p;
  auto const fill = [&r](std::vector<float>& v, std::size_t fan_in) {
    double const bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    for (auto& x : v) x = static_cast<float>(-bound + 2 * bound * r.uniform01());
  };
  fill(p.W1, pixels);
  fill(p.b1, pixels);
  fill(p.W2, hidden);
  fill(p.b2, hidden);
  return p;
}

// ---- the check ---------------------------------------------------------------------------
// ||a - b|| / (||a|| + ||b||), in double.
double relative_difference(std::vector<double> const& a, std::vector<double> const& b) {
  double diff = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  double const den = std::sqrt(na) + std::sqrt(nb);
  return den == 0 ? 0 : std::sqrt(diff) / den;
}
std::vector<double> widen(std::vector<float> const& v) { return {v.begin(), v.end()}; }
std::vector<double> minus(std::vector<float> const& a, std::vector<float> const& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = double(a[i]) - double(b[i]);
  return d;
}
// The largest relative difference over the four tensors, f mapping a tensor of each side
// (and of the initial parameters) to the vectors compared.
template <class F>
double max_over_tensors(bt::flat_params const& a, bt::flat_params const& b,
                        bt::flat_params const& init, F f) {
  return std::max({relative_difference(f(a.W1, init.W1), f(b.W1, init.W1)),
                   relative_difference(f(a.b1, init.b1), f(b.b1, init.b1)),
                   relative_difference(f(a.W2, init.W2), f(b.W2, init.W2)),
                   relative_difference(f(a.b2, init.b2), f(b.b2, init.b2))});
}

struct agreement {
  double loss = 0, grads = 0, params = 0, updates = 0;
  bool ok() const {
    return loss <= tolerance && grads <= tolerance && params <= tolerance && updates <= tolerance;
  }
  std::string str() const {
    char s[200];
    std::snprintf(s, sizeof s, "loss %.2g, gradients %.2g, parameters %.2g, updates %.2g", loss,
                  grads, params, updates);
    return s;
  }
};

// Runs check_steps steps of a and b from init on batches 0, 1, ... and compares them.
template <class A, class B>
agreement compare(A& a, B& b, bt::flat_params const& init, std::vector<float>& losses_a,
                  std::vector<float>& losses_b) {
  agreement r;
  a.set_params(init);
  b.set_params(init);
  auto const same = [](std::vector<float> const& v, std::vector<float> const&) { return widen(v); };
  for (std::size_t s = 0; s < check_steps; ++s) {
    a.step(s);
    b.step(s);
    double const la = a.last_loss(), lb = b.last_loss();
    losses_a.push_back(static_cast<float>(la));
    losses_b.push_back(static_cast<float>(lb));
    double const den = std::abs(la) + std::abs(lb);
    r.loss = std::max(r.loss, den == 0 ? 0 : std::abs(la - lb) / den);
    r.grads = std::max(r.grads, max_over_tensors(a.grads(), b.grads(), init, same));
  }
  auto const pa = a.params(), pb = b.params();
  r.params = max_over_tensors(pa, pb, init, same);
  r.updates = max_over_tensors(pa, pb, init, minus);
  return r;
}

std::string join(std::vector<float> const& v) {
  std::string s;
  char buf[32];
  for (float x : v) {
    std::snprintf(buf, sizeof buf, "%s%.6f", s.empty() ? "" : " ", static_cast<double>(x));
    s += buf;
  }
  return s;
}

// ---- benchmarks --------------------------------------------------------------------------
template <class Trainer>
void register_training(std::string const& impl, Trainer& t, bt::flat_params const& init,
                       std::size_t batches, std::size_t steps, std::size_t rows = batch,
                       std::string const& net_name = "784_128_10") {
  auto* b = benchmark::RegisterBenchmark(
      ("train_" + net_name + "_b" + std::to_string(rows) + "/" + impl).c_str(),
      [&t, &init, batches, rows](benchmark::State& state) {
        t.set_params(init);  // every run trains from the same start, from the first batch
        std::size_t next = 0;
        for (auto _ : state) {
          t.step(next);
          next = next + 1 == batches ? 0 : next + 1;
          benchmark::ClobberMemory();  // the step's writes to the parameters are observable
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                                static_cast<std::int64_t>(rows));
      });
  b->UseRealTime()->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);
  if (steps) b->Iterations(static_cast<benchmark::IterationCount>(steps));
}

struct options {
  std::string data;
  long steps = -1;  // -1: one epoch
};

// Takes this program's own options out of argv, leaving Google Benchmark's.
bool parse(int& argc, char** argv, options& o) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view const a = argv[i];
    auto const value = [&](std::string_view name) -> char const* {
      if (a == name) return i + 1 < argc ? argv[++i] : nullptr;
      if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
        return argv[i] + name.size() + 1;
      return nullptr;
    };
    if (a == "--help" || a == "-h") {
      std::printf(
          "ctgrad_bench_train [--data DIR] [--steps N] [Google Benchmark flags]\n"
          "  --data DIR  Fashion-MNIST: DIR holds train-images-idx3-ubyte and\n"
          "              train-labels-idx1-ubyte (uncompressed); default: synthetic data\n"
          "  --steps N   training steps per benchmark run (default: one epoch, 1875;\n"
          "              0: Google Benchmark chooses)\n");
      std::exit(0);
    }
    if (a == "--data" || a.rfind("--data=", 0) == 0) {
      char const* v = value("--data");
      if (!v) return false;
      o.data = v;
    } else if (a == "--steps" || a.rfind("--steps=", 0) == 0) {
      char const* v = value("--steps");
      char* end = nullptr;
      if (!v || (o.steps = std::strtol(v, &end, 10), *end != '\0') || o.steps < 0) return false;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse(argc, argv, opt)) {
    std::fprintf(stderr, "ctgrad_bench_train: bad --data or --steps (try --help)\n");
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  bt::dataset data;
  try {
    data = opt.data.empty() ? synthetic(train_samples, 1) : fashion_mnist(opt.data);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "ctgrad_bench_train: %s\n", e.what());
    return 1;
  }
  data.order.resize(data.size());
  std::iota(data.order.begin(), data.order.end(), std::uint32_t{0});
  std::shuffle(data.order.begin(), data.order.end(), std::mt19937(2));
  if (data.batches() < check_steps) {
    std::fprintf(stderr, "ctgrad_bench_train: %zu samples are too few\n", data.size());
    return 1;
  }
  std::size_t const steps = opt.steps < 0 ? data.batches() : static_cast<std::size_t>(opt.steps);
  std::printf("data: %s; %zu steps of %zu per epoch\n", data.source.c_str(), data.batches(), batch);

  bt::flat_params const init = initial_params(42);
  // Each is about 1 MB (parameters, gradients, workspace): on the heap.
  auto ct = std::make_unique<ctgrad_trainer<>>(data);
  auto hw = std::make_unique<handwritten_trainer>(data);

  bool ok = true;
  auto const report = [&ok](char const* what, agreement const& r, std::vector<float> const& la,
                            std::vector<float> const& lb, char const* a, char const* b) {
    std::printf("check %s, %zu SGD steps from the same parameters on the same batches:\n", what,
                check_steps);
    std::printf("  losses %-11s %s\n  losses %-11s %s\n", a, join(la).c_str(), b, join(lb).c_str());
    std::printf("  max relative difference: %s: %s\n", r.str().c_str(), r.ok() ? "ok" : "FAILED");
    ok = ok && r.ok();
    return std::string(what) + ": " + r.str();
  };
  std::vector<float> l_ct, l_hw;
  std::string const check_hw = report("ctgrad vs handwritten", compare(*ct, *hw, init, l_ct, l_hw),
                                      l_ct, l_hw, "ctgrad", "handwritten");
  constexpr std::size_t shards = ctgrad::train::default_shards(batch);
  auto par1 = std::make_unique<ctgrad_parallel_trainer<shards>>(data, 1);
  auto par2 = std::make_unique<ctgrad_parallel_trainer<shards>>(data, 2);
  std::vector<float> l_p2, l_hw2;
  std::string const check_par =
      report("ctgrad on 2 threads vs handwritten", compare(*par2, *hw, init, l_p2, l_hw2), l_p2,
             l_hw2, "ctgrad/2", "handwritten");
  // The larger batch: the data-parallel step where the shards' work outweighs the parameters'
  // traffic (summing the shards' gradients, the update), against the one-piece step.
  constexpr std::size_t big = 512, big_shards = ctgrad::train::default_shards(big);
  auto ct_big = std::make_unique<ctgrad_trainer<big>>(data);
  auto par1_big = std::make_unique<ctgrad_parallel_trainer<big_shards, big>>(data, 1);
  auto par2_big = std::make_unique<ctgrad_parallel_trainer<big_shards, big>>(data, 2);
  std::vector<float> l_b2, l_b1;
  std::string const check_big =
      report("ctgrad batch 512 on 2 threads vs 1 thread, one piece",
             compare(*par2_big, *ct_big, init, l_b2, l_b1), l_b2, l_b1, "ctgrad/2", "ctgrad");
  benchmark::AddCustomContext("train_check_threads_b512", check_big);
#if CTGRAD_BENCH_DLIB
  auto dl = std::make_unique<bt::dlib_trainer>(data);
  std::vector<float> l_ct3, l_dl;
  std::string const check_dl =
      report("ctgrad vs dlib", compare(*ct, *dl, init, l_ct3, l_dl), l_ct3, l_dl, "ctgrad", "dlib");
  benchmark::AddCustomContext("train_check_dlib", check_dl);
  benchmark::AddCustomContext("dlib_net", bt::dlib_trainer::version());
#else
  benchmark::AddCustomContext("dlib_missing", "not built: dlib not found (libdlib-dev)");
#endif
#if CTGRAD_BENCH_FANN
  // FANN's net is another case (sigmoid, MSE: bench/train_fann.cpp); ctgrad trains it too.
  auto ct_sig = std::make_unique<ctgrad_trainer<batch, net::sigmoid_mse>>(data);
  auto fn = std::make_unique<bt::fann_trainer>(data);
  std::vector<float> l_ct4, l_fn;
  std::string const check_fn =
      report("ctgrad vs FANN (sigmoid, MSE)", compare(*ct_sig, *fn, init, l_ct4, l_fn), l_ct4, l_fn,
             "ctgrad", "FANN");
  fn->keep_gradients(false);
  benchmark::AddCustomContext("train_check_fann", check_fn);
  benchmark::AddCustomContext(
      "fann_net",
      "FANN 2.2 has no ReLU and no softmax or cross-entropy: case 784_128_10_sigmoid_mse_b32, "
      "sigmoid hidden and output layers, mean squared error, FANN_TRAIN_BATCH at lr " +
          std::to_string(bt::fann_lr) + ", ctgrad at lr " + std::to_string(bt::sigmoid_mse_lr) +
          " (the same update: FANN's error is half the sum of squares over the outputs)");
#else
  benchmark::AddCustomContext("fann_missing", "not built: FANN not found (libfann-dev)");
#endif
  benchmark::AddCustomContext("train_data", data.source);
  benchmark::AddCustomContext("train_steps_per_run", std::to_string(steps));
  benchmark::AddCustomContext("train_check_handwritten", check_hw);
  benchmark::AddCustomContext("train_check_threads", check_par);

#if CTGRAD_BENCH_TORCH
  std::unique_ptr<bt::torch_trainer> th;
  try {
    th = std::make_unique<bt::torch_trainer>(data);
    std::vector<float> l_ct2, l_th;
    std::string const check_th = report("ctgrad vs libtorch", compare(*ct, *th, init, l_ct2, l_th),
                                        l_ct2, l_th, "ctgrad", "libtorch");
    benchmark::AddCustomContext("train_check_libtorch", check_th);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "ctgrad_bench_train: libtorch failed: %s\n", e.what());
    return 1;
  }
  benchmark::AddCustomContext("libtorch", bt::torch_trainer::version());
  benchmark::AddCustomContext("libtorch_threads", bt::torch_trainer::threading());
  benchmark::AddCustomContext("libtorch_blas", bt::torch_trainer::blas());
  std::printf("libtorch %s; %s; BLAS: %s\n", bt::torch_trainer::version().c_str(),
              bt::torch_trainer::threading().c_str(), bt::torch_trainer::blas().c_str());
#else
  benchmark::AddCustomContext("libtorch", "not built: " CTGRAD_BENCH_TORCH_MISSING);
  std::printf("libtorch: not built: %s\n", CTGRAD_BENCH_TORCH_MISSING);
#endif
  // Two threads need two idle cores: the load when the timing starts goes into the report.
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    char load[64] = {};
    if (std::fscanf(f, "%63[0-9. ]", load) == 1) {
      std::string l = load;
      while (!l.empty() && l.back() == ' ') l.pop_back();
      l = l.substr(0, l.rfind(' ') == std::string::npos ? l.size() : l.rfind(' '));
      benchmark::AddCustomContext("load_avg", l);
      std::printf("load average (1, 5, 15 min): %s\n", l.c_str());
    }
    std::fclose(f);
  }
  std::fflush(stdout);
  if (!ok) {
    std::fprintf(stderr,
                 "ctgrad_bench_train: the implementations do not train alike (tolerance %g); "
                 "not timing\n",
                 tolerance);
    return 1;
  }

  register_training("ctgrad", *ct, init, data.batches(), steps);
  // The data-parallel step (train/parallel.hpp): the batch in train::default_shards(32) = 2
  // shards, on 1 thread (the cost of sharding) and on 2.
  register_training("ctgrad/threads:1/shards:2", *par1, init, data.batches(), steps);
  register_training("ctgrad/threads:2/shards:2", *par2, init, data.batches(), steps);
  register_training("handwritten", *hw, init, data.batches(), steps);
#if CTGRAD_BENCH_DLIB
  register_training("dlib", *dl, init, data.batches(), steps);
#endif
#if CTGRAD_BENCH_FANN
  register_training("ctgrad", *ct_sig, init, data.batches(), steps, batch,
                    "784_128_10_sigmoid_mse");
  register_training("fann", *fn, init, data.batches(), steps, batch, "784_128_10_sigmoid_mse");
#endif
  // Batch 512: as many samples per run as the batch-32 runs (one epoch by default).
  std::size_t const big_batches = data.size() / big;
  std::size_t const big_steps = steps == 0 ? 0 : std::max<std::size_t>(1, steps * batch / big);
  register_training("ctgrad", *ct_big, init, big_batches, big_steps, big);
  register_training("ctgrad/threads:1/shards:2", *par1_big, init, big_batches, big_steps, big);
  register_training("ctgrad/threads:2/shards:2", *par2_big, init, big_batches, big_steps, big);
#if CTGRAD_BENCH_TORCH
  register_training("libtorch", *th, init, data.batches(), steps);
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
