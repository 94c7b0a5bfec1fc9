"""Spaces in the JSON form shared by Java, the wire and Python (PROTOCOL.md section 4, `make`).

`from_json` returns real `gymnasium.spaces` objects when gymnasium is importable, and otherwise the
small classes below, which have the same attribute names (`n`, `start`, `shape`, `dtype`, `low`,
`high`, `nvec`, `spaces`) and methods (`contains`, `sample`, `seed`)."""

from __future__ import annotations

from typing import Any, Dict as TDict, Optional

import numpy as np

from ._wire import dtype_name, numpy_dtype

try:  # pragma: no cover - depends on the environment
    import gymnasium as _gym
except ImportError:  # pragma: no cover
    _gym = None


def _bound(v: Any) -> float:
    if v == "inf" or v == "+inf":
        return np.inf
    if v == "-inf":
        return -np.inf
    return float(v)


class Space:
    """Base of the fallback spaces: a seedable numpy generator."""

    def __init__(self) -> None:
        self.np_random = np.random.default_rng()

    def seed(self, seed: Optional[int] = None) -> None:
        self.np_random = np.random.default_rng(seed)


class Discrete(Space):
    """The integers start .. start + n - 1."""

    def __init__(self, n: int, start: int = 0) -> None:
        super().__init__()
        self.n, self.start = int(n), int(start)
        self.shape, self.dtype = (), np.dtype(np.int64)

    def contains(self, x: Any) -> bool:
        if isinstance(x, np.ndarray):
            if x.shape != () or not np.issubdtype(x.dtype, np.integer):
                return False
            x = x.item()
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
            return False
        return self.start <= int(x) < self.start + self.n

    def sample(self) -> np.int64:
        return np.int64(self.start + self.np_random.integers(self.n))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Discrete) and (other.n, other.start) == (self.n, self.start)

    def __repr__(self) -> str:
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"


class Box(Space):
    """Arrays of one dtype and shape with every element in [low, high]."""

    def __init__(self, low: Any, high: Any, shape: tuple, dtype: Any) -> None:
        super().__init__()
        self.shape, self.dtype = tuple(int(d) for d in shape), np.dtype(dtype)
        self.low = np.broadcast_to(np.asarray(low, dtype=np.float64), self.shape).astype(self.dtype)
        self.high = np.broadcast_to(np.asarray(high, dtype=np.float64), self.shape).astype(self.dtype)

    def contains(self, x: Any) -> bool:
        if not isinstance(x, np.ndarray) or x.shape != self.shape or x.dtype != self.dtype:
            return False
        return bool(np.all(x >= self.low) and np.all(x <= self.high))

    def sample(self) -> np.ndarray:
        if np.issubdtype(self.dtype, np.integer):
            return self.np_random.integers(self.low, self.high, endpoint=True).astype(self.dtype)
        lo = np.where(np.isfinite(self.low), self.low, -1e6).astype(np.float64)
        hi = np.where(np.isfinite(self.high), self.high, 1e6).astype(np.float64)
        return self.np_random.uniform(lo, hi).astype(self.dtype)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Box) and other.shape == self.shape and other.dtype == self.dtype
                and np.array_equal(other.low, self.low) and np.array_equal(other.high, self.high))

    def __repr__(self) -> str:
        return f"Box({self.low.min() if self.low.size else ''}, {self.high.max() if self.high.size else ''}, {self.shape}, {self.dtype})"


class MultiDiscrete(Space):
    """Independent discrete choices: element i in [start[i], start[i] + nvec[i])."""

    def __init__(self, nvec: Any, start: Any = None) -> None:
        super().__init__()
        self.nvec = np.asarray(nvec, dtype=np.int64)
        self.start = np.zeros_like(self.nvec) if start is None else np.asarray(start, dtype=np.int64)
        self.shape, self.dtype = self.nvec.shape, np.dtype(np.int64)

    def contains(self, x: Any) -> bool:
        x = np.asarray(x)
        return (x.shape == self.shape and np.issubdtype(x.dtype, np.integer)
                and bool(np.all(x >= self.start) and np.all(x < self.start + self.nvec)))

    def sample(self) -> np.ndarray:
        return (self.start + self.np_random.integers(self.nvec)).astype(np.int64)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, MultiDiscrete) and np.array_equal(other.nvec, self.nvec)
                and np.array_equal(other.start, self.start))


class Dict(Space):
    """A named product of spaces."""

    def __init__(self, spaces: TDict[str, Any]) -> None:
        super().__init__()
        self.spaces = dict(spaces)

    def contains(self, x: Any) -> bool:
        return (isinstance(x, dict) and set(x) == set(self.spaces)
                and all(s.contains(x[k]) for k, s in self.spaces.items()))

    def sample(self) -> dict:
        return {k: s.sample() for k, s in self.spaces.items()}

    def seed(self, seed: Optional[int] = None) -> None:
        super().seed(seed)
        for i, s in enumerate(self.spaces.values()):
            s.seed(None if seed is None else seed + i)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dict) and other.spaces == self.spaces


def from_json(j: dict) -> Any:
    """A space from its JSON form; a gymnasium space when gymnasium is installed."""
    t = j.get("type")
    g = _gym.spaces if _gym is not None else None
    if t == "Discrete":
        n, start = int(j["n"]), int(j.get("start", 0))
        return g.Discrete(n, start=start) if g else Discrete(n, start)
    if t == "Box":
        shape = tuple(int(d) for d in j["shape"])
        dtype = numpy_dtype(j["dtype"])
        low = np.vectorize(_bound)(np.asarray(j["low"], dtype=object)) if isinstance(j["low"], list) else _bound(j["low"])
        high = np.vectorize(_bound)(np.asarray(j["high"], dtype=object)) if isinstance(j["high"], list) else _bound(j["high"])
        low = np.reshape(low, shape) if np.ndim(low) else low
        high = np.reshape(high, shape) if np.ndim(high) else high
        if g:
            return g.Box(low=np.broadcast_to(low, shape).astype(dtype), high=np.broadcast_to(high, shape).astype(dtype),
                         shape=shape, dtype=dtype)
        return Box(low, high, shape, dtype)
    if t == "MultiDiscrete":
        nvec = np.asarray(j["nvec"], dtype=np.int64)
        start = np.asarray(j.get("start", [0] * len(nvec)), dtype=np.int64)
        return g.MultiDiscrete(nvec, start=start) if g else MultiDiscrete(nvec, start)
    if t == "Dict":
        subs = {k: from_json(v) for k, v in j["spaces"].items()}
        return g.Dict(subs) if g else Dict(subs)
    raise ValueError(f"unknown space type {t!r}; expected Discrete, Box, MultiDiscrete or Dict")


def to_json(space: Any) -> dict:
    """The JSON form of a space (fallback or gymnasium)."""
    name = type(space).__name__
    if name == "Discrete":
        return {"type": "Discrete", "n": int(space.n), "start": int(space.start)}
    if name == "Box":
        def bound(a: np.ndarray) -> Any:
            flat = [("inf" if x == np.inf else "-inf" if x == -np.inf else (int(x) if float(x).is_integer() else float(x)))
                    for x in np.asarray(a, dtype=np.float64).ravel()]
            return flat[0] if flat and all(f == flat[0] for f in flat) else flat
        return {"type": "Box", "shape": list(space.shape), "dtype": dtype_name(space.dtype),
                "low": bound(space.low), "high": bound(space.high)}
    if name == "MultiDiscrete":
        return {"type": "MultiDiscrete", "nvec": [int(x) for x in space.nvec],
                "start": [int(x) for x in getattr(space, "start", np.zeros_like(space.nvec))]}
    if name == "Dict":
        return {"type": "Dict", "spaces": {k: to_json(s) for k, s in space.spaces.items()}}
    raise ValueError(f"cannot write {space!r} as JSON")
