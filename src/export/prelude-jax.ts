// The JAX program's helpers: one Python function per op with TF's (and hessflow's) definitions, written so
// that JAX's derivatives are TF's at ties and kinks (jnp.where masks, a custom_jvp for pow).

/** Python source of the JAX helpers (defines every name of HELPERS in ops.ts). */
export const JAX_PRELUDE = String.raw`
import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
DTYPE = jnp.float64


def _t(value):
    """A float64 array from a Python number, nested lists or a NumPy array."""
    return jnp.asarray(value, dtype=DTYPE)


def _sum_to(g, shape):
    """g summed down to shape (undoes NumPy broadcasting)."""
    shape = tuple(shape)
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


def matmul(a, b, transpose_a=False, transpose_b=False):
    return jnp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def add(a, b): return a + b
def subtract(a, b): return a - b
def multiply(a, b): return a * b
def divide(a, b): return a / b
def squared_difference(a, b): return jnp.square(a - b)
def maximum(a, b): return jnp.where(a >= b, a, b)     # at ties the gradient goes to a (TF's Maximum)
def minimum(a, b): return jnp.where(a <= b, a, b)     # at ties the gradient goes to a (TF's Minimum)


@jax.custom_jvp
def tf_pow(a, b):
    """a**b (TF's Pow): the derivative in b is a**b * log(a) where a > 0, else 0."""
    return jnp.power(a, b)


@tf_pow.defjvp
def _tf_pow_jvp(primals, tangents):
    a, b = primals
    da, db = tangents
    z = tf_pow(a, b)
    m = (a > 0).astype(DTYPE)
    log_a = m * jnp.log(m * a + 1 - m)
    return z, b * tf_pow(a, b - 1) * da + z * log_a * db


def negative(x): return -x
def square(x): return jnp.square(x)
def sqrt(x): return jnp.sqrt(x)
def tf_abs(x): return x * jnp.sign(x)                  # derivative sign(x), 0 at 0 (jnp.abs gives 1 there)
def exp(x): return jnp.exp(x)
def log(x): return jnp.log(x)
def tanh(x): return jnp.tanh(x)
def sigmoid(x): return jax.nn.sigmoid(x)
def relu(x): return jnp.where(x > 0, x, 0.0)          # derivative 0 at 0, as TF
def softplus(x): return -jax.nn.log_sigmoid(-x)       # log(1 + e^x), stable; derivative sigmoid(x)
def leaky_relu(x, alpha): return jnp.where(x > 0, x, alpha * x)   # slope alpha at 0, as TF
def elu(x): return jnp.where(x < 0, jnp.expm1(jnp.where(x < 0, x, 0.0)), x)   # at 0: slope 1, curvature 0, as TF
def identity(x): return x
def stop_gradient(x): return jax.lax.stop_gradient(x)


def reduce_sum(x, axis, keepdims):
    return jnp.sum(x, axis=tuple(axis), keepdims=keepdims) if axis else x


def reduce_mean(x, axis, keepdims):
    return jnp.mean(x, axis=tuple(axis), keepdims=keepdims) if axis else x


def reduce_max(x, axis, keepdims):
    """max over axis; the derivative is shared equally among tied maxima (as TF)."""
    return jnp.max(x, axis=tuple(axis), keepdims=keepdims) if axis else x


def reduce_min(x, axis, keepdims):
    return jnp.min(x, axis=tuple(axis), keepdims=keepdims) if axis else x


def reshape(x, shape): return jnp.reshape(x, shape)
def transpose(x, perm): return jnp.transpose(x, perm)
def concat(xs, axis): return jnp.concatenate(xs, axis=axis)


def tf_slice(x, begin, size):
    return x[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))]


def softmax(x, axis): return jax.nn.softmax(x, axis=axis)
def log_softmax(x, axis): return jax.nn.log_softmax(x, axis=axis)


def softmax_cross_entropy_with_logits(labels, logits, axis):
    return -jnp.sum(labels * jax.nn.log_softmax(logits, axis=axis), axis=axis)


def sigmoid_cross_entropy_with_logits(labels, logits):
    return -jax.nn.log_sigmoid(-logits) - logits * labels


def sparse_softmax_cross_entropy_with_logits(labels, logits, axis):
    index = jnp.expand_dims(jax.lax.stop_gradient(labels).astype(jnp.int32), axis)
    return -jnp.take_along_axis(jax.nn.log_softmax(logits, axis=axis), index, axis=axis).squeeze(axis)


def one_hot(indices, depth, axis):
    classes = jnp.arange(depth, dtype=DTYPE).reshape([depth] + [1] * (indices.ndim - axis))
    return (jnp.expand_dims(jax.lax.stop_gradient(indices), axis) == classes).astype(DTYPE)


def l2_loss(x): return jnp.sum(jnp.square(x)) / 2
def step(x): return (x > 0).astype(DTYPE)
def tanh_grad(y, dy): return dy * (1 - y * y)
def sigmoid_grad(y, dy): return dy * y * (1 - y)
def ones_like(x): return jnp.ones_like(x)


def reduction_size(x, axis):
    n = 1
    for a in axis:
        n *= x.shape[a]
    return _t(float(n))


def broadcast_like(x, like): return jnp.broadcast_to(x, like.shape)
def sum_to_like(g, like): return _sum_to(g, like.shape)


def expand_dims(x, axis):
    for a in sorted(axis):
        x = jnp.expand_dims(x, a)
    return x


def reshape_like(x, like): return jnp.reshape(x, like.shape)
def pad(x, before, after): return jnp.pad(x, list(zip(before, after)))
`;
