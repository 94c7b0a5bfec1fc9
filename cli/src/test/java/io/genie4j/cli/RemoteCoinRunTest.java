package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.EnvChecker;
import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorStep;
import io.genie4j.protocol.EnvServer;
import io.genie4j.protocol.RemoteEnv;
import io.genie4j.protocol.RemoteVectorEnv;
import io.genie4j.protocol.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CoinRun-v0 over the wire equals CoinRun-v0 in-process (issue: protocol, with CoinRun). */
class RemoteCoinRunTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void remoteCoinRunEqualsInProcess() {
        Map<String, Object> options = Map.of("distribution_mode", "hard");
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
                VectorEnv remote =
                        RemoteVectorEnv.make(server.endpoint(), "CoinRun-v0", 8, options);
                VectorEnv local = Envs.makeVector("CoinRun-v0", 8, options, 1)) {
            assertEquals(
                    local.reset(5L, Map.of()).observations(),
                    remote.reset(5L, Map.of()).observations());
            SplittableRandom rng = new SplittableRandom(1);
            int ended = 0;
            for (int t = 0; t < 400; t++) {
                List<Object> actions = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    actions.add(rng.nextInt(15));
                }
                VectorStep x = local.step(actions);
                VectorStep y = remote.step(actions);
                assertEquals(x.observations(), y.observations(), "step " + t);
                assertArrayEquals(x.rewards(), y.rewards());
                assertArrayEquals(x.terminated(), y.terminated());
                assertArrayEquals(x.truncated(), y.truncated());
                for (int i = 0; i < 8; i++) {
                    Map<String, Object> a = (Map<String, Object>) x.infos().get(i);
                    Map<String, Object> b = (Map<String, Object>) y.infos().get(i);
                    assertEquals(
                            ((Number) a.get("level_seed")).longValue(),
                            ((Number) b.get("level_seed")).longValue());
                    assertEquals(a.get("death"), b.get("death"));
                    assertEquals(a.get("level_complete"), b.get("level_complete"));
                }
                for (boolean d : x.terminated()) {
                    ended += d ? 1 : 0;
                }
            }
            assertTrue(ended > 0, "the run covers ended episodes and autoresets");
        }
    }

    @Test
    void remoteCoinRunPassesTheEnvChecker() {
        try (EnvServer server = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"))) {
            EnvChecker.check(() -> RemoteEnv.make(server.endpoint(), "CoinRun-v0", Map.of()));
        }
    }
}
