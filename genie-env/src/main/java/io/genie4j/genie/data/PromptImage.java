package io.genie4j.genie.data;

import io.genie4j.env.BoundedImage;
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
        return new PromptImage(
                VideoImport.toFrame(img, size),
                adjustment(String.valueOf(file.getFileName()), img, size));
    }

    /**
     * Takes RGB pixels, uint8 {@code [H, W, 3]}, as a prompt for a model of {@code size × size}
     * frames (cropped and resized as an image file would be).
     *
     * @throws IllegalArgumentException if {@code pixels} is not uint8 {@code [H, W, 3]}
     */
    public static PromptImage of(Tensor pixels, int size) {
        if (pixels.dtype() != io.genie4j.env.DType.UINT8
                || pixels.rank() != 3
                || pixels.dim(2) != 3) {
            throw new IllegalArgumentException(
                    "a prompt given as pixels must be uint8 [H, W, 3], got "
                            + pixels.dtype().numpyName()
                            + " "
                            + java.util.Arrays.toString(pixels.shape()));
        }
        int h = pixels.dim(0);
        int w = pixels.dim(1);
        byte[] b = pixels.toByteArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (b[3 * i] & 0xff) << 16 | (b[3 * i + 1] & 0xff) << 8 | (b[3 * i + 2] & 0xff);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return new PromptImage(VideoImport.toFrame(img, size), adjustment("(pixels)", img, size));
    }

    /**
     * Decodes the bytes of an image someone sent (a PNG, JPEG, GIF or BMP) as a prompt for a model
     * of {@code size × size} frames. The image's width and height are read from its header first,
     * and an image wider or taller than {@code maxSide} pixels is refused before its pixels are
     * decoded, so a small file cannot claim a huge canvas.
     *
     * @throws IllegalArgumentException if the bytes are not such an image or it is too large
     */
    public static PromptImage decode(byte[] bytes, int size, int maxSide) {
        BufferedImage img;
        try {
            img = BoundedImage.decode(bytes, maxSide);
        } catch (BoundedImage.NotAnImage e) {
            throw new IllegalArgumentException(
                    "the uploaded file is not a PNG, JPEG, GIF or BMP image");
        } catch (BoundedImage.TooLarge e) {
            throw new IllegalArgumentException(
                    "the uploaded image is "
                            + e.width()
                            + "×"
                            + e.height()
                            + "; images up to "
                            + maxSide
                            + "×"
                            + maxSide
                            + " are accepted");
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the uploaded image could not be decoded: " + e.getMessage(), e);
        }
        return new PromptImage(VideoImport.toFrame(img, size), adjustment("uploaded", img, size));
    }

    /**
     * How {@link VideoImport#toFrame} changes {@code img} to make a {@code size} frame, or null.
     */
    static String adjustment(String name, BufferedImage img, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        int side = Math.min(w, h);
        boolean gray = img.getColorModel().getNumColorComponents() == 1;
        if (w == size && h == size && !gray) {
            return null;
        }
        StringBuilder sb = new StringBuilder("prompt image ");
        sb.append(name).append(" is ").append(w).append('×').append(h);
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
