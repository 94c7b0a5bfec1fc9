package io.genie4j.genie.data;

import io.genie4j.env.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An image file read as a world model's prompt frame: centre-cropped to a square and area-averaged
 * to the model's {@code size × size} RGB, as {@link VideoImport#toFrame} does for video. An image
 * that is not already {@code size × size} colour is changed on the way; {@link #adjustment()} says
 * how, so callers can warn the user.
 *
 * @param frame the uint8 {@code [size, size, 3]} frame
 * @param adjustment one sentence saying how the image was cropped, resized or turned into colour,
 *     or {@code null} if it was used as it is
 */
public record PromptImage(Tensor frame, String adjustment) {

    /**
     * Reads {@code file} as a prompt for a model of {@code size × size} frames.
     *
     * @throws IllegalArgumentException if the file is missing or not a PNG, JPEG, GIF or BMP image
     */
    public static PromptImage read(Path file, int size) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("prompt image " + file + " does not exist");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IllegalArgumentException(file + " is not a PNG, JPEG, GIF or BMP image");
        }
        return new PromptImage(VideoImport.toFrame(img, size), adjustment(file, img, size));
    }

    /**
     * How {@link VideoImport#toFrame} changes {@code img} to make a {@code size} frame, or null.
     */
    static String adjustment(Path file, BufferedImage img, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        int side = Math.min(w, h);
        boolean gray = img.getColorModel().getNumColorComponents() == 1;
        if (w == size && h == size && !gray) {
            return null;
        }
        StringBuilder sb = new StringBuilder("prompt image ");
        sb.append(file.getFileName()).append(" is ").append(w).append('×').append(h);
        if (gray) {
            sb.append(" grayscale");
        }
        sb.append("; the model plays ")
                .append(size)
                .append('×')
                .append(size)
                .append(" RGB frames, so it was");
        String sep = " ";
        if (w != h) {
            sb.append(sep).append("cropped to its centre ").append(side).append('×').append(side);
            sep = ", ";
        }
        if (side != size) {
            sb.append(sep)
                    .append(side > size ? "shrunk" : "enlarged")
                    .append(" to ")
                    .append(size)
                    .append('×')
                    .append(size);
            sep = ", ";
        }
        if (gray) {
            sb.append(sep).append("turned into RGB");
        }
        return sb.append(". Give a ")
                .append(size)
                .append('×')
                .append(size)
                .append(" RGB image to use it as it is")
                .toString();
    }
}
