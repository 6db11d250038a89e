// SPDX-License-Identifier: BSL-1.0
// FANN 2.2 (Debian's libfann-dev), the classic C library for small MLPs, in float. FANN 2.2
// has sigmoid and tanh but no ReLU, and only a squared-error loss (no softmax or
// cross-entropy): of the benchmark's cases it runs the sigmoid/MSE one, 2-16-16-1.
// One gradient is what FANN's batch training does per sample, without the weight update:
// fann_run, fann_compute_MSE, fann_backpropagate_MSE, fann_update_slopes_batch (exported,
// declared in fann_internal.h), after fann_clear_train_arrays zeroes the slopes.
// FANN's sigmoid is 1 / (1 + e^(-2 s z)) with steepness s: 0.5 gives σ(z); the output
// layer is linear with s = 1. Its slopes are sum (y - out) * input, i.e. -dL/dw / 2 for
// L = (out - y)^2; read() converts to dL/dw of ctgrad's mean squared error.
#include "impl.hpp"

#include <fann.h>
#include <fann_internal.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace bench {
namespace {

class fann_mlp final : public gradient_impl {
 public:
  explicit fann_mlp(mlp_spec const& spec) : spec_(spec) {
    std::vector<unsigned> layers(spec.sizes.begin(), spec.sizes.end());
    ann_ = fann_create_standard_array(static_cast<unsigned>(layers.size()), layers.data());
    fann_set_activation_function_hidden(ann_, FANN_SIGMOID);
    fann_set_activation_steepness_hidden(ann_, 0.5f);
    fann_set_activation_function_output(ann_, FANN_LINEAR);
    fann_set_activation_steepness_output(ann_, 1.0f);
    fann_set_train_error_function(ann_, FANN_ERRORFUNC_LINEAR);
    // FANN's weights: for each neuron of layer l + 1 (its bias neuron excluded), one weight
    // from each neuron of layer l, that layer's bias neuron last. ctgrad's W[l] is [in, out].
    std::vector<fann_type> w;
    for (std::size_t l = 0; l + 1 < spec.sizes.size(); ++l) {
      std::size_t const in = spec.sizes[l], out = spec.sizes[l + 1];
      for (std::size_t j = 0; j < out; ++j) {
        for (std::size_t k = 0; k < in; ++k) w.push_back(spec.W[l][k * out + j]);
        w.push_back(spec.b[l][j]);
      }
    }
    // ann_->weights holds them in exactly that order.
    std::copy(w.begin(), w.end(), ann_->weights);
  }
  ~fann_mlp() override { fann_destroy(ann_); }
  fann_mlp(fann_mlp const&) = delete;
  fann_mlp& operator=(fann_mlp const&) = delete;

  float gradient() override {
    fann_clear_train_arrays(ann_);  // slopes to zero (allocated by the first call)
    fann_reset_MSE(ann_);
    std::size_t const in = spec_.sizes.front(), out = spec_.sizes.back();
    for (std::size_t r = 0; r < spec_.batch; ++r) {
      fann_run(ann_, const_cast<fann_type*>(spec_.x.data() + r * in));
      fann_compute_MSE(ann_, const_cast<fann_type*>(spec_.y.data() + r * out));
      fann_backpropagate_MSE(ann_);
      fann_update_slopes_batch(ann_, ann_->first_layer + 1, ann_->last_layer - 1);
    }
    // FANN's MSE is the mean over outputs and samples of (y - out)^2, ctgrad's mse.
    return fann_get_MSE(ann_);
  }

  void read(std::vector<std::vector<float>>& dW, std::vector<std::vector<float>>& db) override {
    std::size_t const L = spec_.sizes.size() - 1;
    std::size_t const n = spec_.batch * spec_.sizes.back();
    dW.assign(L, {});
    db.assign(L, {});
    fann_type const* s = ann_->train_slopes;
    std::size_t i = 0;
    for (std::size_t l = 0; l < L; ++l) {
      std::size_t const in = spec_.sizes[l], out = spec_.sizes[l + 1];
      dW[l].assign(in * out, 0.0f);
      db[l].assign(out, 0.0f);
      for (std::size_t j = 0; j < out; ++j) {
        for (std::size_t k = 0; k < in; ++k) dW[l][k * out + j] = -2.0f * s[i++] / float(n);
        db[l][j] = -2.0f * s[i++] / float(n);
      }
    }
  }

 private:
  mlp_spec spec_;
  struct fann* ann_ = nullptr;
};

}  // namespace

std::unique_ptr<gradient_impl> make_fann(mlp_spec const& spec) {
  if (spec.residual || spec.act != activation::sigmoid || spec.loss != loss_kind::mse)
    return nullptr;
  return std::make_unique<fann_mlp>(spec);
}

}  // namespace bench
