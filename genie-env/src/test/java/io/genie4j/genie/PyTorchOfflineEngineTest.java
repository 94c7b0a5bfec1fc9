package io.genie4j.genie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The build's promise to every model in Genie4j: DJL's PyTorch engine loads from the {@code
 * pytorch-native-cpu} jar with {@code ai.djl.offline=true}, extracting into a cache under {@code
 * target/}, and computes on the CPU.
 */
class PyTorchOfflineEngineTest {

    @Test
    void engineLoadsOfflineFromTheClassPathAndMultipliesMatrices() {
        assertEquals("true", System.getProperty("ai.djl.offline"));
        Engine engine = Engine.getEngine("PyTorch");
        assertEquals("PyTorch", engine.getEngineName());
        assertTrue(engine.getVersion().startsWith("2.7.1"), engine.getVersion());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = manager.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
            assertArrayEquals(new float[] {19, 22, 43, 50}, a.matMul(b).toFloatArray());
        }
    }

    @Test
    void nativeCacheLivesInsideTheBuildDirectory() {
        String cache = System.getProperty("ENGINE_CACHE_DIR");
        assertTrue(
                Path.of(cache).toAbsolutePath().normalize().toString().contains("target"), cache);
    }
}
