package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad request of PROTOCOL.md gets its error code and leaves the session usable. */
class MalformedRequestTest {
    private EnvServer server;
    private RawClient client;
    private String session;

    @BeforeEach
    void start() {
        server =
                EnvServer.start(
                        ServerConfig.defaults("tcp://127.0.0.1:*").withMaxMessageBytes(64 * 1024));
        client = new RawClient(server.endpoint());
        client.sendJson("{\"op\":\"make\",\"id\":1,\"env_id\":\"Corridor-v0\",\"num_envs\":2}");
        session = (String) client.reply().get("session");
        client.sendJson("{\"op\":\"reset\",\"id\":2,\"session\":\"" + session + "\",\"seed\":5}");
        assertEquals(true, client.reply().get("ok"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Map<String, Object> send(String json, byte[]... buffers) {
        client.sendJson(json, buffers);
        Map<String, Object> r = client.reply();
        assertNotNull(r, "no reply to " + json);
        return r;
    }

    private void assertError(String code, Map<String, Object> reply) {
        assertFalse((Boolean) reply.get("ok"), reply.toString());
        assertEquals(code, RawClient.code(reply), reply.toString());
    }

    private static byte[] int64s(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    private String step(String actions) {
        return "{\"op\":\"step\",\"id\":9,\"session\":\""
                + session
                + "\",\"actions\":"
                + actions
                + "}";
    }

    @Test
    void aSessionAsksForColumnarInfosAndGetsOneColumnAndMaskPerKey() {
        assertError(
                "INVALID_ARGUMENT",
                send("{\"op\":\"make\",\"id\":3,\"env_id\":\"Corridor-v0\",\"infos\":\"rows\"}"));
        Map<String, Object> made =
                send(
                        "{\"op\":\"make\",\"id\":3,\"env_id\":\"Corridor-v0\",\"num_envs\":3,"
                                + "\"infos\":\"columnar\"}");
        assertEquals("columnar", made.get("infos"));
        String sid = (String) made.get("session");
        Map<String, Object> r =
                send("{\"op\":\"reset\",\"id\":4,\"session\":\"" + sid + "\",\"seed\":1}");
        assertTrue(r.get("infos") instanceof Map<?, ?>, r.toString());
        Map<?, ?> infos = (Map<?, ?>) r.get("infos");
        assertFalse(infos.isEmpty(), r.toString());
        for (Object k : infos.keySet()) {
            if (!String.valueOf(k).startsWith("_")) {
                io.genie4j.env.Tensor mask = (io.genie4j.env.Tensor) infos.get("_" + k);
                assertEquals(io.genie4j.env.DType.BOOL, mask.dtype(), k.toString());
                assertEquals(3, mask.size(), k.toString());
            }
        }
        assertEquals(
                "list", send("{\"op\":\"make\",\"id\":5,\"env_id\":\"Corridor-v0\"}").get("infos"));
    }

    @Test
    void badJsonIsInvalid() {
        assertError("INVALID_ARGUMENT", send("{\"op\": \"step\", "));
        assertError("INVALID_ARGUMENT", send("[1, 2]"));
    }

    @Test
    void anEmptyHeaderFrameGetsAWellFormedError() {
        // A DEALER's single empty frame: the reply is a JSON header, not an empty frame.
        client.send(java.util.List.of(new byte[0]));
        Map<String, Object> r = client.reply();
        assertError("INVALID_ARGUMENT", r);
        assertTrue(errorMessage(r).contains("empty header frame"), r.toString());
        // After a REQ-style empty delimiter the reply has the delimiter too, then the error.
        client.send(java.util.List.of(new byte[0], new byte[0]));
        java.util.List<byte[]> frames = client.replyFrames();
        assertEquals(0, frames.get(0).length);
        assertError("INVALID_ARGUMENT", WireMessage.decode(frames.subList(1, frames.size())));
        // An empty first frame with more behind it is such a delimiter, also before a bad header.
        client.send(java.util.List.of(new byte[0], new byte[] {1, 2}));
        frames = client.replyFrames();
        assertEquals(0, frames.get(0).length);
        assertError("INVALID_ARGUMENT", WireMessage.decode(frames.subList(1, frames.size())));
        assertEquals(true, send("{\"op\":\"ping\"}").get("ok"));
    }

    @Test
    void helloSaysWhatWasWrongWithTheVersions() {
        Map<String, Object> ok = send("{\"op\":\"hello\",\"id\":1,\"versions\":[1]}");
        assertEquals(1, ok.get("version"));
        assertEquals("1.1", ok.get("protocol_version"));
        String strings = errorMessage(send("{\"op\":\"hello\",\"versions\":[\"1\"]}"));
        assertTrue(
                strings.contains("element 0 of [\"1\"] is a string \"1\"")
                        && strings.contains("speaks [1]"),
                strings);
        String real = errorMessage(send("{\"op\":\"hello\",\"versions\":[1.5]}"));
        assertTrue(real.contains("a non-integer number 1.5"), real);
        Map<String, Object> none = send("{\"op\":\"hello\",\"versions\":[2,3]}");
        assertError("UNIMPLEMENTED", none);
        assertTrue(
                errorMessage(none).contains("offered [2,3]")
                        && errorMessage(none).contains("speaks [1]"),
                none.toString());
        assertError("INVALID_ARGUMENT", send("{\"op\":\"hello\",\"versions\":[]}"));
        String notList = errorMessage(send("{\"op\":\"hello\",\"versions\":\"1.1\"}"));
        assertTrue(notList.contains("got \"1.1\""), notList);
    }

    private static String errorMessage(Map<String, Object> reply) {
        return String.valueOf(((Map<?, ?>) reply.get("error")).get("message"));
    }

    @Test
    void unknownOpIsUnimplementedAndKeepsTheId() {
        Map<String, Object> r = send("{\"op\":\"teleport\",\"id\":77}");
        assertError("UNIMPLEMENTED", r);
        assertEquals(77, r.get("id"));
    }

    @Test
    void missingOrIllTypedFieldsAreInvalid() {
        assertError("INVALID_ARGUMENT", send("{\"id\":3}"));
        assertError("INVALID_ARGUMENT", send("{\"op\":\"reset\",\"id\":3}"));
        assertError(
                "INVALID_ARGUMENT",
                send("{\"op\":\"make\",\"id\":3,\"env_id\":\"Corridor-v0\",\"num_envs\":0}"));
        assertError(
                "INVALID_ARGUMENT",
                send("{\"op\":\"reset\",\"id\":3,\"session\":\"" + session + "\",\"seed\":\"x\"}"));
        assertError("INVALID_ARGUMENT", send("{\"op\":\"ping\",\"id\":\"abc\"}"));
    }

    @Test
    void wrongDtypeShapeOrValueOfActionsIsInvalid() {
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":0,\"dtype\":\"float32\",\"shape\":[2]}"), new byte[8]));
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[3]}"), int64s(1, 1, 1)));
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[2]}"), int64s(1, 9)));
        assertError("INVALID_ARGUMENT", send(step("[1]")));
        assertError("INVALID_ARGUMENT", send(step("\"left\"")));
    }

    @Test
    void sharedMemoryReferencesInRequestsAndIllTypedSharedMemoryAreInvalid() {
        assertError(
                "INVALID_ARGUMENT", send(step("{\"$shm\":0,\"dtype\":\"int64\",\"shape\":[2]}")));
        assertError(
                "INVALID_ARGUMENT",
                send(
                        "{\"op\":\"make\",\"id\":3,\"env_id\":\"Corridor-v0\","
                                + "\"shared_memory\":\"yes\"}"));
    }

    @Test
    void missingOrExtraBuffersAreInvalid() {
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[2]}")));
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":0,\"dtype\":\"int64\",\"shape\":[2]}"), new byte[5]));
        assertError("INVALID_ARGUMENT", send(step("[1, 1]"), new byte[8]));
        assertError(
                "INVALID_ARGUMENT",
                send(step("{\"$tensor\":1,\"dtype\":\"int64\",\"shape\":[2]}"), int64s(1, 1)));
    }

    @Test
    void oversizedMessageIsResourceExhausted() {
        Map<String, Object> r =
                send(
                        "{\"op\":\"ping\",\"id\":4,\"pad\":{\"$tensor\":0,\"dtype\":\"uint8\",\"shape\":[100000]}}",
                        new byte[100_000]);
        assertError("RESOURCE_EXHAUSTED", r);
        assertEquals(4, r.get("id"));
    }

    @Test
    void closedSessionIsNotFound() {
        assertEquals(
                true,
                send("{\"op\":\"close\",\"id\":5,\"session\":\"" + session + "\"}").get("ok"));
        assertError("NOT_FOUND", send(step("[1, 1]")));
        assertError(
                "NOT_FOUND", send("{\"op\":\"close\",\"id\":6,\"session\":\"" + session + "\"}"));
    }

    @Test
    void aBadRequestChangesNothing() {
        // Env 1's action is out of range: neither env may move.
        Map<String, Object> before =
                send("{\"op\":\"render\",\"id\":7,\"session\":\"" + session + "\"}");
        assertError("INVALID_ARGUMENT", send(step("[2, 3]")));
        Map<String, Object> after =
                send("{\"op\":\"render\",\"id\":8,\"session\":\"" + session + "\"}");
        assertEquals(before.get("frames"), after.get("frames"));
        Map<String, Object> ok = send(step("[2, 2]"));
        assertTrue((Boolean) ok.get("ok"));
    }
}
