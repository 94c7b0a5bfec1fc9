package io.genie4j.genie.data;

import io.genie4j.env.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Rational;

/** Writes frames as an animated GIF (looping) or an H.264 MP4 (JCodec), chosen by extension. */
public final class VideoWriter {

    private VideoWriter() {}

    /**
     * Writes {@code frames} to {@code file} ({@code .gif} or {@code .mp4}) at {@code fps} frames
     * per second, atomically.
     */
    public static void write(Path file, List<BufferedImage> frames, int fps) throws IOException {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to write");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".gif")) {
            AtomicFiles.write(file, out -> writeGif(out, frames, fps));
        } else if (name.endsWith(".mp4")) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Default permissions (the umask applies), not createTempFile's owner-only ones.
            Path tmp = AtomicFiles.createTempFile(dir, ".video", ".mp4");
            try {
                SeekableByteChannel ch = NIOUtils.writableChannel(tmp.toFile());
                try {
                    AWTSequenceEncoder enc = new AWTSequenceEncoder(ch, Rational.R(fps, 1));
                    for (BufferedImage f : frames) {
                        enc.encodeImage(evenSized(f));
                    }
                    enc.finish();
                } finally {
                    NIOUtils.closeQuietly(ch);
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } else {
            throw new IllegalArgumentException(file + ": the video must end in .gif or .mp4");
        }
    }

    /** {@code frames} as the bytes of a looping animated GIF at {@code fps} frames per second. */
    public static byte[] gif(List<BufferedImage> frames, int fps) throws IOException {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to write");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writeGif(out, frames, fps);
        return out.toByteArray();
    }

    /** An RGB image of a uint8 {@code [h, w, 3]} frame scaled up {@code scale} times. */
    public static BufferedImage image(byte[] rgb, int offset, int size, int scale) {
        BufferedImage img =
                new BufferedImage(size * scale, size * scale, BufferedImage.TYPE_INT_RGB);
        paint(img, rgb, offset, size, scale, 0, 0);
        return img;
    }

    /** Paints a frame scaled {@code scale} times at ({@code x}, {@code y}) of {@code img}. */
    public static void paint(
            BufferedImage img, byte[] rgb, int offset, int size, int scale, int x, int y) {
        for (int r = 0; r < size * scale; r++) {
            for (int c = 0; c < size * scale; c++) {
                int o = offset + ((r / scale) * size + c / scale) * 3;
                int v = (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | (rgb[o + 2] & 0xFF);
                img.setRGB(x + c, y + r, v);
            }
        }
    }

    private static BufferedImage evenSized(BufferedImage f) {
        int w = f.getWidth() & ~1;
        int h = f.getHeight() & ~1;
        if (w == f.getWidth()
                && h == f.getHeight()
                && f.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return f;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        out.getGraphics().drawImage(f, 0, 0, null);
        return out;
    }

    private static void writeGif(java.io.OutputStream out, List<BufferedImage> frames, int fps)
            throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            int delay = Math.max(1, Math.round(100f / fps));
            for (BufferedImage f : frames) {
                IIOMetadata meta =
                        writer.getDefaultImageMetadata(
                                ImageTypeSpecifier.createFromRenderedImage(f), null);
                String format = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", Integer.toString(delay));
                gce.setAttribute("transparentColorIndex", "0");
                IIOMetadataNode apps = child(root, "ApplicationExtensions");
                IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
                loop.setAttribute("applicationID", "NETSCAPE");
                loop.setAttribute("authenticationCode", "2.0");
                loop.setUserObject(new byte[] {1, 0, 0});
                apps.appendChild(loop);
                meta.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(f, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
