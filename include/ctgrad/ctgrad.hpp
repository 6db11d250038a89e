// SPDX-License-Identifier: BSL-1.0
// ctgrad: gradients derived at compile time. The umbrella header.
#pragma once

#include <ctgrad/fwd.hpp>

#include <ctgrad/check/finite.hpp>
#include <ctgrad/check/gradcheck.hpp>

#include <ctgrad/core/abstract.hpp>
#include <ctgrad/core/backprop.hpp>
#include <ctgrad/core/constant.hpp>
#include <ctgrad/core/derive.hpp>
#include <ctgrad/core/evaluate.hpp>
#include <ctgrad/core/explain.hpp>
#include <ctgrad/core/graph.hpp>
#include <ctgrad/core/leaf.hpp>
#include <ctgrad/core/named.hpp>
#include <ctgrad/core/node.hpp>
#include <ctgrad/core/number_guard.hpp>
#include <ctgrad/core/print.hpp>
#include <ctgrad/core/shape.hpp>
#include <ctgrad/core/simplify.hpp>
#include <ctgrad/core/tensor.hpp>
#include <ctgrad/core/var_set.hpp>

#include <ctgrad/init/initializers.hpp>

#include <ctgrad/layers/sequential.hpp>

#include <ctgrad/math/elementary.hpp>

#include <ctgrad/losses/binary_cross_entropy.hpp>
#include <ctgrad/losses/cross_entropy.hpp>
#include <ctgrad/losses/mse.hpp>

#include <ctgrad/optim/adam.hpp>
#include <ctgrad/optim/schedule.hpp>
#include <ctgrad/optim/sgd.hpp>

#include <ctgrad/ops/abs.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/clamped_log.hpp>
#include <ctgrad/ops/cos.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/exp.hpp>
#include <ctgrad/ops/identity.hpp>
#include <ctgrad/ops/leaky_relu.hpp>
#include <ctgrad/ops/log.hpp>
#include <ctgrad/ops/log_softmax.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sign.hpp>
#include <ctgrad/ops/sin.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/ops/sqrt.hpp>
#include <ctgrad/ops/step.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/ops/tanh.hpp>
#include <ctgrad/ops/transpose.hpp>

#include <ctgrad/train/clip.hpp>
#include <ctgrad/train/set_ops.hpp>
