"""Python client for Genie4j environments served over ZeroMQ (protocol/PROTOCOL.md, version 1.1).

    import genie4j
    with genie4j.make("CoinRun-v0", address="tcp://127.0.0.1:5555") as env:
        obs, info = env.reset(seed=0)
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

Needs only pyzmq and numpy; with gymnasium installed the envs and spaces are gymnasium's own types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

from ._client import (Connection, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied,
                      RemoteError, ResourceExhausted, TimeoutError, Unavailable)
from ._env import FleetVectorEnv, RemoteEnv, RemoteVectorEnv
from ._spaces import from_json as space_from_json, to_json as space_to_json

__all__ = ["make", "load_curve", "RemoteEnv", "RemoteVectorEnv", "FleetVectorEnv", "Connection", "RemoteError",
           "InvalidArgument", "NotFound", "FailedPrecondition", "PermissionDenied", "ResourceExhausted",
           "Unavailable", "TimeoutError", "space_from_json",
           "space_to_json"]
__version__ = "0.1.0"


def make(env_id: str, address: Union[str, Sequence[str]] = "tcp://127.0.0.1:5555", num_envs: int = 1,
         timeout: float = 30.0, curve: Any = None, shared_memory: Optional[bool] = None,
         **options: Any) -> Union[RemoteEnv, RemoteVectorEnv, FleetVectorEnv]:
    """Makes `num_envs` copies of a registered env on the server at `address`.

    Returns a `RemoteEnv` (Gymnasium's Env API) for one env and a `RemoteVectorEnv` (Gymnasium's
    vector API, next-step autoreset) for more. Keyword options are the env's options
    (`genie4j envs --json` lists them). Raises NotFound for an unknown id, InvalidArgument for a bad
    option, TimeoutError when no server answers within `timeout` seconds.

    An option that is an image, such as Genie-v0's `prompt`, may be the bytes of a PNG, JPEG, GIF or
    BMP file or a numpy uint8 array [H, W, 3] of RGB pixels: `make("Genie-v0", prompt=open("p.png",
    "rb").read())`. A file path is refused (PermissionDenied) unless the server was started with
    `--allow-dir` and the file lies inside such a directory on the server's machine.

    `shared_memory` (default: when `address` is on this machine) asks the server to hand over
    observations through shared memory instead of the socket, up to about twice as fast for batches
    of images; if the server declines or its file cannot be opened, they come through the socket.

    A list of addresses makes one `FleetVectorEnv` of `num_envs` envs spread over those servers (as
    even a share on each as can be), stepped together and returned in order; `curve` may then be a
    list with one setting per server. Vector envs have Gymnasium's `step_async`/`step_wait`."""
    if not isinstance(address, str):
        return FleetVectorEnv(env_id, num_envs, list(address), timeout=timeout, curve=curve,
                              shared_memory=shared_memory, **options)
    if num_envs == 1:
        return RemoteEnv(env_id, address=address, timeout=timeout, curve=curve, shared_memory=shared_memory,
                         **options)
    return RemoteVectorEnv(env_id, num_envs, address=address, timeout=timeout, curve=curve,
                           shared_memory=shared_memory, **options)


def load_curve(server_public_key_file: Union[str, Path], client_secret_file: Union[str, Path]) -> Dict[str, str]:
    """CURVE settings for `make` from the files `genie4j keygen` writes: the server's NAME.pub and
    this client's NAME.secret (with public= and secret= lines)."""
    server = Path(server_public_key_file).read_text().split()[0]
    fields = dict(line.strip().split("=", 1) for line in Path(client_secret_file).read_text().splitlines()
                  if "=" in line)
    try:
        return {"server_public_key": server, "client_public_key": fields["public"],
                "client_secret_key": fields["secret"]}
    except KeyError:
        raise ValueError(f"{client_secret_file} is not a CURVE secret key file (public= and secret= lines)") from None
