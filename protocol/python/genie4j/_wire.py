"""Framing of protocol version 1 (PROTOCOL.md sections 1-2): a JSON header frame, then one raw
little-endian buffer frame per tensor the header references as {"$tensor": i, "dtype", "shape"};
with shared memory (section 2.1), {"$shm": offset, "dtype", "shape"} points into the session's region."""

from __future__ import annotations

import json
from typing import Any, List, Optional

import numpy as np

_DTYPES = {
    "uint8": np.dtype("<u1"),
    "int32": np.dtype("<i4"),
    "int64": np.dtype("<i8"),
    "float32": np.dtype("<f4"),
    "float64": np.dtype("<f8"),
    "bool": np.dtype("bool"),
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def dtype_name(dtype: np.dtype) -> str:
    """The protocol's name of a numpy dtype; raises ValueError for one the protocol lacks."""
    d = np.dtype(dtype).newbyteorder("<") if np.dtype(dtype).byteorder == ">" else np.dtype(dtype)
    for known, name in _NAMES.items():
        if d == known:
            return name
    raise ValueError(f"dtype {dtype} is not one of {sorted(_DTYPES)}")


def numpy_dtype(name: str) -> np.dtype:
    """The numpy dtype of a protocol dtype name."""
    try:
        return _DTYPES[name]
    except KeyError:
        raise ValueError(f"unknown dtype {name!r}; expected one of {sorted(_DTYPES)}") from None


def encode(header: dict) -> List[bytes]:
    """Frames for a header whose values may include numpy arrays anywhere."""
    buffers: List[bytes] = []

    def walk(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            arr = np.ascontiguousarray(v, dtype=numpy_dtype(dtype_name(v.dtype)))
            ref = {"$tensor": len(buffers), "dtype": dtype_name(arr.dtype), "shape": list(arr.shape)}
            buffers.append(arr.tobytes())
            return ref
        if isinstance(v, dict):
            return {str(k): walk(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [walk(x) for x in v]
        if isinstance(v, np.generic):
            return v.item()
        return v

    return [json.dumps(walk(header), separators=(",", ":")).encode("utf-8")] + buffers


def decode(frames: List[bytes], shm: Optional[Any] = None) -> dict:
    """The header of a message with its tensor references replaced by read-only numpy arrays, and
    its shared-memory references (when `shm`, the session's mapped region, is given) by copies."""
    header = json.loads(bytes(frames[0]).decode("utf-8"))

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            if "$tensor" in v:
                data = bytes(frames[1 + int(v["$tensor"])])
                arr = np.frombuffer(data, dtype=numpy_dtype(v["dtype"]))
                return arr.reshape([int(d) for d in v["shape"]])
            if "$shm" in v:
                if shm is None:
                    raise ValueError("shared-memory reference in a reply of a session without shared memory")
                shape = [int(d) for d in v["shape"]]
                dtype = numpy_dtype(v["dtype"])
                arr = np.frombuffer(shm, dtype=dtype, count=int(np.prod(shape, dtype=np.int64)),
                                    offset=int(v["$shm"]))
                out = arr.reshape(shape).copy()  # the region is rewritten by the next request
                out.flags.writeable = False
                return out
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(header)
