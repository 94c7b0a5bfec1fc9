"""The Python client against a real Genie4j server (started by conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import genie4j


def test_reset_and_step_shapes(address):
    with genie4j.make("Corridor-v0", address=address) as env:
        assert env.action_space.n == 3
        assert env.observation_space.shape == (64, 64, 3)
        assert env.metadata["autoreset_mode"] == "NextStep"
        obs, info = env.reset(seed=1)
        assert obs.shape == (64, 64, 3) and obs.dtype == np.uint8
        assert env.observation_space.contains(obs)
        obs, reward, terminated, truncated, info = env.step(2)
        assert isinstance(reward, float) and isinstance(terminated, bool) and isinstance(truncated, bool)
        assert env.render().shape == (64, 64, 3)


def test_same_seed_and_actions_same_observations(address):
    runs = []
    for _ in range(2):
        with genie4j.make("Corridor-v0", address=address, length=6) as env:
            obs, _ = env.reset(seed=5)
            frames = [obs]
            for a in [2, 0, 2, 2, 1, 2, 2, 2]:
                obs, *_ = env.step(a)
                frames.append(obs)
            runs.append(np.stack(frames))
    assert np.array_equal(runs[0], runs[1])


def test_corridor_dynamics(address):
    with genie4j.make("Corridor-v0", address=address, length=5) as env:
        _, info = env.reset(seed=3)
        position = info["position"]
        while True:
            _, reward, terminated, truncated, info = env.step(2)
            position += 1
            assert info["position"] == position
            if terminated:
                break
            assert reward == 0.0
        assert reward == 1.0 and position == 4 and not truncated


def test_vector_autoreset_is_next_step(address):
    with genie4j.make("Corridor-v0", address=address, num_envs=3, length=2) as envs:
        assert envs.num_envs == 3
        assert envs.single_action_space.n == 3
        assert envs.observation_space.shape == (3, 64, 64, 3)
        obs, infos = envs.reset(seed=10)
        assert obs.shape == (3, 64, 64, 3)
        assert infos["_position"].all()
        # length 2: every env starts at cell 0 and reaches the goal in one step right
        obs, rewards, terminated, truncated, infos = envs.step(np.array([2, 2, 2]))
        assert rewards.dtype == np.float64 and terminated.all() and not truncated.any()
        assert (infos["position"] == 1).all()
        obs2, rewards, terminated, truncated, infos = envs.step(np.array([2, 2, 2]))
        assert (rewards == 0).all() and not terminated.any() and not truncated.any()
        assert (infos["position"] == 0).all(), "the step after the end resets and ignores the action"


def test_vector_seeds_are_seed_plus_index(address):
    with genie4j.make("Corridor-v0", address=address, num_envs=2, length=40) as a, \
            genie4j.make("Corridor-v0", address=address, length=40) as b:
        _, infos = a.reset(seed=7)
        _, info1 = b.reset(seed=8)
        assert infos["position"][1] == info1["position"]
        _, infos = a.reset(seed=[8, 7])
        assert infos["position"][0] == info1["position"]


def test_errors_are_mapped(address):
    with pytest.raises(genie4j.NotFound) as e:
        genie4j.make("Nope-v0", address=address)
    assert "Corridor-v0" in str(e.value) and e.value.code == "NOT_FOUND"
    with pytest.raises(genie4j.InvalidArgument) as e:
        genie4j.make("Corridor-v0", address=address, colour="red")
    assert isinstance(e.value, ValueError) and "unknown option 'colour'" in str(e.value)
    with genie4j.make("Corridor-v0", address=address) as env:
        with pytest.raises(genie4j.FailedPrecondition) as e:
            env.step(1)
        assert e.value.code == "FAILED_PRECONDITION"
        env.reset(seed=0)
        with pytest.raises(ValueError, match="action 7 is outside Discrete"):
            env.step(7)


def test_timeout_when_no_server():
    with pytest.raises(genie4j.TimeoutError) as e:
        genie4j.make("Corridor-v0", address="tcp://127.0.0.1:9", timeout=0.5)
    assert "tcp://127.0.0.1:9" in str(e.value)
    assert isinstance(e.value, TimeoutError)


def test_close_is_idempotent(address):
    env = genie4j.make("Corridor-v0", address=address)
    env.close()
    env.close()
    with pytest.raises(RuntimeError):
        env.reset(seed=0)


def test_random_agent_example_runs(address):
    script = Path(__file__).resolve().parents[1] / "examples" / "random_agent.py"
    out = subprocess.run([sys.executable, str(script), "--address", address, "--env", "Corridor-v0",
                          "--episodes", "2", "--num-envs", "2", "--seed", "3"],
                         capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("episode") >= 2, out.stdout
    assert "steps/s" in out.stdout


def test_shared_memory_gives_the_same_observations_as_the_socket(address):
    runs = {}
    for shared in (True, False):
        with genie4j.make("Corridor-v0", address=address, num_envs=3, length=4, shared_memory=shared) as envs:
            assert (envs._s.shm is not None) == shared
            obs, _ = envs.reset(seed=7)
            frames = [obs]
            for a in [2, 1, 2, 2, 0, 2, 2]:
                obs, *_ = envs.step([a, 2, 0])
                assert not obs.flags.writeable
                frames.append(obs)
            runs[shared] = np.stack(frames)
    assert np.array_equal(runs[True], runs[False])


def test_the_request_channel_gives_the_same_steps_as_the_socket_and_goes_with_the_session(address):
    runs = {}
    for shared in (True, False):
        with genie4j.make("Corridor-v0", address=address, num_envs=3, length=4, shared_memory=shared) as envs:
            assert (envs._s.channel is not None) == shared  # a local session's requests skip the socket
            obs, _ = envs.reset(seed=5)
            steps = [(obs,)]
            for i, a in enumerate([2, 1, 2, 2, 0, 2, 2, 1, 2]):
                if i % 2:
                    envs.step_async([a, 2, 0])
                    steps.append(envs.step_wait())
                else:
                    steps.append(envs.step([a, 2, 0]))
            with pytest.raises(genie4j.InvalidArgument):
                envs.reset(seed=1, options={"colour": 3})  # errors come back through it too
            runs[shared] = steps
    for a, b in zip(runs[True], runs[False]):
        for x, y in zip(a, b):
            if isinstance(x, dict):
                assert x.keys() == y.keys() and all(np.array_equal(x[k], y[k]) for k in x)
            else:
                assert np.array_equal(x, y)
    env = genie4j.make("Corridor-v0", address=address)
    path = env._s.shm_path.replace(".obs", ".chan")
    assert os.path.exists(path)
    env.reset(seed=1)
    env.close()
    assert not os.path.exists(path)


def test_shared_memory_is_the_default_on_loopback_and_its_file_goes_with_the_session(address):
    env = genie4j.make("Corridor-v0", address=address)
    path = env._s.shm_path
    assert path is not None and os.path.exists(path)
    first, _ = env.reset(seed=1)
    second, *_ = env.step(2)
    assert not np.array_equal(first, second)  # the first reply's copy outlives the next request
    env.close()
    assert env._s.shm.closed and not os.path.exists(path)


def _png(pixels: np.ndarray) -> bytes:
    """A PNG file of uint8 [H, W, 3] RGB pixels (no imaging library needed)."""
    import struct
    import zlib
    h, w, _ = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _pixels() -> np.ndarray:
    y, x = np.mgrid[0:64, 0:64]
    return np.stack([x * 4, y * 4, (x + y) * 2], axis=-1).astype(np.uint8)


def test_a_prompt_sent_as_png_bytes_plays_as_the_same_pixels(address):
    pixels = _pixels()
    with genie4j.make("Genie-v0", address=address, prompt=_png(pixels)) as a, \
            genie4j.make("Genie-v0", address=address, prompt=pixels) as b:
        obs_a, _ = a.reset(seed=4)
        obs_b, _ = b.reset(seed=4)
        assert obs_a.shape == (64, 64, 3)
        assert np.array_equal(obs_a, obs_b)
        assert np.array_equal(a.step(1)[0], b.step(1)[0])


def test_a_path_on_the_server_is_refused_whether_or_not_it_exists(address, tmp_path):
    existing = tmp_path / "prompt.png"
    existing.write_bytes(_png(_pixels()))
    missing = tmp_path / "nope.png"
    with pytest.raises(genie4j.PermissionDenied) as there:
        genie4j.make("Genie-v0", address=address, prompt=str(existing))
    with pytest.raises(genie4j.PermissionDenied) as absent:
        genie4j.make("Genie-v0", address=address, prompt=str(missing))
    assert there.value.message.replace(str(existing), "P") == absent.value.message.replace(str(missing), "P")
    assert "--allow-dir" in there.value.message
    with pytest.raises(genie4j.PermissionDenied):
        genie4j.make("Genie-v0", address=address, model="/etc")


def test_image_bytes_are_bounded_before_decoding(address):
    import struct
    import zlib
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 16000, 16000, 8, 2, 0, 0, 0)
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    with pytest.raises(genie4j.ResourceExhausted, match="16000×16000"):
        genie4j.make("Genie-v0", address=address, prompt=header)
    with pytest.raises(genie4j.InvalidArgument, match="not a PNG, JPEG, GIF or BMP image"):
        genie4j.make("Genie-v0", address=address, prompt=b"hello, world")


def test_reset_seeds_np_random_as_gymnasiums_checker_expects(address):
    """Mirrors gymnasium.utils.env_checker's seed and reset checks, which CI cannot import."""
    import copy
    for env_id in ["Corridor-v0", "CoinRun-v0"]:
        with genie4j.make(env_id, address=address) as env:
            obs_1, info = env.reset(seed=123)
            assert env.observation_space.contains(obs_1) and isinstance(info, dict)
            assert env.unwrapped._np_random is not None, "reset(seed=...) seeds np_random"
            rng_123 = copy.deepcopy(env.unwrapped._np_random)
            obs_2, _ = env.reset(seed=123)
            assert np.array_equal(obs_1, obs_2)
            assert env.unwrapped._np_random.bit_generator.state == rng_123.bit_generator.state
            env.reset(seed=None)
            assert env.unwrapped._np_random.bit_generator.state == rng_123.bit_generator.state, \
                "reset() without a seed keeps the generator"
            env.reset(seed=456)
            assert env.unwrapped._np_random.bit_generator.state != rng_123.bit_generator.state
            obs_3, _ = env.reset(options={})
            assert env.observation_space.contains(obs_3)
            # Step determinism from the same seed and sampled action.
            results = []
            for _ in range(2):
                env.reset(seed=123)
                env.action_space.seed(123)
                action = env.action_space.sample()
                results.append(env.step(action))
            (o1, r1, t1, u1, _), (o2, r2, t2, u2, _) = results
            assert np.array_equal(o1, o2) and (r1, t1, u1) == (r2, t2, u2)
    with genie4j.make("Corridor-v0", address=address, num_envs=2) as envs:
        envs.reset(seed=7)
        state = copy.deepcopy(envs.np_random.bit_generator.state)
        envs.reset(seed=7)
        assert envs.np_random.bit_generator.state == state


def test_gymnasiums_own_checker_passes_where_gymnasium_is_installed(address):
    gymnasium = pytest.importorskip("gymnasium")
    from gymnasium.utils.env_checker import check_env
    for env_id in ["Corridor-v0", "CoinRun-v0", "Noop-v0"]:
        with genie4j.make(env_id, address=address) as env:
            assert isinstance(env, gymnasium.Env)
            check_env(env)


def test_columnar_infos_equal_the_per_env_infos_in_gymnasiums_vector_form(address):
    from genie4j._env import _Session, _vector_infos, _columnar_infos
    a = _Session("CoinRun-v0", address, 4, 30.0, None, {}, False, columnar=True)
    b = _Session("CoinRun-v0", address, 4, 30.0, None, {}, False)
    try:
        assert a.columnar and not b.columnar
        ra, rb = a.reset(7, None), b.reset(7, None)
        assert isinstance(ra["infos"], dict) and isinstance(rb["infos"], list)
        for _ in range(30):
            ca, cb = _columnar_infos(ra["infos"]), _vector_infos(rb["infos"])
            assert ca.keys() == cb.keys() and len(ca) > 0
            for k in ca:
                assert ca[k].dtype == cb[k].dtype, k
                np.testing.assert_array_equal(ca[k], cb[k], err_msg=k)
            acts = np.arange(4, dtype=np.int64) % 15
            ra, rb = a.request("step", actions=acts), b.request("step", actions=acts)
    finally:
        a.close()
        b.close()


def test_a_fleet_of_two_servers_steps_as_one_batch_in_order(address, address2):
    with genie4j.make("Corridor-v0", address=[address, address2], num_envs=5, length=4) as fleet, \
            genie4j.make("Corridor-v0", address=address, num_envs=5, length=4) as one:
        assert isinstance(fleet, genie4j.FleetVectorEnv)
        assert [p.num_envs for p in fleet.parts] == [3, 2]
        assert fleet.action_space == one.action_space
        fo, fi = fleet.reset(seed=11)
        oo, oi = one.reset(seed=11)
        np.testing.assert_array_equal(fo, oo)
        for t in range(12):
            acts = np.array([(t + i) % 2 for i in range(5)])
            f, o = fleet.step(acts), one.step(acts)
            for a, b in zip(f[:4], o[:4]):
                np.testing.assert_array_equal(a, b)
            assert f[4].keys() == o[4].keys()
            for k in f[4]:
                np.testing.assert_array_equal(f[4][k], o[4][k], err_msg=k)


def test_step_async_overlaps_and_refuses_other_calls_until_collected(address):
    with genie4j.make("Corridor-v0", address=address, num_envs=2) as envs:
        envs.reset(seed=3)
        envs.step_async(np.array([1, 1]))
        with pytest.raises(RuntimeError, match="in flight"):
            envs.reset(seed=3)
        obs, rewards, terminated, truncated, infos = envs.step_wait()
        assert obs.shape[0] == 2 and rewards.shape == (2,)
        with pytest.raises(RuntimeError, match="no step in flight"):
            envs.step_wait()


def test_a_fleet_error_names_the_server(address, address2):
    with genie4j.make("Corridor-v0", address=[address, address2], num_envs=2) as fleet:
        with pytest.raises(genie4j.FailedPrecondition, match=f"server {address}"):
            fleet.step(np.array([0, 1]))
        fleet.reset(seed=1)
        fleet.step(np.array([0, 1]))  # every reply was collected: the fleet goes on
    with pytest.raises(genie4j.InvalidArgument, match=f"server {address}"):
        genie4j.make("Corridor-v0", address=[address, address2], num_envs=2, length=-1)
