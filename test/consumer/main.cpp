// SPDX-License-Identifier: BSL-1.0
// A downstream program, compiled with the warnings a careful user turns on (-Wall -Wextra
// -Wpedantic -Wshadow -Wconversion -Werror, at -O2 where g++ runs more of them; see the
// CMakeLists.txt beside it) and with globals named like ctgrad's locals: the headers must
// stay silent as instantiated here.
// It exercises the scalar engine, a network's gradient, explain, an optimiser, the training
// loop, the runtime tape and the parameter file. Exit status 0 when the numbers are right.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/engine/memory.hpp>
#include <ctgrad/io/params_file.hpp>
#include <ctgrad/tape.hpp>
#include <ctgrad/train/fit.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

// Names a user may well have as globals; ctgrad's headers must not shadow them.
int a = 1, b = 2, c = 3, d = 4, e = 5, i = 6, j = 7, k = 8, n = 9, r = 10, s = 11, t = 12;
double w = 0.5, x = 2.0, y = 3.0, z = 4.0, p = 0.1, g = 0.2, v = 0.3, m = 0.4, u = 0.6;

namespace net {
constexpr auto X = ctgrad::input<"X", 4, 2>;
constexpr auto Y = ctgrad::input<"Y", 4, 2>;
constexpr auto logits =
    ctgrad::sequential(X, ctgrad::layer::dense<8>, ctgrad::layer::relu, ctgrad::layer::dense<2>);
constexpr auto loss = ctgrad::cross_entropy(ctgrad::softmax(logits), Y);
}  // namespace net

int main() {
  using namespace ctgrad::literals;
  int failures = 0;
  auto check = [&](bool ok, char const* what) {
    if (!ok) {
      std::printf("FAILED: %s\n", what);
      ++failures;
    }
  };

  constexpr auto xv = ctgrad::var<"x">;
  constexpr auto df = ctgrad::d(xv * xv, xv);
  static_assert(ctgrad::eval(df, xv = 3.0) == 6.0);
  check(ctgrad::eval(df, xv = 3.0) == 6.0, "d(x*x, x) at 3");
  std::printf("d/dx %s = %s\n", ctgrad::to_string(xv * xv).c_str(), ctgrad::to_string(df).c_str());
  auto const h = ctgrad::eval(ctgrad::grad(ctgrad::sin(xv) * ctgrad::exp(xv), xv), xv = 0.0);
  check(std::fabs(h[0] - 1.0) < 1e-15, "d(sin x e^x) at 0");
  // A long sum is an add_n node (ops/add_n.hpp); a like term is collected into it, one removed.
  constexpr auto sq = xv * xv;
  constexpr auto wide = ctgrad::sin(xv) + ctgrad::cos(xv) + ctgrad::exp(xv) + ctgrad::tanh(xv) +
                        sq + sq * xv + ctgrad::sin(sq) + ctgrad::cos(sq) + ctgrad::exp(sq) +
                        ctgrad::constant<2> * ctgrad::sin(xv) - ctgrad::cos(xv);
  double const wide_by_hand = 3 * std::sin(0.5) + std::exp(0.5) + std::tanh(0.5) + 0.25 + 0.125 +
                              std::sin(0.25) + std::cos(0.25) + std::exp(0.25);
  check(std::fabs(ctgrad::eval(wide, xv = 0.5) - wide_by_hand) < 1e-14, "a 9-term sum at 1/2");
  check(ctgrad::to_string(wide).find("3*sin(x)") != std::string::npos, "3*sin(x) collected");

  // A network: gradient, explain, an Adam step, a few epochs of fit, save and load.
  auto params = ctgrad::params<float>(net::loss);
  ctgrad::init::apply(params, 7, ctgrad::init::he_normal_rule{});
  ctgrad::tensor<float, ctgrad::shape<4, 2>> xb{{0, 0, 0, 1, 1, 0, 1, 1}};
  ctgrad::tensor<float, ctgrad::shape<4, 2>> yb{{1, 0, 0, 1, 0, 1, 1, 0}};
  auto grads = ctgrad::grad(net::loss, params, net::X = xb, net::Y = yb);
  float const loss0 = ctgrad::grad_into(net::loss, grads, params, net::X = xb, net::Y = yb);
  check(std::isfinite(loss0), "loss is finite");
  check(!ctgrad::explain(net::loss).empty(), "explain");
  check(!ctgrad::explain(net::loss, params, net::X = xb, net::Y = yb).empty(),
        "explain at a point");
  {
    constexpr auto wv = ctgrad::var<"w">;
    constexpr auto zv = ctgrad::named<"z">(wv * xv + 1_c);
    constexpr auto Lv = ctgrad::pow<2>(ctgrad::named<"a">(ctgrad::sigmoid(zv)));
    constexpr auto steps = ctgrad::derivation(Lv, wv = 0.5, xv = 1.0);
    static_assert(steps.value("z") == 1.5);
    check(!ctgrad::explain(Lv, wv = 0.5, xv = 1.0).empty(), "explain of a formula at a point");
    check(!ctgrad::explain_hessian(Lv, wv, xv).empty(), "explain_hessian");
  }
  ctgrad::optim::adam<decltype(params)> opt({.lr = 0.01f});
  opt.step(params, grads);
  auto ws = std::make_unique<ctgrad::workspace_for<float, decltype(net::loss)>>();
  check(ctgrad::grad_into(net::loss, grads, *ws, params, net::X = xb, net::Y = yb) ==
            ctgrad::grad_into(net::loss, grads, params, net::X = xb, net::Y = yb),
        "grad_into with a workspace");
  check(!ctgrad::to_string(ctgrad::memory_report<float>(net::loss)).empty(), "memory_report");

  std::vector<float> xs(xb.begin(), xb.end()), ys(yb.begin(), yb.end());
  auto const task = ctgrad::train::classifier(net::X, net::Y, net::loss, net::logits);
  auto const history = ctgrad::train::fit(task, params, opt, ctgrad::train::samples<float>{xs, ys},
                                          {.epochs = 3, .show = ctgrad::train::progress::lines});
  check(history.size() == 3, "fit ran three epochs");
  {
    // The data-parallel loop and the batch-parallel gradient (train/parallel.hpp).
    auto copy = params;
    auto const on_two = ctgrad::train::fit(task, copy, opt, ctgrad::train::samples<float>{xs, ys},
                                           {.show = ctgrad::train::progress::none, .threads = 2});
    check(on_two.size() == 1, "fit ran on two threads");
    ctgrad::train::thread_pool pool(2);
    auto sg = std::make_unique<ctgrad::train::sharded_gradient<float, decltype(net::loss)>>();
    auto sharded_grads = params;
    ctgrad::tensor<float, ctgrad::shape<4, 2>> x4{}, y4{};
    y4(0, 0) = y4(1, 1) = y4(2, 0) = y4(3, 1) = 1.0f;
    float const l = ctgrad::train::parallel_grad_into(pool, *sg, net::loss, sharded_grads, params,
                                                      net::X = x4, net::Y = y4);
    check(std::isfinite(l), "parallel_grad_into");
  }

  auto const file = std::filesystem::temp_directory_path() / "ctgrad_consumer_params.bin";
  ctgrad::io::save(params, file.string());
  auto loaded = ctgrad::params<float>(net::loss);
  ctgrad::io::load(loaded, file.string());
  std::filesystem::remove(file);
  check(loaded == params, "saved and loaded parameters are equal");

  // Loops: a GRU over a short sequence (gradient, explain), an LSTM's value, a stream, a
  // scalar recurrence with two carries, and repeated blocks.
  {
    constexpr auto Xs = ctgrad::input<"Xs", 5, 2, 3>;
    constexpr auto Ys = ctgrad::input<"Ys", 2, 2>;
    constexpr auto seq_net = ctgrad::sequential(Xs, ctgrad::layer::gru<4, "gru.">,
                                                ctgrad::layer::last_step, ctgrad::layer::dense<2>);
    constexpr auto seq_loss = ctgrad::cross_entropy(ctgrad::softmax(seq_net), Ys);
    auto sp = ctgrad::params<double>(seq_loss);
    ctgrad::init::apply(sp, 3, ctgrad::init::he_normal_rule{});
    ctgrad::tensor<double, ctgrad::shape<5, 2, 3>> xsq{};
    for (std::size_t q = 0; q < xsq.size; ++q) xsq.data[q] = 0.1 * static_cast<double>(q % 7);
    ctgrad::tensor<double, ctgrad::shape<2, 2>> ysq{{1, 0, 0, 1}};
    auto sg = ctgrad::grad(seq_loss, sp, Xs = xsq, Ys = ysq);
    check(ctgrad::check::gradcheck(seq_loss, sp, Xs = xsq, Ys = ysq).ok(1e-6), "GRU gradcheck");
    check(ctgrad::explain(seq_loss).find("for t = 4 ... 0") != std::string::npos, "loop explain");
    (void)sg;
    auto const lv = ctgrad::eval(ctgrad::lstm<3, "l.", 2>(Xs),
                                 ctgrad::params<double>(ctgrad::lstm<3, "l.", 2>(Xs)), Xs = xsq);
    check(std::isfinite(lv.data[0]), "LSTM value");
    auto st = ctgrad::make_stream<double>(ctgrad::gru_cell_of<4, "gru.", 3, 2>());
    ctgrad::tensor<double, ctgrad::shape<2, 3>> x0{};
    check(std::isfinite(st.step(sp, x0).data[0]), "GRU stream");
    st.reset();

    constexpr auto hc = ctgrad::carry<"h", 1, 1>;
    constexpr auto cc = ctgrad::carry<"c", 1, 1>;
    constexpr auto xc = ctgrad::step_input<"x", 1, 1>;
    constexpr auto wc = ctgrad::param<"w", 1, 1>;
    constexpr auto h0 = ctgrad::param<"h0", 1, 1>;
    constexpr auto Xc = ctgrad::input<"Xc", 4, 1, 1>;
    constexpr auto two = ctgrad::scan(ctgrad::bundle(ctgrad::tanh(wc * hc + xc), cc + hc), hc = h0,
                                      cc = wc, xc = Xc);
    constexpr auto two_loss =
        ctgrad::sum(ctgrad::last<0>(two)) + ctgrad::sum(ctgrad::states<1>(two));
    auto tp = ctgrad::params<double>(two_loss);
    tp[wc].data[0] = 0.7;
    tp[h0].data[0] = 0.2;
    ctgrad::tensor<double, ctgrad::shape<4, 1, 1>> xcv{{0.1, -0.3, 0.5, 0.2}};
    check(ctgrad::check::gradcheck(two_loss, tp, Xc = xcv).ok(1e-7), "two-carry loop gradcheck");

    constexpr auto Wb = ctgrad::param<"Wb", 3, 2, 2>;
    constexpr auto Bb = ctgrad::param<"Bb", 3, 2>;
    constexpr auto hb = ctgrad::carry<"hb", 1, 2>;
    constexpr auto wb = ctgrad::step_input<"wb", 2, 2>;
    constexpr auto bb = ctgrad::step_input<"bb", 2>;
    constexpr auto Xb = ctgrad::input<"Xb", 1, 2>;
    constexpr auto blocks =
        ctgrad::scan(hb + ctgrad::relu(ctgrad::dense(hb, wb, bb)), hb = Xb, wb = Wb, bb = Bb);
    auto bp = ctgrad::params<double>(ctgrad::sum(ctgrad::last(blocks)));
    bp.for_each([](auto, auto& tensor) {
      for (auto& q : tensor) q = 0.3;
    });
    ctgrad::tensor<double, ctgrad::shape<1, 2>> xbv{{1.0, -0.5}};
    check(ctgrad::check::gradcheck(ctgrad::sum(ctgrad::last(blocks)), bp, Xb = xbv).ok(1e-7),
          "repeated blocks gradcheck");
  }

  {
    // A batch-norm net (float): fit in training mode updates the running statistics,
    // evaluation binds train_mode = 0.
    constexpr auto Xn = ctgrad::input<"Xn", 4, 2>;
    constexpr auto netn = ctgrad::sequential(Xn, ctgrad::layer::dense<3>, ctgrad::layer::batch_norm,
                                             ctgrad::layer::relu, ctgrad::layer::layer_norm<1>,
                                             ctgrad::layer::dense<2>);
    constexpr auto lossn = ctgrad::cross_entropy(ctgrad::softmax(netn), net::Y);
    auto pn = ctgrad::params<float>(lossn);
    ctgrad::init::apply(pn, 3, ctgrad::init::he_normal_rule{});
    auto optn = ctgrad::optim::sgd<decltype(pn)>({.lr = 0.1f});
    ctgrad::train::fit(ctgrad::train::classifier(Xn, net::Y, lossn, netn), pn, optn,
                       ctgrad::train::samples<float>{xb.data, yb.data},
                       {.epochs = 2, .show = ctgrad::train::progress::none});
    constexpr auto rv = ctgrad::buffer<"bn2.running_var", 3>;
    check(pn[rv].data[0] != 1.0f, "fit updates the running variance");
    auto const outn = ctgrad::eval(netn, pn, Xn = xb, ctgrad::train_mode = 0.0f);
    check(std::isfinite(outn.data[0]), "batch norm in evaluation mode");
  }

  // The runtime tape on the lesson's chain rule L = sin(x^2)^2.
  ctgrad::tape::recorder<double> rec;
  auto const xt = rec.variable(1.3);
  auto const zt = xt * xt;
  auto const yt = ctgrad::tape::sin(zt);
  rec.backward(yt * yt);
  double const want = 2 * std::sin(1.69) * std::cos(1.69) * 2 * 1.3;
  check(std::fabs(rec.grad(xt)() - want) < 1e-12, "tape chain rule");

  std::printf("%s\n", failures == 0 ? "consumer: all checks passed" : "consumer: FAILED");
  return failures == 0 ? 0 : 1;
}
