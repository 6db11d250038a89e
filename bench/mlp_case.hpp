// SPDX-License-Identifier: BSL-1.0
// One benchmark case: a network written with ctgrad and the same network for every other
// implementation, all holding identical parameter values and inputs, so that the gradients
// can be compared before anything is timed and the timings are comparable:
//   ctgrad, handwritten, forward_only (bench/handwritten.hpp), tape (ctgrad's runtime tape,
//   include/ctgrad/tape.hpp), libtorch, adolc_retape, adolc_reuse, dlib, fann
//   (bench/impl_*.cpp, when CMake found them and the library can express the network), numerical
//   (central differences, 2P forward passes with ctgrad's eval, for the cases with at most
//   numerical_max_params parameters).
//
// A network description Net provides:
//   static constexpr X, Y        the input and target variables (batch-first)
//   static constexpr loss        the ctgrad loss expression
//   static constexpr Ws, bs      std::tuples of the weight and bias variables, layer order
//   using reference = handwritten::mlp<T, B, act, loss, Sizes...>;  (or residual_mlp)
// T, float or double, is the reference's value type. libtorch and ADOL-C take part in the
// float cases (ADOL-C computes in double anyway); a double case compares ctgrad, the
// hand-written code, the tape and central differences.
#pragma once

#include "handwritten.hpp"
#include "impl.hpp"

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

// A timed function that stays one symbol of its own: not inlined into the benchmark loop, and
// (g++) not specialised for its caller, which g++'s IPA-SRA would otherwise do to the smallest
// ones (passing a member's value instead of `this`). bench/code_size.py counts from it.
#if defined(__GNUC__) && !defined(__clang__)
#define CTGRAD_BENCH_TIMED __attribute__((noipa))
#else
#define CTGRAD_BENCH_TIMED __attribute__((noinline))
#endif

namespace bench {

// One implementation against ctgrad.
struct check_result {
  std::string impl;
  double grad_rel;  // max over tensors of ||a - h|| / (||a|| + ||h||)
  double loss_rel;  // |La - Lh| / (|La| + |Lh|)
  double tolerance;
  std::size_t allocations;  // operator new calls in one gradient, after a first one
};

// Demangled names of the functions that compute one gradient per implementation (the roots
// of bench/code_size.py's count), written by mlp.cpp for --symbols_out.
struct root_symbol {
  std::string impl, symbol;
};

// The roots of one case: its class's run_<impl>() members, and the virtual gradient() of
// the libtorch and ADOL-C classes (impl_torch.cpp, impl_adolc.cpp) it reaches them through.
inline std::vector<root_symbol> case_symbols(std::string const& case_class,
                                             std::string const& torch_class,
                                             std::string const& adolc_class) {
  std::vector<root_symbol> out;
  for (char const* impl : {"ctgrad", "handwritten", "forward_only", "tape", "numerical"})
    out.push_back({impl, case_class + "::run_" + impl + "()"});
  std::string const ns = "bench::(anonymous namespace)::";
  out.push_back({"libtorch", ns + torch_class + "::gradient()"});
  out.push_back({"adolc_retape", ns + adolc_class + "::gradient()"});
  out.push_back({"adolc_reuse", ns + adolc_class + "::gradient()"});
  return out;
}

struct case_entry {
  std::string name;
  std::function<std::vector<check_result>()> check;
  // Registers every implementation; results are the check's (allocations go to a counter).
  std::function<void(std::vector<check_result> const&)> register_benchmarks;
  std::function<std::vector<root_symbol>()> symbols;
};

// Counted by bench/mlp.cpp's operator new.
std::size_t allocation_count();

// Numerical gradients cost 2P forward passes: only for the small cases.
inline constexpr std::size_t numerical_max_params = 10000;

// One per translation unit, so that the heavy instantiations are spread over several files.
void add_small_cases(std::vector<case_entry>& cases);
void add_64_cases(std::vector<case_entry>& cases);
void add_784_cases(std::vector<case_entry>& cases);
void add_deep_cases(std::vector<case_entry>& cases);
void add_residual_cases(std::vector<case_entry>& cases);
void add_scalar_cases(std::vector<case_entry>& cases);

// The demangled name of T (typeid), as nm -C and objdump -C print it.
std::string demangled(char const* mangled);

template <class TA, class TB> double relative_difference(TA const* a, TB const* b, std::size_t n) {
  double diff = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double const x = a[i], y = b[i];
    diff += (x - y) * (x - y);
    na += x * x;
    nb += y * y;
  }
  double const den = std::sqrt(na) + std::sqrt(nb);
  return den == 0 ? 0 : std::sqrt(diff) / den;
}

template <class A, class B> double relative_difference(A const& a, B const& b) {
  static_assert(std::tuple_size_v<A> == std::tuple_size_v<B>, "tensors of different sizes");
  return relative_difference(a.data(), b.data(), a.size());
}

template <handwritten::act A> constexpr activation activation_of() {
  if constexpr (A == handwritten::act::relu)
    return activation::relu;
  else if constexpr (A == handwritten::act::sigmoid)
    return activation::sigmoid;
  else
    return activation::tanh;
}
template <class R> struct reference_traits;
template <bool R, class T, std::size_t B, handwritten::act A, handwritten::loss L, std::size_t... S>
struct reference_traits<handwritten::basic_mlp<R, T, B, A, L, S...>> {
  static constexpr handwritten::act act = A;
  static constexpr handwritten::loss loss = L;
};

template <class T> constexpr double check_tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-10;

// The loop every implementation is timed with: the loss escapes, and the memory clobber
// makes the gradients written in this iteration observable, so neither is optimised away.
template <class F> void time_loop(benchmark::State& state, F&& f) {
  for (auto _ : state) {
    auto loss = f();
    benchmark::DoNotOptimize(loss);
    benchmark::ClobberMemory();
  }
}

// Registers name/impl: prepare() (not timed), then f timed, with counters for
// bench/report.py: parameters, allocations per gradient and the difference the check found.
// With flops > 0, also the case's FLOP count per gradient (report.py's fraction of peak).
template <class F, class P>
void register_one(std::string const& name, check_result const& r, std::size_t params, F f,
                  P prepare, double flops = 0) {
  benchmark::RegisterBenchmark((name + "/" + r.impl).c_str(),
                               [f, prepare, r, params, flops](benchmark::State& s) {
                                 prepare();
                                 time_loop(s, f);
                                 s.counters["params"] = static_cast<double>(params);
                                 s.counters["allocations"] = static_cast<double>(r.allocations);
                                 s.counters["check_rel_diff"] = r.grad_rel;
                                 if (flops > 0) s.counters["flops"] = flops;
                               });
}
template <class F>
void register_one(std::string const& name, check_result const& r, std::size_t params, F f,
                  double flops = 0) {
  register_one(
      name, r, params, f, [] {}, flops);
}

template <class Net> class mlp_case {
 public:
  using reference_t = typename Net::reference;
  using T = typename reference_t::value_type;
  using net_t = std::remove_cv_t<decltype(Net::loss)>;
  using set_t = ctgrad::param_set<T, net_t>;
  using dset_t = ctgrad::param_set<double, net_t>;
  using x_t = ctgrad::tensor<T, ctgrad::shape_of_t<std::remove_cv_t<decltype(Net::X)>>>;
  using y_t = ctgrad::tensor<T, ctgrad::shape_of_t<std::remove_cv_t<decltype(Net::Y)>>>;
  static constexpr std::size_t layers = reference_t::layers;
  static constexpr std::size_t batch = x_t::shape_type::dims[0];
  static constexpr std::size_t outputs = y_t::shape_type::dims[1];
  static constexpr handwritten::act act = reference_traits<reference_t>::act;
  static constexpr handwritten::loss loss_kind = reference_traits<reference_t>::loss;
  static constexpr bool residual = reference_t::residual;
  static constexpr double tolerance = check_tolerance<T>;
  static constexpr bool numerical = set_t::scalar_count <= numerical_max_params;
  // FLOPs of one gradient, from the shapes: its matrix products, 2 flops per multiply-add.
  // Layer l (in_l -> out_l, batch B) has the forward product x @ W (B in_l out_l multiply-adds),
  // dW = x^T @ dz (the same count) and, except in the first layer, whose input is data,
  // dx = dz @ W^T (the same again):  flops = sum_l 2 B in_l out_l (2 + [l > 0]).
  // Bias, activations, softmax and loss are O(B out_l) and left out (0.3% at 784-128-10 b32).
  static constexpr double gradient_flops = [] {
    double f = 0;
    for (std::size_t l = 0; l < layers; ++l)
      f += 2.0 * static_cast<double>(batch * reference_t::sizes[l] * reference_t::sizes[l + 1]) *
           (l == 0 ? 2 : 3);
    return f;
  }();

  // Both descriptions must hold the same number of scalars, or the copy below misses some.
  static_assert(std::tuple_size_v<decltype(Net::Ws)> == layers &&
                std::tuple_size_v<decltype(Net::bs)> == layers);
  static_assert(set_t::scalar_count == sizeof(typename reference_t::params) / sizeof(T));

  explicit mlp_case(bool one_hot_targets, unsigned seed = 42) {
    std::mt19937 rng(seed);
    std::normal_distribution<T> normal(0, 1);
    // Scaled by 1/sqrt(fan_in) so activations stay O(1) and ReLUs are neither all on nor off.
    params_.for_each([&](auto var, auto& t) {
      using shape = ctgrad::shape_of_t<decltype(var)>;
      T const scale = shape::rank == 2 ? T(1) / std::sqrt(T(shape::dims[0])) : T(0.1);
      for (auto& v : t) v = scale * normal(rng);
    });
    for (auto& v : x_) v = normal(rng);
    if (one_hot_targets) {
      std::uniform_int_distribution<std::size_t> cls(0, outputs - 1);
      for (std::size_t r = 0; r < batch; ++r) y_(r, cls(rng)) = 1;
    } else {
      for (auto& v : y_) v = normal(rng);
    }
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((ref_params_.template W<L>() = params_[std::get<L>(Net::Ws)].data,
        ref_params_.template b<L>() = params_[std::get<L>(Net::bs)].data),
       ...);
    }
    (std::make_index_sequence<layers>{});
    // The numerical gradient runs in double, where central differences are accurate.
    train_copy(dparams_, params_);
    for (std::size_t i = 0; i < x_.size; ++i) dx_.data[i] = x_.data[i];
    for (std::size_t i = 0; i < y_.size; ++i) dy_.data[i] = y_.data[i];
    if constexpr (std::is_same_v<T, float>) {
      mlp_spec const sp = spec();
#ifdef CTGRAD_BENCH_TORCH
      externals_.emplace_back("libtorch", make_libtorch(sp));
#endif
#ifdef CTGRAD_BENCH_ADOLC
      externals_.emplace_back("adolc_retape", make_adolc(sp, false));
      externals_.emplace_back("adolc_reuse", make_adolc(sp, true));
#endif
#ifdef CTGRAD_BENCH_DLIB
      if (auto d = make_dlib(sp)) externals_.emplace_back("dlib", std::move(d));
#endif
#ifdef CTGRAD_BENCH_FANN
      if (auto f = make_fann(sp)) externals_.emplace_back("fann", std::move(f));
#endif
      (void)sp;
    }
  }

  // Each is one symbol (CTGRAD_BENCH_TIMED), whose code and what it calls bench/code_size.py
  // counts. The call costs every implementation the same.
  CTGRAD_BENCH_TIMED T run_ctgrad() {
    return ctgrad::grad_into(Net::loss, grads_, params_, Net::X = x_, Net::Y = y_);
  }
  CTGRAD_BENCH_TIMED T run_handwritten() {
    return ref_.grad(ref_params_, x_.data, y_.data, ref_grads_);
  }
  CTGRAD_BENCH_TIMED T run_forward_only() { return ref_.forward(ref_params_, x_.data, y_.data); }

  // The network recorded on the tape and run backwards, as a dynamic-graph user would:
  // a cleared tape (buffers kept), every operation recorded while it runs.
  CTGRAD_BENCH_TIMED T run_tape() { return tape_pass<false>(); }

  // Central differences over every parameter: 2P forward passes (ctgrad's eval, double).
  CTGRAD_BENCH_TIMED double run_numerical() {
    double const h = 1e-4;
    double last = 0;
    std::size_t i = 0;
    dparams_.for_each([&](auto, auto& t) {
      for (auto& v : t) {
        double const v0 = v;
        v = v0 + h;
        double const up = ctgrad::eval(Net::loss, dparams_, Net::X = dx_, Net::Y = dy_);
        v = v0 - h;
        double const down = ctgrad::eval(Net::loss, dparams_, Net::X = dx_, Net::Y = dy_);
        v = v0;
        numerical_grads_[i++] = (up - down) / (2 * h);
        last = up;
      }
    });
    return last;
  }

  T run_external(std::size_t k) { return static_cast<T>(externals_[k].second->gradient()); }
  void prepare_external(std::size_t k) { externals_[k].second->prepare(); }
  std::size_t external_count() const { return externals_.size(); }
  std::string const& external_name(std::size_t k) const { return externals_[k].first; }

  std::vector<check_result> check() {
    std::vector<check_result> out;
    T const la = run_ctgrad();
    auto relative = [](double x, double y) {
      double const den = std::abs(x) + std::abs(y);
      return den == 0 ? 0 : std::abs(x - y) / den;
    };
    // allocations in the second of two calls (buffers that are kept are not counted again)
    auto allocations = [](auto&& f) {
      f();
      std::size_t const before = allocation_count();
      f();
      return allocation_count() - before;
    };
    // Per tensor, against ctgrad's gradient: get(l, is_weight) gives the other's data.
    auto compare = [&](auto&& get) {
      double worst = 0;
      [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((worst =
              std::max({worst,
                        relative_difference(grads_[std::get<L>(Net::Ws)].data.data(), get(L, true),
                                            grads_[std::get<L>(Net::Ws)].size),
                        relative_difference(grads_[std::get<L>(Net::bs)].data.data(), get(L, false),
                                            grads_[std::get<L>(Net::bs)].size)})),
         ...);
      }
      (std::make_index_sequence<layers>{});
      return worst;
    };
    out.push_back({"ctgrad", 0, 0, 0, allocations([&] { run_ctgrad(); })});
    {
      T const lh = run_handwritten();
      double const g = compare([&](std::size_t l, bool w) { return hw_grad(l, w); });
      out.push_back(
          {"handwritten", g, relative(la, lh), tolerance, allocations([&] { run_handwritten(); })});
    }
    out.push_back({"forward_only", 0, relative(la, run_forward_only()), tolerance,
                   allocations([&] { run_forward_only(); })});
    {
      T const lt = tape_pass<true>();
      double const g = compare([&](std::size_t l, bool w) { return tape_grads_[2 * l + !w](); });
      out.push_back({"tape", g, relative(la, lt), tolerance, allocations([&] { run_tape(); })});
    }
    for (std::size_t k = 0; k < externals_.size(); ++k) {
      prepare_external(k);
      T const le = run_external(k);
      std::vector<std::vector<float>> dW, db;
      externals_[k].second->read(dW, db);
      double const g = compare([&](std::size_t l, bool w) { return (w ? dW[l] : db[l]).data(); });
      out.push_back(
          {externals_[k].first, g, relative(la, le), 1e-4, allocations([&] { run_external(k); })});
    }
    if constexpr (numerical) {
      double const ln = run_numerical();
      (void)ln;
      std::size_t off = 0;
      std::array<std::size_t, 2 * layers> offsets{};
      // offsets of each tensor in the flat numerical gradient (the set's order)
      std::size_t idx = 0;
      dparams_.for_each([&](auto var, auto const& t) {
        (void)var;
        offsets[idx++] = off;
        off += t.size;
      });
      double const g = compare([&](std::size_t l, bool w) {
        return numerical_grads_.data() + offsets[set_position(l, w)];
      });
      // the loss is not compared: the last forward pass ran at a perturbed point
      out.push_back({"numerical", g, 0, 1e-3, allocations([&] { run_numerical(); })});
    }
    return out;
  }

  mlp_spec spec() const {
    mlp_spec s;
    s.sizes.assign(reference_t::sizes.begin(), reference_t::sizes.end());
    s.batch = batch;
    s.residual = residual;
    s.act = activation_of<act>();
    s.loss =
        loss_kind == handwritten::loss::mse ? loss_kind::mse : loss_kind::softmax_cross_entropy;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((s.W.emplace_back(params_[std::get<L>(Net::Ws)].data.begin(),
                         params_[std::get<L>(Net::Ws)].data.end()),
        s.b.emplace_back(params_[std::get<L>(Net::bs)].data.begin(),
                         params_[std::get<L>(Net::bs)].data.end())),
       ...);
    }
    (std::make_index_sequence<layers>{});
    s.x.assign(x_.data.begin(), x_.data.end());
    s.y.assign(y_.data.begin(), y_.data.end());
    return s;
  }

 private:
  template <class D, class S> static void train_copy(D& d, S const& s) {
    ctgrad::train::each([](auto& a, auto const& b) { a = static_cast<double>(b); }, d, s);
  }

  // With Keep, remembers how to read each parameter's gradient (W1, b1, W2, ...).
  template <bool Keep> T tape_pass() {
    tape_.clear();
    if constexpr (Keep) tape_grads_.clear();
    auto const z = tape_layer<0, Keep>(tape_.input(x_));
    if constexpr (loss_kind == handwritten::loss::mse)
      return tape_.backward(mse(z, tape_.input(y_)));
    else
      return tape_.backward(cross_entropy(softmax(z), tape_.input(y_)));
  }
  template <std::size_t L, bool Keep, class H> auto tape_layer(H const& h) {
    auto const w = tape_.param(params_[std::get<L>(Net::Ws)]);
    auto const b = tape_.param(params_[std::get<L>(Net::bs)]);
    if constexpr (Keep) {
      tape_grads_.push_back([this, w] { return static_cast<T const*>(tape_.grad(w).data()); });
      tape_grads_.push_back([this, b] { return static_cast<T const*>(tape_.grad(b).data()); });
    }
    auto const z = dense(h, w, b);
    if constexpr (L + 1 == layers) {
      return z;
    } else if constexpr (reference_t::template is_block<L>) {
      static_assert(act == handwritten::act::relu, "residual cases are ReLU");
      return tape_layer<L + 1, Keep>(h + relu(z));
    } else if constexpr (act == handwritten::act::relu) {
      return tape_layer<L + 1, Keep>(relu(z));
    } else if constexpr (act == handwritten::act::sigmoid) {
      return tape_layer<L + 1, Keep>(sigmoid(z));
    } else {
      return tape_layer<L + 1, Keep>(tanh(z));
    }
  }
  T const* hw_grad(std::size_t l, bool w) {
    T const* found = nullptr;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((L == l ? (found = w ? ref_grads_.template W<L>().data() : ref_grads_.template b<L>().data())
               : nullptr),
       ...);
    }
    (std::make_index_sequence<layers>{});
    return found;
  }
  // Position of layer l's W or b in the parameter set's order.
  static std::size_t set_position(std::size_t l, bool w) {
    std::size_t pos = 0;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((L == l
            ? (pos = w ? ctgrad::detail::index_of_v<typename set_t::variables,
                                                    std::remove_cv_t<std::tuple_element_t<
                                                        L, std::remove_cv_t<decltype(Net::Ws)>>>>
                       : ctgrad::detail::index_of_v<typename set_t::variables,
                                                    std::remove_cv_t<std::tuple_element_t<
                                                        L, std::remove_cv_t<decltype(Net::bs)>>>>)
            : 0),
       ...);
    }
    (std::make_index_sequence<layers>{});
    return pos;
  }

  set_t params_{};
  set_t grads_{};
  x_t x_{};
  y_t y_{};
  reference_t ref_{};
  typename reference_t::params ref_params_{};
  typename reference_t::grads ref_grads_{};
  ctgrad::tape::recorder<T> tape_;
  std::vector<std::function<T const*()>> tape_grads_;
  dset_t dparams_{};
  ctgrad::tensor<double, typename x_t::shape_type> dx_{};
  ctgrad::tensor<double, typename y_t::shape_type> dy_{};
  std::array<double, numerical ? set_t::scalar_count : 1> numerical_grads_{};
  std::vector<std::pair<std::string, std::unique_ptr<gradient_impl>>> externals_;
};

// Adds the case `name`; its implementations are registered next to each other.
template <class Net>
void add_case(std::vector<case_entry>& cases, std::string const& name, bool one_hot_targets) {
  using case_t = mlp_case<Net>;
  // Shared with the benchmark closures; on the heap because the largest sets are ~400 KB.
  auto c = std::make_shared<case_t>(one_hot_targets);
  // In the order of the check: ctgrad, handwritten, forward_only, tape, externals, numerical.
  auto register_benchmarks = [c, name](std::vector<check_result> const& checks) {
    std::size_t const P = case_t::set_t::scalar_count;
    double const F = case_t::gradient_flops;
    for (auto const& r : checks) {
      if (r.impl == "ctgrad")
        register_one(
            name, r, P, [c] { return c->run_ctgrad(); }, F);
      if (r.impl == "handwritten")
        register_one(
            name, r, P, [c] { return c->run_handwritten(); }, F);
      if (r.impl == "forward_only") register_one(name, r, P, [c] { return c->run_forward_only(); });
      if (r.impl == "tape")
        register_one(
            name, r, P, [c] { return c->run_tape(); }, F);
      if (r.impl == "numerical") register_one(name, r, P, [c] { return c->run_numerical(); });
      for (std::size_t k = 0; k < c->external_count(); ++k)
        if (r.impl == c->external_name(k))
          register_one(
              name, r, P, [c, k] { return c->run_external(k); }, [c, k] { c->prepare_external(k); },
              F);
    }
  };
  auto symbols = [] {
    return case_symbols(demangled(typeid(case_t).name()), "torch_mlp", "adolc_mlp");
  };
  cases.push_back({name, [c] { return c->check(); }, register_benchmarks, symbols});
}

}  // namespace bench
