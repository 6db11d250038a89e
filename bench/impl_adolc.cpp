// SPDX-License-Identifier: BSL-1.0
// ADOL-C (Debian's libadolc-dev, 2.7): operator overloading on adouble, which records every
// scalar operation on a tape; gradient() then runs the tape forward (zero order) and in
// reverse (first order). ADOL-C computes in double.
//   adolc_retape: records a new tape for every gradient, as a program whose control flow
//                 may change from call to call must;
//   adolc_reuse:  records once and replays the tape for each gradient, valid while the
//                 branches taken (here: which ReLUs are on) stay those of the recording,
//                 true in the benchmark since the values do not change.
// The inputs and targets are passive (constants on the tape); the parameters are the
// independent variables, in the spec's order: W1, b1, W2, b2, ...
//
// Two things would make ADOL-C slower here than in a program that differentiates one network,
// and both are avoided (bench/README.md, "ADOL-C"):
//  - ADOL-C has one store of live adouble locations per process, which grows and never
//    shrinks, and a tape records the size of that store at the time it was recorded
//    (stats[NUM_MAX_LIVES]). zos_forward and fos_reverse allocate and clear arrays of that
//    size on every gradient(). After the 784-128-10 case was recorded (a store of 131072
//    locations), re-taping 4-8-2 (128) cost 250 us a gradient instead of 9 us. prepare()
//    therefore starts each timing run with a fresh store (setStoreManagerType to singletons and
//    back replaces it when no adouble is alive) and, when reusing, re-records the tape in it.
//  - A tape larger than ADOL-C's default buffers (524288 operations, locations, values,
//    taylors; usrparms.h) is written to ADOLC-*.tap files in the working directory and read
//    back by every gradient(): from 64-64-64-10 batch 32 on here. The first recording, in the
//    constructor, measures the tape (tapestats); adolc_reuse records its tape again with
//    buffers that hold all of it (trace_on's buffer sizes, what .adolcrc sets), so its replays
//    read memory. adolc_retape keeps the defaults: with whole-tape buffers every trace_on
//    allocates them afresh (about 100 MB for 784-128-10 batch 32), and the page faults made
//    it slower here (190 ms against 280-430 ms a gradient, loaded machine) than writing
//    files that stay in the page cache.
#include "impl.hpp"

#include <adolc/adolc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

namespace bench {
namespace {

adouble activate(activation act, adouble const& z) {
  switch (act) {
    case activation::relu:
      return fmax(z, 0.0);
    case activation::sigmoid:
      return 1.0 / (1.0 + exp(-z));
    case activation::tanh:
      return tanh(z);
  }
  return z;
}

class adolc_mlp final : public gradient_impl {
 public:
  adolc_mlp(mlp_spec const& spec, bool reuse, short tag) : spec_(spec), reuse_(reuse), tag_(tag) {
    for (std::size_t l = 0; l + 1 < spec_.sizes.size(); ++l) {
      for (float w : spec_.W[l]) params_.push_back(w);
      for (float v : spec_.b[l]) params_.push_back(v);
    }
    grad_.resize(params_.size());
    // A first recording with the default buffers measures the tape (for adolc_reuse's
    // buffers).
    record();
    std::size_t stats[STAT_SIZE] = {};
    tapestats(tag_, stats);
    auto const fits = [](std::size_t n) {
      return static_cast<uint>(std::max<std::size_t>(n + 16, 1024));
    };
    buffers_ = {fits(stats[NUM_OPERATIONS]), fits(stats[NUM_LOCATIONS]), fits(stats[NUM_VALUES]),
                fits(stats[TAY_STACK_SIZE])};
  }

  void prepare() override {
    // A fresh location store (no adouble is alive between gradients); the reused tape is
    // recorded in it, so it does not carry the size of a larger case's store.
    setStoreManagerType(ADOLC_LOCATION_SINGLETONS);
    setStoreManagerType(ADOLC_LOCATION_BLOCKS);
    if (reuse_) record();
  }

  float gradient() override {
    if (!reuse_) record();
    ::gradient(tag_, static_cast<int>(params_.size()), params_.data(), grad_.data());
    return static_cast<float>(loss_);
  }

  void read(std::vector<std::vector<float>>& dW, std::vector<std::vector<float>>& db) override {
    std::size_t i = 0;
    dW.assign(spec_.W.size(), {});
    db.assign(spec_.b.size(), {});
    for (std::size_t l = 0; l + 1 < spec_.sizes.size(); ++l) {
      for (std::size_t k = 0; k < spec_.W[l].size(); ++k)
        dW[l].push_back(static_cast<float>(grad_[i++]));
      for (std::size_t k = 0; k < spec_.b[l].size(); ++k)
        db[l].push_back(static_cast<float>(grad_[i++]));
    }
  }

 private:
  // The forward pass on adoubles, recorded on tape tag_.
  void record() {
    std::size_t const layers = spec_.sizes.size() - 1, B = spec_.batch;
    if (!reuse_ || buffers_[0] == 0)
      trace_on(tag_);
    else
      trace_on(tag_, 0, buffers_[0], buffers_[1], buffers_[2], buffers_[3]);
    std::vector<adouble> p(params_.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] <<= params_[i];
    std::vector<adouble> a(spec_.x.begin(), spec_.x.end()), z;
    std::size_t offset = 0;
    for (std::size_t l = 0; l < layers; ++l) {
      std::size_t const in = spec_.sizes[l], out = spec_.sizes[l + 1];
      adouble const* W = p.data() + offset;
      adouble const* b = W + in * out;
      offset += in * out + out;
      z.assign(B * out, adouble());
      for (std::size_t r = 0; r < B; ++r)
        for (std::size_t j = 0; j < out; ++j) {
          adouble s = b[j];
          for (std::size_t k = 0; k < in; ++k) s += a[r * in + k] * W[k * out + j];
          z[r * out + j] = s;
        }
      if (l + 1 == layers) break;
      bool const skip = spec_.residual && l > 0;
      for (std::size_t i = 0; i < z.size(); ++i) {
        adouble h = activate(spec_.act, z[i]);
        z[i] = skip ? a[i] + h : h;
      }
      a.swap(z);
    }
    std::size_t const C = spec_.sizes.back();
    adouble L = 0.0;
    if (spec_.loss == loss_kind::mse) {
      for (std::size_t i = 0; i < z.size(); ++i) {
        adouble const e = z[i] - spec_.y[i];
        L += e * e;
      }
      L /= static_cast<double>(z.size());
    } else {
      for (std::size_t r = 0; r < B; ++r) {
        adouble m = z[r * C];
        for (std::size_t j = 1; j < C; ++j) m = fmax(m, z[r * C + j]);
        adouble s = 0.0;
        for (std::size_t j = 0; j < C; ++j) s += exp(z[r * C + j] - m);
        adouble const lse = m + log(s);
        for (std::size_t j = 0; j < C; ++j)
          if (spec_.y[r * C + j] != 0.0f) L += spec_.y[r * C + j] * (lse - z[r * C + j]);
      }
      L /= static_cast<double>(B);
    }
    L >>= loss_;
    trace_off();
  }

  mlp_spec spec_;
  bool reuse_;
  short tag_;
  std::vector<double> params_, grad_;
  double loss_ = 0;
  // operation, location, value and taylor buffer sizes for trace_on; 0: ADOL-C's defaults
  std::array<uint, 4> buffers_{};
};

// L = sin(x^2)^2 on adoubles: x independent, L dependent.
class adolc_chain_rule final : public chain_rule_impl {
 public:
  adolc_chain_rule(double x, bool reuse, short tag) : x_(x), reuse_(reuse), tag_(tag) { record(); }

  void prepare() override {
    setStoreManagerType(ADOLC_LOCATION_SINGLETONS);
    setStoreManagerType(ADOLC_LOCATION_BLOCKS);
    if (reuse_) record();
  }

  double gradient() override {
    if (!reuse_) record();
    ::gradient(tag_, 1, &x_, &dx_);
    return loss_;
  }
  double derivative() const override { return dx_; }

 private:
  void record() {
    trace_on(tag_);
    adouble x;
    x <<= x_;
    adouble const y = sin(x * x);
    adouble L = y * y;
    L >>= loss_;
    trace_off();
  }

  double x_;
  bool reuse_;
  short tag_;
  double loss_ = 0, dx_ = 0;
};

short next_tag = 1;  // one tape per object

}  // namespace

std::unique_ptr<gradient_impl> make_adolc(mlp_spec const& spec, bool reuse_tape) {
  return std::make_unique<adolc_mlp>(spec, reuse_tape, next_tag++);
}

std::unique_ptr<chain_rule_impl> make_adolc_chain_rule(double x, bool reuse_tape) {
  return std::make_unique<adolc_chain_rule>(x, reuse_tape, next_tag++);
}

}  // namespace bench
