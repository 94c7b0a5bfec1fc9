package io.genie4j.env;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image files (PNG, JPEG, GIF, BMP) read with their size checked first: the width and height are
 * read from the header, and an image larger than allowed is refused before any pixel is decoded, so
 * a small file cannot claim a huge canvas. Callers turn the exceptions into their own messages.
 */
public final class BoundedImage {

    private BoundedImage() {}

    /** The bytes are not an image in a format Java reads. */
    public static final class NotAnImage extends IllegalArgumentException {
        NotAnImage() {
            super("not a PNG, JPEG, GIF or BMP image");
        }
    }

    /** The image declares a size outside the bounds. */
    public static final class TooLarge extends IllegalArgumentException {
        private final int width;
        private final int height;

        TooLarge(int width, int height, int maxSide) {
            super(
                    "the image is "
                            + width
                            + "×"
                            + height
                            + "; images from 1×1 up to "
                            + maxSide
                            + "×"
                            + maxSide
                            + " are accepted");
            this.width = width;
            this.height = height;
        }

        /** The declared width. */
        public int width() {
            return width;
        }

        /** The declared height. */
        public int height() {
            return height;
        }
    }

    /**
     * Decodes an image of at most {@code maxSide} pixels a side.
     *
     * @throws NotAnImage if the bytes are not an image
     * @throws TooLarge if its header declares a larger (or empty) image
     * @throws IOException if it cannot be decoded
     */
    public static BufferedImage decode(byte[] bytes, int maxSide) throws IOException {
        try (ImageInputStream stream =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerOf(stream);
            if (reader == null) {
                throw new NotAnImage();
            }
            try {
                reader.setInput(stream, true, true);
                check(reader.getWidth(0), reader.getHeight(0), maxSide);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Checks the size an image file's header declares, reading nothing else; a stream that is not
     * an image passes (its reader says what it expected).
     *
     * @throws TooLarge if it declares a larger (or empty) image
     * @throws IOException if the header cannot be read
     */
    public static void checkHeader(InputStream in, int maxSide) throws IOException {
        try (ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
            ImageReader reader = readerOf(stream);
            if (reader == null) {
                return;
            }
            try {
                reader.setInput(stream, true, true);
                check(reader.getWidth(0), reader.getHeight(0), maxSide);
            } finally {
                reader.dispose();
            }
        }
    }

    private static ImageReader readerOf(ImageInputStream stream) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        return readers.hasNext() ? readers.next() : null;
    }

    private static void check(int width, int height, int maxSide) {
        if (width < 1 || height < 1 || width > maxSide || height > maxSide) {
            throw new TooLarge(width, height, maxSide);
        }
    }
}
