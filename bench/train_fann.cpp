// SPDX-License-Identifier: BSL-1.0
// The training step of ctgrad_bench_train in FANN 2.2 (Debian's libfann-dev), float, on FANN's
// nearest net: 784-128-10, sigmoid hidden and output neurons (FANN_SIGMOID, steepness 0.5:
// 1 / (1 + e^-z)), linear error function (no tanh transform of the errors), mean squared
// error against one-hot targets (FANN has no ReLU, no softmax, no cross-entropy). One step:
// copy the batch into a fann_train_data of 32 samples, then what fann_train_epoch does with
// FANN_TRAIN_BATCH (fann_train_epoch_batch, whose pieces fann_internal.h exports): per sample
// fann_run, fann_compute_MSE, fann_backpropagate_MSE, fann_update_slopes_batch, then
// fann_update_weights_batch (W += lr / B * slopes; it zeroes the slopes). Those are the calls
// of fann_train_epoch itself.
// FANN's derivative of the sigmoid clips the output to [0.01, 0.99] first: the check before
// timing shows whether that changed anything on these batches.
#include "train_case.hpp"

#include <fann.h>
#include <fann_internal.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace bench::train {

struct fann_trainer::impl {
  dataset const& data;
  struct fann* ann = nullptr;
  struct fann_train_data* batch_data = nullptr;
  float loss = 0;
  bool keep = true;
  std::vector<fann_type> slopes;  // the last step's, while keep

  explicit impl(dataset const& d) : data(d) {
    unsigned layers[] = {unsigned(pixels), unsigned(hidden), unsigned(classes)};
    ann = fann_create_standard_array(3, layers);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID);
    fann_set_activation_steepness_hidden(ann, 0.5f);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_activation_steepness_output(ann, 0.5f);
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    fann_set_training_algorithm(ann, FANN_TRAIN_BATCH);
    fann_set_learning_rate(ann, fann_lr);
    batch_data = fann_create_train(unsigned(batch), unsigned(pixels), unsigned(classes));
    for (std::size_t r = 0; r < batch; ++r)
      if (batch_data->input[r] != batch_data->input[0] + r * pixels)
        throw std::runtime_error(
            "FANN's fann_create_train did not allocate its inputs as one "
            "block (step copies the batch as one)");
    fann_clear_train_arrays(ann);  // allocates the slopes
  }
  ~impl() {
    fann_destroy_train(batch_data);
    fann_destroy(ann);
  }
  impl(impl const&) = delete;
  impl& operator=(impl const&) = delete;

  // FANN's weights: for each neuron of layer l + 1, one weight from each neuron of layer l,
  // that layer's bias neuron last. ctgrad's W is [in, out].
  template <class F> static void each_weight(F f) {
    std::size_t i = 0;
    for (int l = 0; l < 2; ++l) {
      std::size_t const in = l == 0 ? pixels : hidden, out = l == 0 ? hidden : classes;
      for (std::size_t j = 0; j < out; ++j) {
        for (std::size_t k = 0; k < in; ++k) f(l, false, k * out + j, i++);
        f(l, true, j, i++);
      }
    }
  }
  flat_params read(fann_type const* from, float scale) const {
    flat_params p;
    each_weight([&](int l, bool bias, std::size_t at, std::size_t i) {
      auto& v = l == 0 ? (bias ? p.b1 : p.W1) : (bias ? p.b2 : p.W2);
      v[at] = scale * from[i];
    });
    return p;
  }
};

fann_trainer::fann_trainer(dataset const& data) : impl_(std::make_unique<impl>(data)) {}
fann_trainer::~fann_trainer() = default;

void fann_trainer::set_params(flat_params const& p) {
  fann_type* w = impl_->ann->weights;
  impl::each_weight([&](int l, bool bias, std::size_t at, std::size_t i) {
    auto const& v = l == 0 ? (bias ? p.b1 : p.W1) : (bias ? p.b2 : p.W2);
    w[i] = v[at];
  });
  fann_clear_train_arrays(impl_->ann);
}

void fann_trainer::step(std::size_t b) {
  struct fann* ann = impl_->ann;
  struct fann_train_data* d = impl_->batch_data;
  // fann_create_train allocates the inputs as one block, row after row.
  load_batch(impl_->data, b, d->input[0], [&](std::size_t r, std::uint8_t c) {
    std::fill_n(d->output[r], classes, 0.0f);
    d->output[r][c] = 1.0f;
  });
  fann_reset_MSE(ann);
  for (std::size_t r = 0; r < batch; ++r) {
    fann_run(ann, d->input[r]);
    fann_compute_MSE(ann, d->output[r]);
    fann_backpropagate_MSE(ann);
    fann_update_slopes_batch(ann, ann->first_layer + 1, ann->last_layer - 1);
  }
  impl_->loss = fann_get_MSE(ann);
  if (impl_->keep)
    impl_->slopes.assign(ann->train_slopes, ann->train_slopes + ann->total_connections);
  fann_update_weights_batch(ann, unsigned(batch), 0, ann->total_connections);
}

float fann_trainer::last_loss() const { return impl_->loss; }

flat_params fann_trainer::params() const { return impl_->read(impl_->ann->weights, 1.0f); }

// slopes = sum_r (y - out) out (1 - out) x = -(10 B / 2) dL/dW for L the mean over 10 B squared
// errors.
flat_params fann_trainer::grads() const {
  return impl_->read(impl_->slopes.data(), -2.0f / float(batch * classes));
}

void fann_trainer::keep_gradients(bool keep) { impl_->keep = keep; }

}  // namespace bench::train
