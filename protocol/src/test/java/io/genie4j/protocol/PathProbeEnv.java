package io.genie4j.protocol;

import io.genie4j.env.Env;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOption;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.registry.EnvProvider;
import io.genie4j.env.registry.EnvRegistration;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * {@code PathProbe-v0}, a test env with an image option and a path option, as {@code Genie-v0} has:
 * its observation is the top-left 2×2 pixels of the image it was given (a file or pixels), and its
 * reset info says what values reached it.
 */
public final class PathProbeEnv implements Env<Tensor, Integer> {
    static final String ID = "PathProbe-v0";
    private final EnvSpec spec;
    private final Tensor corner;
    private final Object image;
    private final String dir;

    /** Makes the env; an image file is read here, as an env would. */
    public PathProbeEnv(EnvOptions options) {
        this.spec = options.spec();
        this.image = options.get("image");
        this.dir = options.getString("dir");
        byte[] c = new byte[12];
        if (image instanceof Tensor t) {
            byte[] px = t.toByteArray();
            int w = t.dim(1);
            for (int y = 0; y < 2; y++) {
                System.arraycopy(px, y * w * 3, c, y * 6, 6);
            }
        } else if (!"none".equals(image)) {
            try {
                BufferedImage img = ImageIO.read(Path.of((String) image).toFile());
                if (img == null) {
                    throw new IllegalArgumentException(image + " is not an image");
                }
                for (int i = 0; i < 4; i++) {
                    int p = img.getRGB(i % 2, i / 2);
                    c[3 * i] = (byte) (p >> 16);
                    c[3 * i + 1] = (byte) (p >> 8);
                    c[3 * i + 2] = (byte) p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.corner = Tensor.uint8(c, 2, 2, 3);
    }

    /** Registers the env. */
    public static final class Provider implements EnvProvider {
        @Override
        public List<EnvRegistration> registrations() {
            return List.of(
                    new EnvRegistration(
                            ID,
                            "test env with an image option and a path option",
                            EnvSpec.of(ID),
                            List.of(
                                    EnvOption.ofImage("image", "none", "an image", "none"),
                                    EnvOption.ofPath("dir", "", "a directory", "")),
                            PathProbeEnv::new));
        }
    }

    @Override
    public Space<Tensor> observationSpace() {
        return Box.image(2, 2);
    }

    @Override
    public Space<Integer> actionSpace() {
        return new Discrete(1);
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        return new Reset<>(
                corner,
                Map.of(
                        "image",
                        image instanceof Tensor t ? "pixels " + t.dim(0) + "x" + t.dim(1) : image,
                        "dir",
                        dir));
    }

    @Override
    public Step<Tensor> step(Integer action) {
        new Discrete(1).validate(action, "action");
        return new Step<>(corner, 0.0, false, false, Map.of());
    }

    @Override
    public Tensor render() {
        return corner;
    }

    @Override
    public void close() {}
}
