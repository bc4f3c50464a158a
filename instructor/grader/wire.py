"""What crosses between the grader and the student's kernel: JSON only, decoded strictly.

The grader sends a probe, a small program that calls one name of the student's namespace on inputs
given as JSON and writes the returned value, as JSON, to a file in the scratch folder. Arrays travel
as {"__nd__": flat values, "dtype": kind, "shape": [...]}, tuples and dicts as tagged lists, anything
else as {"__object__": type name}. Nothing is ever unpickled: the worst a submission can send back
is a wrong or unreadable value.
"""
import json

import numpy as np

MAX_ANSWER_BYTES = 20_000_000  # a probe answer larger than this is not read
DTYPES = {"b": bool, "i": np.int64, "u": np.int64, "f": np.float64}

# The program a probe runs in the kernel. It defines everything it uses inside one function, so no
# earlier state of the kernel is relied on; the grader fills in CALL and PATH.
PROBE = r'''
def _grader_probe(call, path):
    import json
    import numpy

    def decode(x):
        if isinstance(x, dict):
            if "__nd__" in x:
                return numpy.array(x["__nd__"], dtype=x["dtype"]).reshape(x["shape"])
            if "__np__" in x:
                return numpy.dtype(x["dtype"]).type(x["__np__"])
            if "__tuple__" in x:
                return tuple(decode(v) for v in x["__tuple__"])
            if "__dict__" in x:
                return {decode(k): decode(v) for k, v in x["__dict__"]}
        if isinstance(x, list):
            return [decode(v) for v in x]
        return x

    def encode(x, depth=0):
        if depth > 32:
            raise ValueError("the returned value is nested too deeply")
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        if isinstance(x, numpy.generic) and x.dtype.kind in "biuf":
            return x.item()
        if isinstance(x, tuple):
            return {"__tuple__": [encode(v, depth + 1) for v in x]}
        if isinstance(x, list):
            return [encode(v, depth + 1) for v in x]
        if isinstance(x, dict):
            return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in x.items()]}
        if isinstance(x, numpy.ndarray) or hasattr(x, "__array__"):
            a = numpy.asarray(x)
            if a.dtype.kind in "biuf":
                return {"__nd__": a.ravel().tolist(), "dtype": a.dtype.kind, "shape": list(a.shape)}
        return {"__object__": type(x).__name__}

    try:
        target = eval(call["target"], globals())
        value = target(*decode(call["args"]), **decode(call["kwargs"])) if call["call"] else target
        answer = {"value": encode(value)}
    except (Exception, SystemExit) as error:
        answer = {"raised": type(error).__name__, "message": str(error)[:300]}
    with open(path, "w") as file:
        json.dump(answer, file)


_grader_probe(json.loads(CALL), PATH)
'''


def encode(x):
    """A Python/NumPy value as the JSON-able form the probe decodes (grader side: inputs)."""
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind not in DTYPES:
        raise TypeError(f"cannot send NumPy values of dtype {x.dtype}")
    if isinstance(x, np.ndarray):
        return {"__nd__": x.ravel().tolist(), "dtype": x.dtype.str, "shape": list(x.shape)}
    if isinstance(x, np.generic):  # sent as a NumPy number: exercises must accept those
        return {"__np__": x.item(), "dtype": x.dtype.str}
    if isinstance(x, tuple):
        return {"__tuple__": [encode(v) for v in x]}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in x.items()]}
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    raise TypeError(f"cannot send a {type(x).__name__} to the kernel")


def probe_code(target, args, kwargs, call, path):
    """The code of one probe: call (or read) target in the student's namespace, answer into path."""
    message = json.dumps({"target": target, "args": encode(tuple(args)), "kwargs": encode(dict(kwargs)),
                          "call": call})
    return "import json\n" + PROBE.replace("CALL", repr(message)).replace("PATH", repr(str(path)))


class Unreadable(ValueError):
    """An answer that is not a well-formed value."""


def decode(x, depth=0):
    """The value a probe wrote, rebuilt with NumPy; anything malformed raises Unreadable."""
    if depth > 40:
        raise Unreadable("nested too deeply")
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, list):
        return [decode(v, depth + 1) for v in x]
    if not isinstance(x, dict):
        raise Unreadable(f"unexpected {type(x).__name__}")
    if "__nd__" in x:
        return _array(x)
    if "__tuple__" in x and isinstance(x["__tuple__"], list):
        return tuple(decode(v, depth + 1) for v in x["__tuple__"])
    if "__dict__" in x and isinstance(x["__dict__"], list):
        pairs = [decode(pair, depth + 1) for pair in x["__dict__"]]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise Unreadable("a malformed dict")
        try:
            return {k: v for k, v in pairs}
        except TypeError as error:
            raise Unreadable(f"a dict with an unhashable key ({error})") from None
    if "__object__" in x:
        return Opaque(str(x["__object__"])[:80])
    raise Unreadable("an unknown tag")


def _array(x):
    dtype, shape, values = DTYPES.get(x.get("dtype")), x.get("shape"), x.get("__nd__")
    if dtype is None or not isinstance(values, list) or not isinstance(shape, list) \
            or not all(isinstance(n, int) and n >= 0 for n in shape) or int(np.prod(shape)) != len(values):
        raise Unreadable("a malformed array")
    try:
        return np.array(values, dtype=dtype).reshape(shape)
    except (TypeError, ValueError, OverflowError) as error:
        raise Unreadable(f"a malformed array ({error})") from None


class Opaque:
    """A returned object the wire does not carry (a model, a function, ...): only its type is known."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<a {self.type_name}>"


def read_answer(path):
    """(value, None) or (None, (exception name, message)) from a probe's answer file."""
    if path.stat().st_size > MAX_ANSWER_BYTES:
        raise Unreadable(f"larger than {MAX_ANSWER_BYTES // 1_000_000} MB")
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise Unreadable(f"not JSON ({error})") from None
    if not isinstance(answer, dict):
        raise Unreadable("not an answer")
    if "raised" in answer:
        return None, (str(answer["raised"])[:80], str(answer.get("message", ""))[:300])
    if "value" not in answer:
        raise Unreadable("not an answer")
    return decode(answer["value"]), None
