package io.genie4j.genie.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genie4j.env.Env;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.Envs;
import io.genie4j.genie.data.Clip;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GameReferenceTest {

    private static final String ENV = "Corridor-v0";

    private static final Map<String, Object> OPTIONS = Map.of("length", 12);

    /** An episode of Corridor-v0 played with {@code actions} from reset seed {@code seed}. */
    @SuppressWarnings("unchecked")
    private static Clip.Source play(long seed, int[] actions) {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(ENV, OPTIONS)) {
            pixels.writeBytes(env.reset(seed, Map.of()).observation().toByteArray());
            for (int a : actions) {
                pixels.writeBytes(env.step(a).observation().toByteArray());
            }
        }
        return new Clip.Source(
                "ep" + seed,
                pixels.toByteArray(),
                actions.length + 1,
                actions,
                null,
                false,
                new Clip.Replay(ENV, OPTIONS, seed));
    }

    @Test
    @SuppressWarnings("unchecked")
    void clipsArePlayedAgainToTheirLastPromptFrameThenWithRandomActions() throws Exception {
        int[] actions = {1, 0, 1, 1, 0, 1, 1, 1};
        Clip.Source src = play(3, actions);
        List<Clip> clips = List.of(new Clip(src, 2, 6), new Clip(src, 0, 6));
        assertNull(GameReference.unplayable(clips));
        int context = 2;
        int steps = 3;
        int[] ended = new int[1];
        byte[] out =
                GameReference.randomActionVideo(
                        clips, 0, 2, context, steps, new SplittableRandom(5), ended);
        int fb = src.frameBytes();
        assertEquals(2 * (context + steps) * fb, out.length);
        // The same random stream, played by hand from each clip's last prompt frame.
        SplittableRandom random = new SplittableRandom(5);
        for (int j = 0; j < 2; j++) {
            Clip clip = clips.get(j);
            int base = j * (context + steps) * fb;
            assertArrayEquals(
                    Arrays.copyOfRange(src.pixels(), clip.start() * fb, (clip.start() + 2) * fb),
                    Arrays.copyOfRange(out, base, base + context * fb),
                    "the prompt is the recorded one");
            try (Env<Tensor, Integer> env = (Env<Tensor, Integer>) Envs.make(ENV, OPTIONS)) {
                env.reset(3L, Map.of());
                for (int t = 0; t < clip.start() + context - 1; t++) {
                    env.step(actions[t]);
                }
                for (int k = 0; k < steps; k++) {
                    byte[] expected = env.step(random.nextInt(3)).observation().toByteArray();
                    int at = base + (context + k) * fb;
                    assertArrayEquals(expected, Arrays.copyOfRange(out, at, at + fb), "step " + k);
                }
            }
        }
        assertEquals(0, ended[0]);
    }

    @Test
    void anEpisodeThatDoesNotReplayIsNamedAndOneWithoutOptionsIsRefused() {
        int[] actions = {1, 0, 1, 1, 1};
        Clip.Source src = play(1, actions);
        byte[] changed = src.pixels().clone();
        int fb = src.frameBytes();
        changed[2 * fb + 7] ^= 1; // frame 2, the last prompt frame of a clip starting at 1
        Clip.Source tampered =
                new Clip.Source(
                        "tampered", changed, src.frames(), actions, null, false, src.replay());
        GameReference.ReplayMismatch e =
                assertThrows(
                        GameReference.ReplayMismatch.class,
                        () ->
                                GameReference.randomActionVideo(
                                        List.of(new Clip(tampered, 1, 4)),
                                        0,
                                        1,
                                        2,
                                        2,
                                        new SplittableRandom(1),
                                        new int[1]));
        assertTrue(
                e.getMessage().contains("tampered") && e.getMessage().contains("frame 2"),
                e.getMessage());

        Clip.Source bare = new Clip.Source("bare", src.pixels(), src.frames(), actions);
        String why = GameReference.unplayable(List.of(new Clip(src, 0, 4), new Clip(bare, 0, 4)));
        assertTrue(
                why.contains("bare") && why.contains("env_options") && why.contains("record"), why);
        assertFalse(why.contains("ep1"), why);
    }
}
