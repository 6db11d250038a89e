// SPDX-License-Identifier: BSL-1.0
// The lesson's chain-rule example (examples/chain_rule.cpp): z = x^2, y = sin z, L = y^2 at
// x = 1.3, where dL/dx = 2y cos z 2x. One "gradient" is L and dL/dx (x is the only variable;
// z and y are intermediates). Here the whole computation is a few floating-point operations
// and two calls of sin/cos, so what each implementation adds to them is its overhead per
// gradient: none for the derived code, a graph for the tapes, a dispatcher and a tensor
// object per operation for libtorch.
//   ctgrad        grad_into(L, g, x = at): the derived forward and reverse sweep
//   handwritten   z = x*x, y = sin z, L = y*y, dL/dx = 2y cos z 2x written out
//   forward_only  L alone
//   tape          ctgrad's runtime tape, cleared, recorded, run backwards
//   libtorch      a 0-d tensor with requires_grad, pow/sin/pow, backward() (impl_torch.cpp)
//   adolc_retape, adolc_reuse   the same on adouble (impl_adolc.cpp)
//   numerical     (L(x + h) - L(x - h)) / 2h, h = 1e-5, ctgrad's eval in double
#include "mlp_case.hpp"

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tape.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace bench {
namespace {

constexpr auto x = ctgrad::var<"x">;
constexpr auto L = ctgrad::pow<2>(ctgrad::sin(ctgrad::pow<2>(x)));

template <class T> class chain_rule_case {
 public:
  static constexpr double tolerance = check_tolerance<T>;

  chain_rule_case() {
#ifdef CTGRAD_BENCH_TORCH
    externals_.emplace_back("libtorch", make_libtorch_chain_rule(at_, std::is_same_v<T, double>));
#endif
#ifdef CTGRAD_BENCH_ADOLC
    externals_.emplace_back("adolc_retape", make_adolc_chain_rule(at_, false));
    externals_.emplace_back("adolc_reuse", make_adolc_chain_rule(at_, true));
#endif
  }

  CTGRAD_BENCH_TIMED T run_ctgrad() { return ctgrad::grad_into(L, grads_, x = at_); }
  CTGRAD_BENCH_TIMED T run_handwritten() {
    T const z = at_ * at_;
    T const y = std::sin(z);
    hw_grad_ = 2 * y * std::cos(z) * 2 * at_;
    return y * y;
  }
  CTGRAD_BENCH_TIMED T run_forward_only() {
    T const y = std::sin(at_ * at_);
    return y * y;
  }
  CTGRAD_BENCH_TIMED T run_tape() {
    tape_.clear();
    auto const tx = tape_.variable(at_);
    namespace tp = ctgrad::tape;
    T const l = tape_.backward(tp::pow<2>(tp::sin(tp::pow<2>(tx))));
    tape_grad_ = tape_.grad(tx)[0];
    return l;
  }
  CTGRAD_BENCH_TIMED double run_numerical() {
    double const h = 1e-5, a = at_;
    double const up = ctgrad::eval(L, x = a + h);
    numerical_grad_ = (up - ctgrad::eval(L, x = a - h)) / (2 * h);
    return up;
  }
  T run_external(std::size_t k) { return static_cast<T>(externals_[k].second->gradient()); }
  void prepare_external(std::size_t k) { externals_[k].second->prepare(); }
  std::size_t external_count() const { return externals_.size(); }
  std::string const& external_name(std::size_t k) const { return externals_[k].first; }

  std::vector<check_result> check() {
    auto relative = [](double a, double b) {
      double const den = std::abs(a) + std::abs(b);
      return den == 0 ? 0 : std::abs(a - b) / den;
    };
    auto allocations = [](auto&& f) {
      f();
      std::size_t const before = allocation_count();
      f();
      return allocation_count() - before;
    };
    std::vector<check_result> out;
    T const la = run_ctgrad();
    double const g = grads_[x].data[0];
    // ctgrad's sweep against its symbolic derivative d(L, x) and the lesson's formula
    // (examples/chain_rule.cpp checks the same in double).
    out.push_back({"ctgrad", relative(g, ctgrad::eval(ctgrad::d(L, x), x = at_)), 0, tolerance,
                   allocations([&] { run_ctgrad(); })});
    T const lh = run_handwritten();
    out.push_back({"handwritten", relative(g, hw_grad_), relative(la, lh), tolerance,
                   allocations([&] { run_handwritten(); })});
    out.push_back({"forward_only", 0, relative(la, run_forward_only()), tolerance,
                   allocations([&] { run_forward_only(); })});
    T const lt = run_tape();
    out.push_back({"tape", relative(g, tape_grad_), relative(la, lt), tolerance,
                   allocations([&] { run_tape(); })});
    for (std::size_t k = 0; k < externals_.size(); ++k) {
      prepare_external(k);
      double const le = externals_[k].second->gradient();
      out.push_back({externals_[k].first, relative(g, externals_[k].second->derivative()),
                     relative(la, le), tolerance, allocations([&] { run_external(k); })});
    }
    run_numerical();
    out.push_back({"numerical", relative(g, numerical_grad_), 0, 1e-3,
                   allocations([&] { run_numerical(); })});
    return out;
  }

 private:
  T at_ = T(1.3);  // the lesson's point
  ctgrad::var_set<T, std::remove_cv_t<decltype(x)>> grads_{};
  T hw_grad_ = 0, tape_grad_ = 0;
  double numerical_grad_ = 0;
  ctgrad::tape::recorder<T> tape_;
  std::vector<std::pair<std::string, std::unique_ptr<chain_rule_impl>>> externals_;
};

template <class T> void add(std::vector<case_entry>& cases, std::string const& name) {
  using case_t = chain_rule_case<T>;
  auto c = std::make_shared<case_t>();
  auto register_benchmarks = [c, name](std::vector<check_result> const& checks) {
    for (auto const& r : checks) {
      if (r.impl == "ctgrad") register_one(name, r, 1, [c] { return c->run_ctgrad(); });
      if (r.impl == "handwritten") register_one(name, r, 1, [c] { return c->run_handwritten(); });
      if (r.impl == "forward_only") register_one(name, r, 1, [c] { return c->run_forward_only(); });
      if (r.impl == "tape") register_one(name, r, 1, [c] { return c->run_tape(); });
      if (r.impl == "numerical") register_one(name, r, 1, [c] { return c->run_numerical(); });
      for (std::size_t k = 0; k < c->external_count(); ++k)
        if (r.impl == c->external_name(k))
          register_one(
              name, r, 1, [c, k] { return c->run_external(k); },
              [c, k] { c->prepare_external(k); });
    }
  };
  auto symbols = [] {
    return case_symbols(demangled(typeid(case_t).name()), "torch_chain_rule", "adolc_chain_rule");
  };
  cases.push_back({name, [c] { return c->check(); }, register_benchmarks, symbols});
}
}  // namespace

void add_scalar_cases(std::vector<case_entry>& cases) {
  add<float>(cases, "chain_rule");
  add<double>(cases, "chain_rule_f64");
}

}  // namespace bench
