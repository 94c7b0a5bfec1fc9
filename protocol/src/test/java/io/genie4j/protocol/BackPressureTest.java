package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No reply is ever lost (PROTOCOL.md §7): a client that pipelines many requests before reading gets
 * exactly one reply to each, a result or an explicit busy refusal.
 */
class BackPressureTest {

    /** Sends {@code n} requests without reading, then reads; returns {ok, busy}. */
    private static int[] pipeline(RawClient c, int n, String request) {
        for (int i = 0; i < n; i++) {
            c.sendJson(request.replace("ID", Integer.toString(i)));
        }
        boolean[] seen = new boolean[n];
        int ok = 0;
        int busy = 0;
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = c.reply();
            assertNotNull(r, "reply " + i + " of " + n + " never came");
            int id = ((Number) r.get("id")).intValue();
            assertTrue(!seen[id], "two replies to request " + id);
            seen[id] = true;
            if (Boolean.TRUE.equals(r.get("ok"))) {
                ok++;
            } else {
                assertEquals("UNAVAILABLE", RawClient.code(r), r.toString());
                String msg = String.valueOf(((Map<?, ?>) r.get("error")).get("message"));
                assertTrue(msg.contains("--max-pending-replies"), msg);
                busy++;
            }
        }
        return new int[] {ok, busy};
    }

    @Test
    void twentyThousandPipelinedPingsGetTwentyThousandReplies() {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                RawClient c = new RawClient(server.endpoint())) {
            int[] r = pipeline(c, 20_000, "{\"op\":\"ping\",\"id\":ID}");
            assertEquals(20_000, r[0] + r[1]);
        }
    }

    @Test
    void beyondThePendingLimitRequestsAreRefusedAsBusyNotDropped() {
        try (EnvServer server =
                        EnvServer.start(
                                ServerConfig.defaults("tcp://127.0.0.1:*")
                                        .withMaxPendingReplies(20));
                RawClient c = new RawClient(server.endpoint(), 10)) {
            c.sendJson("{\"op\":\"make\",\"id\":0,\"env_id\":\"Corridor-v0\",\"num_envs\":4}");
            String sid = (String) c.reply().get("session");
            c.sendJson("{\"op\":\"reset\",\"id\":0,\"session\":\"" + sid + "\",\"seed\":1}");
            assertEquals(true, c.reply().get("ok"));
            // Each reply carries 4 frames of 64x64x3 (48 KiB): the socket buffers fill quickly.
            int n = 1500;
            int[] r = pipeline(c, n, "{\"op\":\"render\",\"id\":ID,\"session\":\"" + sid + "\"}");
            assertEquals(n, r[0] + r[1]);
            assertTrue(r[1] > 0, "no request was refused as busy: " + r[0] + " ok");
            assertTrue(r[0] > 20, "only " + r[0] + " requests were executed");
            // Once the client has read, it is served again.
            c.sendJson("{\"op\":\"render\",\"id\":1,\"session\":\"" + sid + "\"}");
            assertEquals(true, c.reply().get("ok"));
        }
    }
}
