// SPDX-License-Identifier: BSL-1.0
// The training step of ctgrad_bench_train in dlib's DNN (Debian's libdlib-dev, 19.24), where
// the net is a C++ type too: loss_multiclass_log<fc<10, relu<fc<128, input<matrix<float>>>>>>.
// One step: copy the batch into dlib's input tensor (samples of 1 x 784) and its labels,
// compute_parameter_gradients (forward, loss, backward), update_parameters with one
// dlib::sgd(0, 0) per layer (dlib's sgd: v = momentum v - weight_decay lr W - lr dL/dW, then
// W += v; here W -= lr dL/dW, also for the bias). dlib's fc stores W [in, out] row-major with
// the bias row after it, ctgrad's layout. Matrix products: the system BLAS, one thread.
#include "train_case.hpp"

#include <dlib/dnn.h>
#include <dlib/revision.h>

#include <dlfcn.h>

#include <algorithm>
#include <vector>

namespace bench::train {

namespace {
using net_t = dlib::loss_multiclass_log<
    dlib::fc<classes, dlib::relu<dlib::fc<hidden, dlib::input<dlib::matrix<float>>>>>>;
}

struct dlib_trainer::impl {
  dataset const& data;
  net_t net;
  dlib::resizable_tensor x;
  std::vector<unsigned long> labels = std::vector<unsigned long>(batch);
  std::vector<dlib::sgd> solvers;
  float loss = 0;

  explicit impl(dataset const& d)
      : data(d), solvers(net_t::num_computational_layers, dlib::sgd(0.0f, 0.0f)) {
    using set_threads = void(int);
    if (auto* set = reinterpret_cast<set_threads*>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set(1);
    // The input tensor's shape (batch samples of 1 x pixels), then a first pass that
    // allocates the parameters, which set_params replaces.
    std::vector<dlib::matrix<float>> one(batch, dlib::matrix<float>(1, long(pixels)));
    for (auto& m : one) m = 0;
    net.to_tensor(one.begin(), one.end(), x);
    net.forward(x);
  }
  float* fc(int top) {  // top 0: the output layer (fc<10>), 1: the hidden layer
    return top == 0 ? dlib::layer<1>(net).layer_details().get_layer_params().host()
                    : dlib::layer<3>(net).layer_details().get_layer_params().host();
  }
  float const* grad(int top) {
    return top == 0 ? dlib::layer<1>(net).get_parameter_gradient().host()
                    : dlib::layer<3>(net).get_parameter_gradient().host();
  }
};

dlib_trainer::dlib_trainer(dataset const& data) : impl_(std::make_unique<impl>(data)) {}
dlib_trainer::~dlib_trainer() = default;

void dlib_trainer::set_params(flat_params const& p) {
  float* w1 = impl_->fc(1);
  std::copy(p.W1.begin(), p.W1.end(), w1);
  std::copy(p.b1.begin(), p.b1.end(), w1 + p.W1.size());
  float* w2 = impl_->fc(0);
  std::copy(p.W2.begin(), p.W2.end(), w2);
  std::copy(p.b2.begin(), p.b2.end(), w2 + p.W2.size());
  for (auto& s : impl_->solvers) s = dlib::sgd(0.0f, 0.0f);  // no state
}

void dlib_trainer::step(std::size_t b) {
  load_batch(impl_->data, b, impl_->x.host(),
             [this](std::size_t r, std::uint8_t c) { impl_->labels[r] = c; });
  impl_->loss =
      static_cast<float>(impl_->net.compute_parameter_gradients(impl_->x, impl_->labels.begin()));
  impl_->net.update_parameters(impl_->solvers, learning_rate);
}

float dlib_trainer::last_loss() const { return impl_->loss; }

flat_params dlib_trainer::params() const {
  flat_params p;
  float const* w1 = impl_->fc(1);
  std::copy_n(w1, p.W1.size(), p.W1.begin());
  std::copy_n(w1 + p.W1.size(), p.b1.size(), p.b1.begin());
  float const* w2 = impl_->fc(0);
  std::copy_n(w2, p.W2.size(), p.W2.begin());
  std::copy_n(w2 + p.W2.size(), p.b2.size(), p.b2.begin());
  return p;
}

flat_params dlib_trainer::grads() const {
  flat_params p;
  float const* g1 = impl_->grad(1);
  std::copy_n(g1, p.W1.size(), p.W1.begin());
  std::copy_n(g1 + p.W1.size(), p.b1.size(), p.b1.begin());
  float const* g2 = impl_->grad(0);
  std::copy_n(g2, p.W2.size(), p.W2.begin());
  std::copy_n(g2 + p.W2.size(), p.b2.size(), p.b2.begin());
  return p;
}

std::string dlib_trainer::version() {
  return "dlib " + std::to_string(DLIB_MAJOR_VERSION) + "." + std::to_string(DLIB_MINOR_VERSION) +
         ": loss_multiclass_log<fc<10, relu<fc<128, input>>>>, dlib::sgd(0, 0), lr 0.01, "
         "the system BLAS on one thread";
}

}  // namespace bench::train
