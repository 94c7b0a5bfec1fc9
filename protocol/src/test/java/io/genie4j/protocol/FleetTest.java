package io.genie4j.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.registry.Envs;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One vector env over two servers plays as the same envs in one process, in order. */
class FleetTest {
    private EnvServer a;
    private EnvServer b;

    @BeforeEach
    void start() {
        a = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
        b = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aFleetOfTwoServersStepsAsOneBatchInOrder() {
        Map<String, Object> options = Map.of("length", 4);
        try (FleetVectorEnv<Object, Object> fleet =
                        FleetVectorEnv.make(
                                List.of(a.endpoint(), b.endpoint()), "Corridor-v0", 5, options);
                VectorEnv local = Envs.makeVector("Corridor-v0", 5, options, 1)) {
            assertEquals(5, fleet.numEnvs());
            assertEquals(List.of(3, 2), fleet.parts().stream().map(p -> p.numEnvs()).toList());
            VectorReset<Object> r = fleet.reset(11L, Map.of());
            VectorReset<Object> l = local.reset(11L, Map.of());
            assertEquals(l.observations(), r.observations());
            for (int t = 0; t < 12; t++) {
                List<Object> acts = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    acts.add((t + i) % 2);
                }
                VectorStep<Object> f = fleet.step(acts);
                VectorStep<Object> s = local.step(acts);
                assertEquals(s.observations(), f.observations(), "step " + t);
                assertArrayEquals(s.rewards(), f.rewards());
                assertArrayEquals(s.terminated(), f.terminated());
                assertArrayEquals(s.truncated(), f.truncated());
            }
            assertEquals(5, fleet.render().size());
        }
    }

    @Test
    void anErrorNamesTheServerItCameFrom() {
        try (FleetVectorEnv<Object, Object> fleet =
                FleetVectorEnv.make(
                        List.of(a.endpoint(), b.endpoint()), "Corridor-v0", 2, Map.of())) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> fleet.step(List.of(0, 1)));
            assertTrue(e.getMessage().startsWith("server " + a.endpoint()), e.getMessage());
            // Both parts' replies were collected: the fleet goes on.
            fleet.reset(1L, Map.of());
            fleet.step(List.of(0, 1));
        }
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                FleetVectorEnv.make(
                                        List.of(a.endpoint(), b.endpoint()),
                                        "Corridor-v0",
                                        2,
                                        Map.of("length", -1)));
        assertTrue(bad.getMessage().startsWith("server " + a.endpoint()), bad.getMessage());
    }

    @Test
    void aServerThatGoesAwayIsNamedWhenItsReplyDoesNotCome() {
        List<RemoteConnection> conns =
                List.of(
                        RemoteConnection.connect(a.endpoint(), Duration.ofSeconds(2), null),
                        RemoteConnection.connect(b.endpoint(), Duration.ofSeconds(2), null));
        try (FleetVectorEnv<Object, Object> fleet =
                FleetVectorEnv.make(conns, "Corridor-v0", 2, Map.of(), false)) {
            fleet.reset(1L, Map.of());
            b.close();
            RuntimeException e =
                    assertThrows(RuntimeException.class, () -> fleet.step(List.of(0, 1)));
            assertTrue(e.getMessage().startsWith("server " + b.endpoint()), e.getMessage());
        }
    }

    @Test
    void asyncSteppingRefusesOtherCallsUntilTheStepIsCollected() {
        try (RemoteVectorEnv<Object, Object> env =
                RemoteVectorEnv.make(a.endpoint(), "Corridor-v0", 2, Map.of())) {
            env.reset(3L, Map.of());
            env.stepAsync(List.of(1, 1));
            assertThrows(IllegalStateException.class, () -> env.reset(3L, Map.of()));
            assertEquals(2, env.stepWait().observations().size());
            assertThrows(IllegalStateException.class, env::stepWait);
            env.stepAsync(List.of(0, 1));
            assertEquals(2, env.stepWait().rewards().length);
        }
    }
}
