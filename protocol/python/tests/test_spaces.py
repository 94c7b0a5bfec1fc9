"""Space JSON conversion, without a server."""

import numpy as np
import pytest

import genie4j
from genie4j import _wire


@pytest.mark.parametrize("j", [
    {"type": "Discrete", "n": 15, "start": 0},
    {"type": "Discrete", "n": 3, "start": -1},
    {"type": "Box", "shape": [64, 64, 3], "dtype": "uint8", "low": 0, "high": 255},
    {"type": "Box", "shape": [2], "dtype": "float32", "low": ["-inf", 0], "high": [1.5, "inf"]},
    {"type": "MultiDiscrete", "nvec": [3, 2], "start": [1, 0]},
    {"type": "Dict", "spaces": {"a": {"type": "Discrete", "n": 2, "start": 0},
                                "b": {"type": "Box", "shape": [1], "dtype": "int64", "low": 0, "high": 9}}},
])
def test_json_round_trip(j):
    assert genie4j.space_to_json(genie4j.space_from_json(j)) == j


def test_discrete_contains_and_sample():
    s = genie4j.space_from_json({"type": "Discrete", "n": 3, "start": 0})
    assert s.contains(2) and not s.contains(3) and not s.contains(-1)
    s.seed(4)
    a = [s.sample() for _ in range(20)]
    s.seed(4)
    assert a == [s.sample() for _ in range(20)]
    assert all(s.contains(x) for x in a)


def test_box_contains_checks_dtype_shape_and_bounds():
    s = genie4j.space_from_json({"type": "Box", "shape": [2, 2, 3], "dtype": "uint8", "low": 0, "high": 255})
    assert s.contains(np.zeros((2, 2, 3), np.uint8))
    assert not s.contains(np.zeros((2, 2, 3), np.float32))
    assert not s.contains(np.zeros((2, 3, 3), np.uint8))


def test_wire_round_trip_of_every_dtype():
    arrays = {name: np.arange(6).astype(_wire.numpy_dtype(name)).reshape(2, 3)
              for name in ["uint8", "int32", "int64", "float32", "float64", "bool"]}
    frames = _wire.encode({"op": "x", "nested": {"list": [arrays["int64"]]}, **arrays})
    assert len(frames) == 8  # the header and 7 tensors
    back = _wire.decode(frames)
    for name, arr in arrays.items():
        assert back[name].dtype == arr.dtype and np.array_equal(back[name], arr)
    assert np.array_equal(back["nested"]["list"][0], arrays["int64"])
    assert frames[1] == np.arange(6, dtype="<i8").tobytes()  # nested tensors come first


def test_little_endian_buffers():
    frames = _wire.encode({"x": np.array([1], dtype=np.int32)})
    assert frames[1] == b"\x01\x00\x00\x00"


def test_vector_infos_keep_every_value_whole():
    from genie4j._env import _vector_infos
    infos = _vector_infos([{"death": "saw", "x": 1}, {"death": "enemy", "x": 1.5}, {"y": True}])
    assert list(infos["death"][:2]) == ["saw", "enemy"]
    assert infos["x"].dtype == np.float64 and list(infos["x"][:2]) == [1.0, 1.5]
    assert list(infos["_death"]) == [True, True, False]
    assert infos["y"].dtype == bool and list(infos["_y"]) == [False, False, True]
    assert _vector_infos([{"n": 2}, {"n": 3}])["n"].dtype == np.int64
