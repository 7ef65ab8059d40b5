// The PyTorch program's helpers: one Python function per op, with TF's (and hessflow's) definitions of the
// values and of the gradients at ties and kinks, so that torch.autograd differentiates exactly what hessflow does.

/** Python source of the PyTorch helpers (defines every name of HELPERS in ops.ts). */
export const TORCH_PRELUDE = String.raw`
import torch
import torch.nn.functional as F

DTYPE = torch.float64
DEVICE = torch.device("cpu")


def _t(value):
    """A float64 tensor on DEVICE from a Python number, nested lists or a NumPy array."""
    return torch.as_tensor(value, dtype=DTYPE, device=DEVICE)


def _sum_to(g, shape):
    """g summed down to shape (undoes NumPy broadcasting)."""
    shape = tuple(shape)
    while g.dim() > len(shape):
        g = g.sum(0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdim=True)
    return g


def matmul(a, b, transpose_a=False, transpose_b=False):
    return torch.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def add(a, b): return a + b
def subtract(a, b): return a - b
def multiply(a, b): return a * b
def divide(a, b): return a / b
def squared_difference(a, b): return torch.square(a - b)


def maximum(a, b):
    """max(a, b); where a == b the gradient goes to a (TF's Maximum)."""
    a, b = torch.broadcast_tensors(a, b)
    return torch.where(a >= b, a, b)


def minimum(a, b):
    """min(a, b); where a == b the gradient goes to a (TF's Minimum)."""
    a, b = torch.broadcast_tensors(a, b)
    return torch.where(a <= b, a, b)


class _TfPow(torch.autograd.Function):
    """a**b with TF's gradient in b: a**b * log(a) where a > 0, else 0 (torch gives NaN for a < 0)."""

    @staticmethod
    def forward(ctx, a, b):
        z = torch.pow(a, b)
        ctx.save_for_backward(a, b, z)
        return z

    @staticmethod
    def backward(ctx, dz):
        a, b, z = ctx.saved_tensors
        m = (a > 0).to(a.dtype)
        log_a = m * torch.log(m * a + 1 - m)
        ga = dz * b * tf_pow(a, b - 1)
        gb = dz * z * log_a
        return _sum_to(ga, a.shape), _sum_to(gb, b.shape)


def tf_pow(a, b):
    """a**b (TF's Pow): the gradient in b is a**b * log(a) where a > 0, else 0."""
    if not b.requires_grad:
        return torch.pow(a, b)
    return _TfPow.apply(a, b)


def negative(x): return -x
def square(x): return torch.square(x)
def sqrt(x): return torch.sqrt(x)
def tf_abs(x): return torch.abs(x)          # gradient sign(x), 0 at 0
def exp(x): return torch.exp(x)
def log(x): return torch.log(x)
def tanh(x): return torch.tanh(x)
def sigmoid(x): return torch.sigmoid(x)
def relu(x): return torch.relu(x)           # gradient 0 at 0, as TF
def softplus(x): return -F.logsigmoid(-x)   # log(1 + e^x), stable; gradient sigmoid(x) everywhere
def leaky_relu(x, alpha): return F.leaky_relu(x, alpha)   # slope alpha at 0, as TF
def elu(x):
    """x for x > 0, e^x - 1 otherwise; first derivative e^x for x < 0, 1 for x >= 0; second derivative e^x for x < 0, 0 for x >= 0 (TF's EluGradGrad)."""
    return torch.where(x < 0, torch.expm1(torch.where(x < 0, x, torch.zeros_like(x))), x)
def identity(x): return x
def stop_gradient(x): return x.detach()


def reduce_sum(x, axis, keepdims):
    return torch.sum(x, dim=tuple(axis), keepdim=keepdims) if axis else x


def reduce_mean(x, axis, keepdims):
    return torch.mean(x, dim=tuple(axis), keepdim=keepdims) if axis else x


def reduce_max(x, axis, keepdims):
    """max over axis; the gradient is shared equally among tied maxima (as TF)."""
    return torch.amax(x, dim=tuple(axis), keepdim=keepdims) if axis else x


def reduce_min(x, axis, keepdims):
    """min over axis; the gradient is shared equally among tied minima (as TF)."""
    return torch.amin(x, dim=tuple(axis), keepdim=keepdims) if axis else x


def reshape(x, shape): return torch.reshape(x, shape)
def transpose(x, perm): return x.permute(*perm)
def concat(xs, axis): return torch.cat(xs, dim=axis)


def tf_slice(x, begin, size):
    """tf.slice: the box starting at begin with extent size (-1: to the end)."""
    return x[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))]


def softmax(x, axis): return torch.softmax(x, dim=axis)
def log_softmax(x, axis): return torch.log_softmax(x, dim=axis)


def softmax_cross_entropy_with_logits(labels, logits, axis):
    """-sum(labels * log_softmax(logits)) along axis (labels get the gradient -log_softmax, as TF)."""
    return -torch.sum(labels * torch.log_softmax(logits, dim=axis), dim=axis)


def sigmoid_cross_entropy_with_logits(labels, logits):
    """max(x, 0) - x*z + log(1 + e^-|x|) (TF's stable form); gradient sigmoid(x) - z in x, -x in z."""
    return -F.logsigmoid(-logits) - logits * labels


def sparse_softmax_cross_entropy_with_logits(labels, logits, axis):
    """-log_softmax(logits)[label] along axis; labels are class indices (no gradient to them)."""
    index = labels.detach().to(torch.long).unsqueeze(axis)
    return -torch.gather(torch.log_softmax(logits, dim=axis), axis, index).squeeze(axis)


def one_hot(indices, depth, axis):
    """1 where the index equals the position along the new axis, else 0 (out-of-range indices: zeros)."""
    classes = torch.arange(depth, dtype=DTYPE, device=indices.device).reshape([depth] + [1] * (indices.dim() - axis))
    return (indices.detach().unsqueeze(axis) == classes).to(DTYPE)


def l2_loss(x): return torch.sum(torch.square(x)) / 2
def step(x): return (x > 0).to(x.dtype)
def tanh_grad(y, dy): return dy * (1 - y * y)
def sigmoid_grad(y, dy): return dy * y * (1 - y)
def ones_like(x): return torch.ones_like(x)


def reduction_size(x, axis):
    n = 1
    for a in axis:
        n *= x.shape[a]
    return _t(float(n))


def broadcast_like(x, like): return torch.broadcast_to(x, like.shape)
def sum_to_like(g, like): return _sum_to(g, like.shape)


def expand_dims(x, axis):
    for a in sorted(axis):
        x = x.unsqueeze(a)
    return x


def reshape_like(x, like): return torch.reshape(x, like.shape)


def pad(x, before, after):
    widths = []
    for b, a in reversed(list(zip(before, after))):
        widths += [b, a]
    return F.pad(x, widths)
`;
