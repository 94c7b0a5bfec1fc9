package io.genie4j.env.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.wrappers.TimeLimit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {

    @Test
    void builtinEnvsAreRegistered() {
        assertTrue(
                Envs.ids().containsAll(List.of("Corridor-v0", "Noop-v0")), Envs.ids().toString());
    }

    @Test
    void unknownIdListsTheRegisteredIds() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Envs.make("Nope-v0"));
        assertTrue(
                e.getMessage().startsWith("unknown env id 'Nope-v0'; registered ids: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("Corridor-v0"));
    }

    @Test
    void unknownOptionListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Envs.make("Corridor-v0", Map.of("lenght", 5)));
        assertEquals(
                "unknown option 'lenght' for Corridor-v0; known options: length", e.getMessage());
    }

    @Test
    void optionValuesAreTypeCheckedAndConverted() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Envs.make("Corridor-v0", Map.of("length", "long")));
        assertEquals("option length = long is invalid: expected an integer", e.getMessage());
        try (Env<?, ?> env = Envs.make("Corridor-v0", Map.of("length", "12"))) {
            assertEquals(12, env.spec().options().get("length"));
        }
        try (Env<?, ?> env = Envs.make("Corridor-v0")) {
            assertEquals(Map.of("length", 8), env.spec().options());
        }
    }

    @Test
    void specTimeLimitIsAppliedAndCanBeOverridden() {
        try (Env<?, ?> env = Envs.make("Corridor-v0")) {
            assertInstanceOf(TimeLimit.class, env);
            assertEquals(100, env.spec().maxEpisodeSteps());
        }
        try (Env<?, ?> env = Envs.make("Corridor-v0", Map.of("max_episode_steps", 7))) {
            assertEquals(7, ((TimeLimit<?, ?>) env).maxEpisodeSteps());
        }
        try (Env<?, ?> env = Envs.make("Corridor-v0", Map.of("max_episode_steps", 0))) {
            assertInstanceOf(CorridorEnv.class, env);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> Envs.make("Corridor-v0", Map.of("max_episode_steps", -1)));
    }

    @Test
    void duplicateIdsAcrossProvidersAreAnError() {
        EnvProvider a = () -> List.of(CorridorEnv.registration());
        EnvProvider b = () -> List.of(CorridorEnv.registration());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> Envs.load(List.of(a, b)));
        assertTrue(e.getMessage().contains("Corridor-v0 is registered by both"), e.getMessage());
    }

    @Test
    void registrationsValidateTheirIds() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new EnvRegistration(
                                "corridor", "", EnvSpec.of("corridor"), List.of(), o -> null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EnvRegistration("A-v0", "", EnvSpec.of("B-v0"), List.of(), o -> null));
    }

    @Test
    void stringChoicesAreEnforced() {
        EnvOption mode = EnvOption.ofString("mode", "easy", "difficulty", "easy", "hard");
        assertEquals("hard", mode.coerce("hard"));
        assertEquals(
                "option mode = medium is invalid: expected one of [easy, hard]",
                assertThrows(IllegalArgumentException.class, () -> mode.coerce("medium"))
                        .getMessage());
        assertEquals(true, EnvOption.ofBoolean("b", false, "").coerce("true"));
        assertThrows(
                IllegalArgumentException.class,
                () -> EnvOption.ofBoolean("b", false, "").coerce("yes"));
    }
}
