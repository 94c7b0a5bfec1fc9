package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnarInfosTest {

    private static Map<String, Object> info(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static final List<Map<String, Object>> INFOS =
            List.of(
                    info(
                            "done",
                            true,
                            "step",
                            3,
                            "score",
                            1.5,
                            "name",
                            "a",
                            "pos",
                            Tensor.int64(new long[] {1, 2}, 2)),
                    info(
                            "step",
                            7_000_000_000L,
                            "score",
                            2,
                            "pos",
                            Tensor.int64(new long[] {3, 4}, 2)),
                    info("done", false, "name", "bb", "odd", List.of(1, 2)));

    @Test
    void eachKeyIsOneTypedColumnWithAPresenceMask() {
        Map<String, Object> c = ColumnarInfos.encode(INFOS);
        assertEquals(
                List.of(
                        "done", "_done", "step", "_step", "score", "_score", "name", "_name", "pos",
                        "_pos", "odd", "_odd"),
                List.copyOf(c.keySet()));
        Tensor done = (Tensor) c.get("done");
        assertEquals(DType.BOOL, done.dtype());
        assertArrayEquals(new double[] {1, 0, 0}, done.toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 1}, ((Tensor) c.get("_done")).toDoubleArray());
        Tensor step = (Tensor) c.get("step");
        assertEquals(DType.INT64, step.dtype());
        assertEquals(7_000_000_000L, step.getLong(1));
        Tensor score = (Tensor) c.get("score");
        assertEquals(DType.FLOAT64, score.dtype());
        assertArrayEquals(new double[] {1.5, 2, 0}, score.toDoubleArray());
        assertEquals(Arrays.asList("a", null, "bb"), c.get("name"));
        Tensor pos = (Tensor) c.get("pos");
        assertArrayEquals(new int[] {3, 2}, pos.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 0, 0}, pos.toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 1}, ((Tensor) c.get("_odd")).toDoubleArray());
    }

    @Test
    void decodingGivesBackEachEnvsInfo() {
        List<Map<String, Object>> back = ColumnarInfos.decode(ColumnarInfos.encode(INFOS), 3);
        assertEquals(
                info(
                        "done",
                        true,
                        "step",
                        3,
                        "score",
                        1.5,
                        "name",
                        "a",
                        "pos",
                        INFOS.get(0).get("pos")),
                back.get(0));
        assertEquals(
                info("step", 7_000_000_000L, "score", 2.0, "pos", INFOS.get(1).get("pos")),
                back.get(1));
        assertEquals(info("done", false, "name", "bb", "odd", List.of(1, 2)), back.get(2));
    }

    @Test
    void aColumnWithoutItsMaskIsAMalformedReply() {
        Map<String, Object> c = new LinkedHashMap<>(ColumnarInfos.encode(INFOS));
        c.remove("_step");
        ProtocolException e =
                assertThrows(ProtocolException.class, () -> ColumnarInfos.decode(c, 3));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertThrows(ProtocolException.class, () -> ColumnarInfos.decode(List.of(), 3));
    }
}
