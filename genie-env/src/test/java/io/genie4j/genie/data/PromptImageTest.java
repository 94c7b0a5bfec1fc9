package io.genie4j.genie.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptImageTest {
    @TempDir Path tmp;

    private Path png(String name, int w, int h, int type) throws Exception {
        Path f = tmp.resolve(name);
        ImageIO.write(new BufferedImage(w, h, type), "png", f.toFile());
        return f;
    }

    @Test
    void anImageOfTheModelsSizeIsUsedAsItIs() throws Exception {
        PromptImage p = PromptImage.read(png("ok.png", 16, 16, BufferedImage.TYPE_INT_RGB), 16);
        assertNull(p.adjustment());
        assertArrayEquals(new int[] {16, 16, 3}, p.frame().shape());
    }

    @Test
    void croppingResizingAndGrayscaleAreEachNamed() throws Exception {
        PromptImage gray = PromptImage.read(png("g.png", 20, 10, BufferedImage.TYPE_BYTE_GRAY), 16);
        assertEquals(
                "prompt image g.png is 20×10 grayscale; the model plays 16×16 RGB frames, so it"
                        + " was cropped to its centre 10×10, enlarged to 16×16, turned into RGB."
                        + " Give a 16×16 RGB image to use it as it is",
                gray.adjustment());
        assertArrayEquals(new int[] {16, 16, 3}, gray.frame().shape());
        assertEquals(
                "prompt image big.png is 64×64; the model plays 16×16 RGB frames, so it was shrunk"
                        + " to 16×16. Give a 16×16 RGB image to use it as it is",
                PromptImage.read(png("big.png", 64, 64, BufferedImage.TYPE_INT_RGB), 16)
                        .adjustment());
    }

    @Test
    void missingFilesAndNonImagesAreRefused() throws Exception {
        assertThrows(
                IllegalArgumentException.class, () -> PromptImage.read(tmp.resolve("no.png"), 16));
        Path txt = Files.writeString(tmp.resolve("a.png"), "not an image");
        assertThrows(IllegalArgumentException.class, () -> PromptImage.read(txt, 16));
    }
}
