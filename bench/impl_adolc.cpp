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
#include "impl.hpp"

#include <adolc/adolc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

namespace bench {
namespace {

adouble activate(activation act, adouble const& z) {
  switch (act) {
    case activation::relu: return fmax(z, 0.0);
    case activation::sigmoid: return 1.0 / (1.0 + exp(-z));
    case activation::tanh: return tanh(z);
  }
  return z;
}

class adolc_mlp final : public gradient_impl {
 public:
  adolc_mlp(mlp_spec const& spec, bool reuse, short tag)
      : spec_(spec), reuse_(reuse), tag_(tag) {
    for (std::size_t l = 0; l + 1 < spec_.sizes.size(); ++l) {
      for (float w : spec_.W[l]) params_.push_back(w);
      for (float v : spec_.b[l]) params_.push_back(v);
    }
    grad_.resize(params_.size());
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
      for (std::size_t k = 0; k < spec_.W[l].size(); ++k) dW[l].push_back(static_cast<float>(grad_[i++]));
      for (std::size_t k = 0; k < spec_.b[l].size(); ++k) db[l].push_back(static_cast<float>(grad_[i++]));
    }
  }

 private:
  // The forward pass on adoubles, recorded on tape tag_.
  void record() {
    std::size_t const layers = spec_.sizes.size() - 1, B = spec_.batch;
    trace_on(tag_);
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
};


short next_tag = 1;  // one tape per object

}  // namespace

std::unique_ptr<gradient_impl> make_adolc(mlp_spec const& spec, bool reuse_tape) {
  return std::make_unique<adolc_mlp>(spec, reuse_tape, next_tag++);
}

}  // namespace bench
