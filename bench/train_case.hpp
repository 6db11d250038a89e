// SPDX-License-Identifier: BSL-1.0
// What the training benchmark's two translation units share: the problem (784-128-10, batch
// 32, plain SGD with lr 0.01, float), the dataset every implementation reads, the way a batch
// is copied out of it, and the interface of the libtorch side.
//
// train.cpp (ctgrad, the hand-written reference and the driver) is C++20 with ctgrad's
// warnings as errors; train_torch.cpp includes libtorch's headers, which are noisy and are
// compiled as C++17. This header is therefore plain C++17 and names no torch or ctgrad type:
// parameters cross the boundary as flat float arrays in ctgrad's layout.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bench::train {

inline constexpr std::size_t batch = 32, pixels = 784, hidden = 128, classes = 10;
inline constexpr float learning_rate = 0.01f;

/// The training set, and one fixed shuffle of it that every implementation walks through in
/// the same order: step s of an epoch uses samples order[s * batch .. s * batch + batch).
struct dataset {
  std::vector<float> images;         // size() * pixels, row-major, values in [0, 1]
  std::vector<std::uint8_t> labels;  // size(), each below classes
  std::vector<std::uint32_t> order;  // a permutation of 0 .. size() - 1
  std::string source;                // "Fashion-MNIST (path)" or "synthetic (...)"
  std::size_t size() const { return labels.size(); }
  std::size_t batches() const { return size() / batch; }  // a last partial batch is dropped
};

/// Copies the images of batch b into x (batch rows of pixels, row-major) and calls
/// label(row, class) for each row. Both implementations prepare their input tensor with this
/// function inside the timed step: a training step starts from the dataset, not from a batch
/// that someone else assembled. (Each side stores the label its loss wants: a one-hot row for
/// ctgrad, a class index for libtorch's cross_entropy.)
template <class Label>
inline void load_batch(dataset const& d, std::size_t b, float* x, Label&& label) {
  for (std::size_t r = 0; r < batch; ++r) {
    std::size_t const i = d.order[b * batch + r];
    std::copy_n(d.images.data() + i * pixels, pixels, x + r * pixels);
    label(r, d.labels[i]);
  }
}

/// Rows [first, last) of batch b of `rows` samples (the larger-batch case of train.cpp; a
/// data-parallel step copies each shard's rows on the thread that computes the shard): row r
/// goes to x + (r - first) * pixels, its class to label(r - first, class).
template <class Label>
inline void load_rows(dataset const& d, std::size_t rows, std::size_t b, std::size_t first,
                      std::size_t last, float* x, Label&& label) {
  for (std::size_t r = first; r < last; ++r) {
    std::size_t const i = d.order[(b * rows + r) % d.size()];
    std::copy_n(d.images.data() + i * pixels, pixels, x + (r - first) * pixels);
    label(r - first, d.labels[i]);
  }
}

/// The parameters (or gradients) of the network in ctgrad's layout: dense is x @ W + b, so
/// W1 is [pixels][hidden] and W2 [hidden][classes], row-major. torch::nn::Linear stores the
/// transpose ([out][in]); the libtorch side converts.
struct flat_params {
  std::vector<float> W1 = std::vector<float>(pixels * hidden);
  std::vector<float> b1 = std::vector<float>(hidden);
  std::vector<float> W2 = std::vector<float>(hidden * classes);
  std::vector<float> b2 = std::vector<float>(classes);
};

/// The same network, loss and optimiser in libtorch (train_torch.cpp): two torch::nn::Linear,
/// relu, torch::nn::functional::cross_entropy on class indices, torch::optim::SGD (lr 0.01,
/// no momentum, no weight decay), one intra-op thread.
class torch_trainer {
 public:
  explicit torch_trainer(dataset const& data);
  ~torch_trainer();
  torch_trainer(torch_trainer const&) = delete;
  torch_trainer& operator=(torch_trainer const&) = delete;

  /// Sets the parameters to p (ctgrad layout) and forgets the gradients.
  void set_params(flat_params const& p);
  /// One training step on batch b of the dataset: copy the batch into the preallocated input
  /// tensors, zero the gradients, forward, loss, backward, SGD update. The loss stays a tensor:
  /// reading it out is a synchronising call that a training loop need not make every step.
  void step(std::size_t b);
  /// The loss of the last step.
  float last_loss() const;
  /// The parameters now, and the gradients of the last step, in ctgrad's layout.
  flat_params params() const;
  flat_params grads() const;

  /// Human-readable facts for the report: libtorch version, intra-op threads, the BLAS that
  /// libtorch's matrix products ended up calling.
  static std::string version();
  static std::string threading();
  static std::string blas();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The same network, loss and optimiser in dlib's DNN (train_dlib.cpp): fc<128>, relu, fc<10>
/// under loss_multiclass_log (softmax cross-entropy, the mean over the batch, on class
/// indices), dlib::sgd(weight_decay 0, momentum 0) at lr 0.01: W := W - 0.01 dL/dW.
class dlib_trainer {
 public:
  explicit dlib_trainer(dataset const& data);
  ~dlib_trainer();
  dlib_trainer(dlib_trainer const&) = delete;
  dlib_trainer& operator=(dlib_trainer const&) = delete;
  void set_params(flat_params const& p);
  /// Copy the batch into dlib's input tensor and its labels, compute_parameter_gradients
  /// (forward, loss, backward), update_parameters with the SGD solvers.
  void step(std::size_t b);
  float last_loss() const;
  flat_params params() const;
  flat_params grads() const;
  /// "dlib 19.24, BLAS: ..." for the report.
  static std::string version();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// FANN's nearest net (train_fann.cpp): FANN 2.2 has no ReLU and no softmax or cross-entropy,
/// so the case is 784-128-10 with sigmoid hidden and output neurons under the mean squared
/// error against the one-hot targets; FANN's batch training (FANN_TRAIN_BATCH: per sample
/// fann_run, fann_compute_MSE, fann_backpropagate_MSE, fann_update_slopes_batch, then
/// fann_update_weights_batch) on the 32 samples of the step, learning rate fann_lr. ctgrad
/// runs the same net at lr sigmoid_mse_lr, the same update: FANN's slopes are
/// sum_r (y - out) out (1 - out) x, its step lr/B of them, which is 5 lr times ctgrad's
/// d/dW of the mean over 10 B squared errors.
inline constexpr float fann_lr = 0.01f, sigmoid_mse_lr = 5 * fann_lr;
class fann_trainer {
 public:
  explicit fann_trainer(dataset const& data);
  ~fann_trainer();
  fann_trainer(fann_trainer const&) = delete;
  fann_trainer& operator=(fann_trainer const&) = delete;
  void set_params(flat_params const& p);
  /// Copy the batch into FANN's training data, then one batch-training step.
  void step(std::size_t b);
  float last_loss() const;
  flat_params params() const;
  /// The gradient of the last step (ctgrad's d/dW of the mean squared error), kept only while
  /// keep_gradients(true) (the check): a copy of the slopes that a timed step does not make.
  flat_params grads() const;
  void keep_gradients(bool keep);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bench::train
