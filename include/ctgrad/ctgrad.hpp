// SPDX-License-Identifier: BSL-1.0
// ctgrad: gradients derived at compile time. The umbrella header.
#pragma once

#include <ctgrad/fwd.hpp>

#include <ctgrad/check/finite.hpp>
#include <ctgrad/check/gradcheck.hpp>

#include <ctgrad/expr/constant.hpp>
#include <ctgrad/expr/graph.hpp>
#include <ctgrad/expr/leaf.hpp>
#include <ctgrad/expr/named.hpp>
#include <ctgrad/expr/node.hpp>
#include <ctgrad/expr/number_guard.hpp>
#include <ctgrad/expr/placeholder.hpp>
#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/simplify.hpp>
#include <ctgrad/expr/tensor.hpp>
#include <ctgrad/expr/var_set.hpp>

#include <ctgrad/engine/abstract.hpp>
#include <ctgrad/engine/backprop.hpp>
#include <ctgrad/engine/bindings.hpp>
#include <ctgrad/engine/derive.hpp>
#include <ctgrad/engine/evaluate.hpp>
#include <ctgrad/engine/execute.hpp>
#include <ctgrad/engine/explain.hpp>
#include <ctgrad/engine/print_matrix.hpp>
#include <ctgrad/engine/forward.hpp>
#include <ctgrad/engine/loop.hpp>
#include <ctgrad/engine/memory.hpp>
#include <ctgrad/engine/plan.hpp>
#include <ctgrad/engine/print.hpp>
#include <ctgrad/engine/sweep.hpp>
#include <ctgrad/engine/stream.hpp>
#include <ctgrad/engine/workspace.hpp>

#include <ctgrad/init/initializers.hpp>

#include <ctgrad/layers/activations.hpp>
#include <ctgrad/layers/conv.hpp>
#include <ctgrad/layers/norm.hpp>
#include <ctgrad/layers/rebatch.hpp>
#include <ctgrad/layers/recurrent.hpp>
#include <ctgrad/layers/sequential.hpp>

#include <ctgrad/math/elementary.hpp>
#include <ctgrad/math/erf.hpp>

#include <ctgrad/losses/binary_cross_entropy.hpp>
#include <ctgrad/losses/cross_entropy.hpp>
#include <ctgrad/losses/mse.hpp>

#include <ctgrad/optim/adam.hpp>
#include <ctgrad/optim/schedule.hpp>
#include <ctgrad/optim/sgd.hpp>

#include <ctgrad/ops/abs.hpp>
#include <ctgrad/ops/add.hpp>
#include <ctgrad/ops/add_n.hpp>
#include <ctgrad/ops/batch_norm.hpp>
#include <ctgrad/ops/broadcast.hpp>
#include <ctgrad/ops/channel.hpp>
#include <ctgrad/ops/clamped_log.hpp>
#include <ctgrad/ops/concat.hpp>
#include <ctgrad/ops/conv.hpp>
#include <ctgrad/ops/cos.hpp>
#include <ctgrad/ops/dense.hpp>
#include <ctgrad/ops/div.hpp>
#include <ctgrad/ops/dropout.hpp>
#include <ctgrad/ops/elu.hpp>
#include <ctgrad/ops/exp.hpp>
#include <ctgrad/ops/gelu.hpp>
#include <ctgrad/ops/identity.hpp>
#include <ctgrad/ops/layer_norm.hpp>
#include <ctgrad/ops/leaky_relu.hpp>
#include <ctgrad/ops/log.hpp>
#include <ctgrad/ops/log_softmax.hpp>
#include <ctgrad/ops/matmul.hpp>
#include <ctgrad/ops/mul.hpp>
#include <ctgrad/ops/neg.hpp>
#include <ctgrad/ops/normal.hpp>
#include <ctgrad/ops/pool.hpp>
#include <ctgrad/ops/pow.hpp>
#include <ctgrad/ops/reduce_rows.hpp>
#include <ctgrad/ops/relu.hpp>
#include <ctgrad/ops/reshape.hpp>
#include <ctgrad/ops/select.hpp>
#include <ctgrad/ops/sigmoid.hpp>
#include <ctgrad/ops/sign.hpp>
#include <ctgrad/ops/silu.hpp>
#include <ctgrad/ops/sin.hpp>
#include <ctgrad/ops/slice.hpp>
#include <ctgrad/ops/softmax.hpp>
#include <ctgrad/ops/softplus.hpp>
#include <ctgrad/ops/sqrt.hpp>
#include <ctgrad/ops/step.hpp>
#include <ctgrad/ops/sub.hpp>
#include <ctgrad/ops/sum.hpp>
#include <ctgrad/ops/tanh.hpp>
#include <ctgrad/ops/transpose.hpp>
#include <ctgrad/ops/window.hpp>

#include <ctgrad/train/clip.hpp>
#include <ctgrad/train/parallel.hpp>
#include <ctgrad/train/set_ops.hpp>
#include <ctgrad/train/thread_pool.hpp>
