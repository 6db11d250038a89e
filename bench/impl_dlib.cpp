// SPDX-License-Identifier: BSL-1.0
// dlib's DNN (Debian's libdlib-dev, 19.24), where a network is a C++ type too: fc layers
// with relu or sig between them, under loss_multiclass_log (softmax cross-entropy on class
// indices) or loss_mean_squared_multioutput. The depth and the activation are the type; the
// widths are set before the first pass (fc_::set_num_outputs), the values copied in after it.
// One gradient is compute_parameter_gradients() on the batch already converted to a dlib
// tensor (the conversion, a copy of the inputs, is not timed, as libtorch's is not).
// dlib's fc stores W [in, out] row-major with the bias row after it, ctgrad's layout.
// Matrix products go to the BLAS dlib was built with (Debian: DLIB_USE_BLAS, the system
// libblas.so.3, OpenBLAS when installed), on one thread.
#include "impl.hpp"

#include <dlib/dnn.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace bench {
namespace {

using dlib::fc;
using dlib::matrix;

// hidden<N, Act>: N fc layers, each followed by Act, over the input layer.
template <std::size_t N, template <class> class Act> struct hidden {
  using type = Act<fc<1, typename hidden<N - 1, Act>::type>>;
};
template <template <class> class Act> struct hidden<0, Act> {
  using type = dlib::input<matrix<float>>;
};
template <template <class> class Loss, std::size_t Layers, template <class> class Act>
using net_t = Loss<fc<1, typename hidden<Layers - 1, Act>::type>>;

template <class Net, std::size_t Layers, bool Mse> class dlib_mlp final : public gradient_impl {
 public:
  explicit dlib_mlp(mlp_spec const& spec) : spec_(spec) {
    using set_threads = void(int);
    if (auto* set = reinterpret_cast<set_threads*>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set(1);
    // Layer 2t + 1 below the loss is the fc layer t from the top: layer Layers - 1 - t.
    each([&](auto t, auto& fc_layer) {
      fc_layer.layer_details().set_num_outputs(static_cast<long>(spec.sizes[Layers - t]));
    });
    std::size_t const B = spec.batch, in = spec.sizes.front(), out = spec.sizes.back();
    std::vector<matrix<float>> samples(B);
    for (std::size_t r = 0; r < B; ++r) {
      samples[r].set_size(1, static_cast<long>(in));
      for (std::size_t k = 0; k < in; ++k) samples[r](0, static_cast<long>(k)) = spec.x[r * in + k];
      if constexpr (Mse) {
        matrix<float> y(static_cast<long>(out), 1);
        for (std::size_t j = 0; j < out; ++j) y(static_cast<long>(j), 0) = spec.y[r * out + j];
        labels_.push_back(y);
      } else {
        auto const* row = spec.y.data() + r * out;
        labels_.push_back(static_cast<unsigned long>(std::max_element(row, row + out) - row));
      }
    }
    net_.to_tensor(samples.begin(), samples.end(), x_);
    net_.forward(x_);  // allocates the parameters (randomly initialised), replaced here
    each([&](auto t, auto& fc_layer) {
      std::size_t const l = Layers - 1 - t;
      float* p = fc_layer.layer_details().get_layer_params().host();
      std::copy(spec.W[l].begin(), spec.W[l].end(), p);
      std::copy(spec.b[l].begin(), spec.b[l].end(), p + spec.W[l].size());
    });
  }

  float gradient() override {
    return static_cast<float>(net_.compute_parameter_gradients(x_, labels_.begin()));
  }

  void read(std::vector<std::vector<float>>& dW, std::vector<std::vector<float>>& db) override {
    dW.assign(Layers, {});
    db.assign(Layers, {});
    // dlib's mean squared error reports sum((y - z)^2) / B but back-propagates (z - y) / B,
    // the gradient of half of it: doubled here to compare with d/dz of the mean.
    float const scale = Mse ? 2.0f : 1.0f;
    each([&](auto t, auto& fc_layer) {
      std::size_t const l = Layers - 1 - t;
      float const* g = fc_layer.get_parameter_gradient().host();
      std::size_t const nW = spec_.W[l].size(), nb = spec_.b[l].size();
      for (std::size_t i = 0; i < nW; ++i) dW[l].push_back(scale * g[i]);
      for (std::size_t i = 0; i < nb; ++i) db[l].push_back(scale * g[nW + i]);
    });
  }

 private:
  // f(t, fc layer t from the top) for t = 0 .. Layers - 1.
  template <class F> void each(F f) {
    [&]<std::size_t... T>(std::index_sequence<T...>) { (f(T, dlib::layer<2 * T + 1>(net_)), ...); }
    (std::make_index_sequence<Layers>{});
  }

  using label_t = std::conditional_t<Mse, matrix<float>, unsigned long>;
  mlp_spec spec_;
  Net net_;
  dlib::resizable_tensor x_;
  std::vector<label_t> labels_;
};

template <std::size_t Layers, template <class> class Act>
std::unique_ptr<gradient_impl> make_with(mlp_spec const& spec) {
  if (spec.loss == loss_kind::mse)
    return std::make_unique<
        dlib_mlp<net_t<dlib::loss_mean_squared_multioutput, Layers, Act>, Layers, true>>(spec);
  return std::make_unique<dlib_mlp<net_t<dlib::loss_multiclass_log, Layers, Act>, Layers, false>>(
      spec);
}

template <std::size_t Layers> std::unique_ptr<gradient_impl> make_depth(mlp_spec const& spec) {
  if (spec.act == activation::relu) return make_with<Layers, dlib::relu>(spec);
  if (spec.act == activation::sigmoid) return make_with<Layers, dlib::sig>(spec);
  return make_with<Layers, dlib::htan>(spec);
}

}  // namespace

std::unique_ptr<gradient_impl> make_dlib(mlp_spec const& spec) {
  // The depth is part of dlib's type: the benchmark's plain MLPs have 2, 3 or 13 layers. The
  // residual cases would need dlib's tag/add_prev layers: not compared.
  if (spec.residual) return nullptr;
  switch (spec.sizes.size() - 1) {
    case 2:
      return make_depth<2>(spec);
    case 3:
      return make_depth<3>(spec);
    case 13:
      return make_depth<13>(spec);
    default:
      return nullptr;
  }
}

}  // namespace bench
