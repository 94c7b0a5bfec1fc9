"""Gymnasium-style envs whose state lives in a Genie4j server: one session of N envs."""

from __future__ import annotations

import mmap
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _spaces, _wire
from ._channel import Channel
from ._client import Connection, RemoteError, TimeoutError, checked

try:  # pragma: no cover - depends on the environment
    import gymnasium as _gym
    _EnvBase: Any = _gym.Env
    _VectorBase: Any = _gym.vector.VectorEnv
except ImportError:  # pragma: no cover
    _gym = None
    _EnvBase = object
    _VectorBase = object


def is_local(address: str) -> bool:
    """Whether a server at `address` surely shares this machine: loopback TCP, IPC, in-process."""
    a = address.lower()
    return a.startswith(("ipc://", "inproc://", "tcp://127.", "tcp://localhost:", "tcp://[::1]:"))


def _map(region: Dict[str, Any]) -> mmap.mmap:
    fd = os.open(str(region["path"]), os.O_RDONLY)
    try:
        return mmap.mmap(fd, int(region["bytes"]), access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def _wire_options(options: Dict[str, Any]) -> Dict[str, Any]:
    """Options as they travel: bytes (an image file's, e.g. a PNG prompt) become a uint8 [N] tensor,
    which the server decodes; numpy arrays (e.g. uint8 [H, W, 3] pixels) travel as tensors."""
    return {k: np.frombuffer(bytes(v), dtype=np.uint8) if isinstance(v, (bytes, bytearray, memoryview)) else v
            for k, v in options.items()}


class _Session:
    """What the single and the vector env share: the connection, the session, its spaces and, for a
    server on this machine, the shared memory its observations come through (PROTOCOL.md 2.1)."""

    def __init__(self, env_id: str, address: str, num_envs: int, timeout: float,
                 curve: Optional[Dict[str, str]], options: Dict[str, Any],
                 shared_memory: Optional[bool] = None, columnar: bool = False) -> None:
        self.conn = Connection(address, timeout, curve)
        self.shm: Optional[mmap.mmap] = None
        self.shm_path: Optional[str] = None
        request = {"op": "make", "env_id": env_id, "num_envs": int(num_envs), "options": _wire_options(options)}
        if columnar:
            request["infos"] = "columnar"  # protocol 1.1; a 1.0 server ignores it and sends a list
        if is_local(address) if shared_memory is None else shared_memory:
            request["shared_memory"] = True
            request["channel"] = True  # protocol 1.1 (section 2.2); others ignore it
        try:
            r = self.conn.call(request)
            if r.get("shared_memory"):
                try:
                    self.shm = _map(r["shared_memory"])
                    self.shm_path = str(r["shared_memory"]["path"])
                except (OSError, ValueError):
                    # Not the server's machine after all (a container, say): start over without it.
                    self.conn.call({"op": "close", "session": r["session"]})
                    request.pop("shared_memory")
                    request.pop("channel", None)
                    r = self.conn.call(request)
        except BaseException:
            self.conn.close()
            raise
        self.id: str = r["session"]
        self.num_envs: int = int(r["num_envs"])
        self.observation_json = r["observation_space"]
        self.action_json = r["action_space"]
        self.spec: Dict[str, Any] = r["spec"]
        self.metadata: Dict[str, Any] = dict(r.get("metadata", {}))
        self.columnar = r.get("infos") == "columnar"
        self.channel: Optional[Channel] = None
        if self.shm is not None and isinstance(r.get("channel"), dict):
            try:
                self.channel = Channel(str(r["channel"]["path"]), int(r["channel"]["bytes"]))
            except (OSError, ValueError):
                self.channel = None  # requests go through the socket
        self.in_flight: Optional[Tuple[Optional[int], Dict[str, Any]]] = None
        self.closed = False

    def infos(self, reply: Dict[str, Any]) -> Dict[str, Any]:
        """A reply's infos in Gymnasium's vector form, from columns or from a list of dicts."""
        return _columnar_infos(reply["infos"]) if self.columnar else _vector_infos(reply["infos"])

    def request(self, op: str, **fields: Any) -> Dict[str, Any]:
        self.send(op, **fields)
        return self.wait()

    def send(self, op: str, **fields: Any) -> None:
        if self.closed:
            raise RuntimeError("the environment is closed")
        if self.in_flight is not None:
            raise RuntimeError(f"a step is in flight: collect it with step_wait() before {op!r}")
        request = dict(fields, op=op, session=self.id)
        if self.channel is not None and not self.channel.broken and op in ("step", "reset"):
            frames = _wire.encode(request)
            if self.channel.fits(frames):
                self.channel.send(frames)
                self.in_flight = (None, request)  # None: through the channel
                return
        self.in_flight = (self.conn.send(request), request)

    def wait(self) -> Dict[str, Any]:
        if self.in_flight is None:
            raise RuntimeError("no step in flight: call step_async() first")
        (rid, request), self.in_flight = self.in_flight, None
        if rid is None:
            assert self.channel is not None
            frames = self.channel.receive(self.conn.timeout)
            if frames is None:
                raise TimeoutError(f"no reply through the shared-memory channel within {self.conn.timeout:g} s "
                                   f"to {request.get('op')!r}; is the server running?")
            return checked(_wire.decode(frames, self.shm))
        return self.conn.receive(rid, request, self.shm)

    def reset(self, seed: Any, options: Optional[dict]) -> Dict[str, Any]:
        fields: Dict[str, Any] = {"options": options or {}}
        if isinstance(seed, (list, tuple, np.ndarray)):
            fields["seeds"] = [int(s) for s in seed]
        else:
            fields["seed"] = None if seed is None else int(seed)
        return self.request("reset", **fields)

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self.in_flight is not None:
                self.wait()
            self.request("close")
        except Exception:
            pass  # the server may be gone or have reaped the session: nothing left to release
        finally:
            self.closed = True
            if self.channel is not None:
                self.channel.close()
            self.conn.close()
            if self.shm is not None:
                self.shm.close()


def _check(space: Any, action: Any, label: str = "action") -> None:
    if not space.contains(action):
        raise ValueError(f"{label} {action!r} is outside {space}")


def _batch_actions(space_json: dict, actions: Any, n: int) -> Any:
    t = space_json["type"]
    if t == "Discrete":
        return np.asarray(actions, dtype=np.int64).reshape(n)
    if t == "MultiDiscrete":
        return np.asarray(actions, dtype=np.int64).reshape(n, len(space_json["nvec"]))
    if t == "Box":
        from ._wire import numpy_dtype
        return np.asarray(actions, dtype=numpy_dtype(space_json["dtype"])).reshape([n] + list(space_json["shape"]))
    raise ValueError(f"{t} actions are not supported over the wire")


class RemoteEnv(_EnvBase):
    """One environment in a Genie4j server, with Gymnasium's `Env` API (a real `gymnasium.Env` when
    gymnasium is installed). Observations are numpy arrays; results equal the env in-process."""

    def __init__(self, env_id: str, address: str = "tcp://127.0.0.1:5555", timeout: float = 30.0,
                 curve: Optional[Dict[str, str]] = None, shared_memory: Optional[bool] = None,
                 **options: Any) -> None:
        self._s = _Session(env_id, address, 1, timeout, curve, options, shared_memory)
        self.observation_space = _spaces.from_json(self._s.observation_json)
        self.action_space = _spaces.from_json(self._s.action_json)
        self.metadata = dict(self._s.metadata, render_modes=["rgb_array"])
        self.render_mode = "rgb_array"
        self.spec_json = self._s.spec

    @property
    def unwrapped(self) -> "RemoteEnv":
        return self

    if _gym is None:  # pragma: no cover - gymnasium's Env provides these
        _np_random: Optional[np.random.Generator] = None

        @property
        def np_random(self) -> np.random.Generator:
            """The env's own generator, as Gymnasium's: seeded by `reset(seed=...)`."""
            if self._np_random is None:
                self._np_random = np.random.default_rng()
            return self._np_random

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None) -> Tuple[Any, dict]:
        # Seed np_random as Gymnasium's Env.reset does (its checker requires it); the server's env
        # is seeded by the same seed.
        if _gym is not None:
            super().reset(seed=seed)
        elif seed is not None:
            self._np_random = np.random.default_rng(seed)
        r = self._s.reset(seed, options)
        return _first(r["observations"]), r["infos"][0]

    def step(self, action: Any) -> Tuple[Any, float, bool, bool, dict]:
        _check(self.action_space, action)
        r = self._s.request("step", actions=_batch_actions(self._s.action_json, [action], 1))
        return (_first(r["observations"]), float(r["rewards"][0]), bool(r["terminated"][0]),
                bool(r["truncated"][0]), r["infos"][0])

    def render(self) -> np.ndarray:
        return self._s.request("render")["frames"][0]

    def close(self) -> None:
        self._s.close()

    def __enter__(self) -> "RemoteEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _first(obs: Any) -> Any:
    if isinstance(obs, dict):
        return {k: _first(v) for k, v in obs.items()}
    return obs[0]


def _column(values: List[Any], mask: np.ndarray) -> np.ndarray:
    """One info key's values as an array whose dtype fits every value present (bool, int64, float64,
    else object), zero where absent, so no value is cut: a string array sized to its first value
    would truncate longer ones."""
    present = [v for v, m in zip(values, mask) if m]
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        dtype: Any = bool
    elif all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in present):
        dtype = np.int64
    elif all(isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) for v in present):
        dtype = np.float64
    else:
        dtype = object
    arr = np.zeros(len(values), dtype=dtype)
    for i, (v, m) in enumerate(zip(values, mask)):
        if m:
            arr[i] = v
    return arr


def _vector_infos(infos: List[dict]) -> Dict[str, Any]:
    """Gymnasium's vector info form, from one dict per env: a dict of arrays, each with a boolean
    `_key` mask."""
    out: Dict[str, Any] = {}
    for k in dict.fromkeys(k for info in infos for k in info):
        mask = np.array([k in info for info in infos], dtype=bool)
        out[k] = _column([info.get(k) for info in infos], mask)
        out["_" + k] = mask
    return out


def _columnar_infos(columns: Dict[str, Any]) -> Dict[str, Any]:
    """Gymnasium's vector info form, from the server's columns (PROTOCOL.md 4, protocol 1.1): typed
    columns arrive as arrays already; JSON-list columns get the dtype that fits their values."""
    out: Dict[str, Any] = {}
    for k, v in columns.items():
        if k.startswith("_") and k[1:] in columns:
            continue
        mask = np.asarray(columns["_" + k], dtype=bool)
        out[k] = v if isinstance(v, np.ndarray) else _column(list(v), mask)
        out["_" + k] = mask
    return out


class RemoteVectorEnv(_VectorBase):
    """N environments in one server session, stepped in one round trip, with Gymnasium 1.x's vector
    API and next-step autoreset (`metadata["autoreset_mode"]`)."""

    def __init__(self, env_id: str, num_envs: int, address: str = "tcp://127.0.0.1:5555", timeout: float = 30.0,
                 curve: Optional[Dict[str, str]] = None, shared_memory: Optional[bool] = None,
                 **options: Any) -> None:
        self._s = _Session(env_id, address, num_envs, timeout, curve, options, shared_memory, columnar=True)
        self.num_envs = self._s.num_envs
        self.single_observation_space = _spaces.from_json(self._s.observation_json)
        self.single_action_space = _spaces.from_json(self._s.action_json)
        self.observation_space = _batched(self._s.observation_json, self.num_envs)
        self.action_space = _batched(self._s.action_json, self.num_envs)
        self.metadata = dict(self._s.metadata)
        if _gym is not None:
            self.metadata["autoreset_mode"] = _gym.vector.AutoresetMode.NEXT_STEP
        self.render_mode = "rgb_array"
        self.spec_json = self._s.spec

    if _gym is None:  # pragma: no cover - gymnasium's VectorEnv provides these
        _np_random: Optional[np.random.Generator] = None

        @property
        def np_random(self) -> np.random.Generator:
            """The vector env's own generator, as Gymnasium's: seeded by `reset(seed=int)`."""
            if self._np_random is None:
                self._np_random = np.random.default_rng()
            return self._np_random

    @property
    def unwrapped(self) -> "RemoteVectorEnv":
        return self

    def reset(self, *, seed: Any = None, options: Optional[dict] = None) -> Tuple[Any, dict]:
        # As Gymnasium's VectorEnv.reset: an int seed also seeds the vector env's np_random.
        if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            if _gym is not None:
                super().reset(seed=int(seed))
            else:
                self._np_random = np.random.default_rng(int(seed))
        r = self._s.reset(seed, options)
        return r["observations"], self._s.infos(r)

    def step(self, actions: Any) -> Tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict]:
        self.step_async(actions)
        return self.step_wait()

    def step_async(self, actions: Any) -> None:
        """Sends the actions and returns at once, so your own work overlaps the server's stepping
        (Gymnasium's `step_async`, EnvPool's `send`); `step_wait` collects the result. One step may
        be in flight: other calls before `step_wait` are refused."""
        batch = _batch_actions(self._s.action_json, actions, self.num_envs)
        for i in range(self.num_envs):
            a = batch[i].item() if batch[i].ndim == 0 else batch[i]
            _check(self.single_action_space, a, f"action [{i}]")
        self._s.send("step", actions=batch)

    def step_wait(self) -> Tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict]:
        """The result of the step `step_async` sent."""
        r = self._s.wait()
        return (r["observations"], np.asarray(r["rewards"], dtype=np.float64), np.asarray(r["terminated"], dtype=bool),
                np.asarray(r["truncated"], dtype=bool), self._s.infos(r))

    def render(self) -> np.ndarray:
        return self._s.request("render")["frames"]

    def close(self, **kwargs: Any) -> None:
        self._s.close()

    def __enter__(self) -> "RemoteVectorEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FleetVectorEnv(_VectorBase):
    """One vector env spread over several servers: env i of the whole lives on the server whose
    share holds index i, servers in the order given, so results come back ordered as one batch. A
    step sends every server its actions before waiting for any, so they step at the same time. An
    error names the server it came from. `curve` is one setting for all servers or a list, one per
    server (each with its own CURVE identity)."""

    def __init__(self, env_id: str, num_envs: int, addresses: Sequence[str], timeout: float = 30.0,
                 curve: Any = None, shared_memory: Optional[bool] = None, **options: Any) -> None:
        k = len(addresses)
        if k == 0 or num_envs < k:
            raise ValueError(f"a fleet of {k} servers needs at least one env on each, got num_envs={num_envs}")
        curves = list(curve) if isinstance(curve, (list, tuple)) else [curve] * k
        if len(curves) != k:
            raise ValueError(f"{len(curves)} CURVE settings for {k} servers")
        self.parts: List[RemoteVectorEnv] = []
        try:
            for j, a in enumerate(addresses):
                n = num_envs // k + (1 if j < num_envs % k else 0)
                self.parts.append(_on(a, lambda: RemoteVectorEnv(env_id, n, address=a, timeout=timeout, curve=curves[j],
                                                                 shared_memory=shared_memory, **options)))
        except BaseException:
            for p in self.parts:
                p.close()
            raise
        first = self.parts[0]
        for a, p in zip(addresses, self.parts):
            if p._s.observation_json != first._s.observation_json or p._s.action_json != first._s.action_json:
                self.close()
                raise ValueError(f"the fleet's servers serve different envs: {a} differs from {addresses[0]}")
        self.addresses = list(addresses)
        self.num_envs = int(num_envs)
        self._offsets = np.cumsum([0] + [p.num_envs for p in self.parts])
        self.single_observation_space = first.single_observation_space
        self.single_action_space = first.single_action_space
        self.observation_space = _batched(first._s.observation_json, self.num_envs)
        self.action_space = _batched(first._s.action_json, self.num_envs)
        self.metadata = dict(first.metadata)
        self.render_mode = "rgb_array"
        self.spec_json = first.spec_json

    @property
    def unwrapped(self) -> "FleetVectorEnv":
        return self

    def reset(self, *, seed: Any = None, options: Optional[dict] = None) -> Tuple[Any, dict]:
        results = []
        for j, (a, p) in enumerate(zip(self.addresses, self.parts)):
            lo, hi = int(self._offsets[j]), int(self._offsets[j + 1])
            if isinstance(seed, (list, tuple, np.ndarray)):
                s: Any = list(seed)[lo:hi]
            else:
                s = None if seed is None else int(seed) + lo
            results.append(_on(a, lambda: p.reset(seed=s, options=options)))
        return _concat([r[0] for r in results]), _concat_infos([r[1] for r in results], self.parts)

    def step(self, actions: Any) -> Tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict]:
        self.step_async(actions)
        return self.step_wait()

    def step_async(self, actions: Any) -> None:
        """Sends every server its share of the actions (all checked first) and returns at once."""
        batch = _batch_actions(self.parts[0]._s.action_json, actions, self.num_envs)
        for i in range(self.num_envs):
            a = batch[i].item() if batch[i].ndim == 0 else batch[i]
            _check(self.single_action_space, a, f"action [{i}]")
        for j, (a, p) in enumerate(zip(self.addresses, self.parts)):
            part = batch[int(self._offsets[j]):int(self._offsets[j + 1])]
            _on(a, lambda: p.step_async(part))

    def step_wait(self) -> Tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Every server's result, in env order; every reply is collected before an error is raised."""
        results, failure = [], None
        for a, p in zip(self.addresses, self.parts):
            try:
                results.append(_on(a, p.step_wait))
            except Exception as e:  # collect the others' replies first, so none stays in flight
                failure = failure or e
        if failure is not None:
            raise failure
        return (_concat([r[0] for r in results]), np.concatenate([r[1] for r in results]),
                np.concatenate([r[2] for r in results]), np.concatenate([r[3] for r in results]),
                _concat_infos([r[4] for r in results], self.parts))

    def render(self) -> np.ndarray:
        return np.concatenate([_on(a, p.render) for a, p in zip(self.addresses, self.parts)])

    def close(self, **kwargs: Any) -> None:
        for p in self.parts:
            p.close()

    def __enter__(self) -> "FleetVectorEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _on(address: str, call: Any) -> Any:
    """`call()`, with the server's address in front of any error's message (same error class)."""
    try:
        return call()
    except RemoteError as e:
        raise type(e)(e.code, f"server {address}: {e.message}") from e
    except (TimeoutError, ValueError, RuntimeError) as e:
        raise type(e)(f"server {address}: {e}") from e


def _concat(parts: List[Any]) -> Any:
    if isinstance(parts[0], dict):
        return {k: _concat([p[k] for p in parts]) for k in parts[0]}
    return np.concatenate(parts)


def _concat_infos(infos: List[Dict[str, Any]], parts: List[Any]) -> Dict[str, Any]:
    """Vector infos of consecutive shares as one: a key some share lacks is zero and masked there."""
    keys = dict.fromkeys(k for info in infos for k in info if not (k.startswith("_") and k[1:] in info))
    out: Dict[str, Any] = {}
    for k in keys:
        like = next(info[k] for info in infos if k in info)
        cols, masks = [], []
        for info, p in zip(infos, parts):
            cols.append(info[k] if k in info else np.zeros((p.num_envs,) + like.shape[1:], dtype=like.dtype))
            masks.append(info["_" + k] if k in info else np.zeros(p.num_envs, dtype=bool))
        out[k] = np.concatenate(cols)
        out["_" + k] = np.concatenate(masks)
    return out


def _batched(space_json: dict, n: int) -> Any:
    """The batched space of N copies, as Gymnasium's `batch_space` would give."""
    return _spaces.from_json(_batched_json(space_json, n))


def _batched_json(j: dict, n: int) -> dict:
    t = j["type"]
    if t == "Discrete":
        return {"type": "MultiDiscrete", "nvec": [int(j["n"])] * n, "start": [int(j.get("start", 0))] * n}
    if t == "Box":
        def rep(b: Any) -> Any:
            return [x for _ in range(n) for x in b] if isinstance(b, list) else b
        return dict(j, shape=[n] + list(j["shape"]), low=rep(j["low"]), high=rep(j["high"]))
    if t == "MultiDiscrete":
        start = list(j.get("start", [0] * len(j["nvec"])))
        return {"type": "MultiDiscrete", "nvec": [[int(x) for x in j["nvec"]] for _ in range(n)],
                "start": [start for _ in range(n)]}
    return {"type": "Dict", "spaces": {k: _batched_json(v, n) for k, v in j["spaces"].items()}}
