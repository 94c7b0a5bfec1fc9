package io.genie4j.genie.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.genie.nn.Dense;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.StTransformer;
import io.genie4j.genie.nn.VectorQuantizer;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The video tokenizer of Genie §2.1: a VQ-VAE whose encoder and decoder are ST-transformers over
 * patches ("ST-ViViT"). Frames {@code [B, T, H, W, 3]} (uint8 or float in [0, 255]) become codes
 * {@code [B, T, h, w]}; because temporal attention is causal, frame t's codes and reconstruction
 * depend only on frames ≤ t.
 */
public final class VideoTokenizer extends Module {

    /** The "kind" of a tokenizer checkpoint's {@code model.json}. */
    public static final String KIND = "tokenizer";

    /** The class-path directory of the tokenizer shipped in this jar. */
    public static final String DEFAULT_RESOURCE = "/io/genie4j/genie/models/tokenizer/";

    private final TokenizerConfig config;
    private final Dense encoderIn;
    private final StTransformer encoder;
    private final Dense encoderOut;
    private final VectorQuantizer quantizer;
    private final Dense decoderIn;
    private final StTransformer decoder;
    private final Dense decoderOut;

    /** A freshly constructed (uninitialised) tokenizer. */
    public VideoTokenizer(TokenizerConfig config) {
        super((byte) 1);
        this.config = config.validate();
        int d = config.dim();
        int n = config.tokensPerFrame();
        encoderIn = child("encoder_in", new Dense(config.patchValues(), d));
        encoder =
                child(
                        "encoder",
                        new StTransformer(
                                d,
                                config.heads(),
                                config.ffMult(),
                                config.encoderLayers(),
                                n,
                                config.maxFrames(),
                                config.spatialOnly()));
        encoderOut = child("encoder_out", new Dense(d, config.codeDim()));
        quantizer =
                child(
                        "quantizer",
                        new VectorQuantizer(config.codes(), config.codeDim(), config.beta()));
        decoderIn = child("decoder_in", new Dense(config.codeDim(), d));
        decoder =
                child(
                        "decoder",
                        new StTransformer(
                                d,
                                config.heads(),
                                config.ffMult(),
                                config.decoderLayers(),
                                n,
                                config.maxFrames(),
                                config.spatialOnly()));
        decoderOut = child("decoder_out", new Dense(d, config.patchValues()));
    }

    /**
     * Loads the tokenizer of a checkpoint directory into {@code manager}, checking the format,
     * version, config and every parameter's shape.
     */
    public static VideoTokenizer load(Path dir, NDManager manager) throws IOException {
        ObjectNode json = Checkpoints.readModelJson(dir, KIND);
        VideoTokenizer tok = fromJson(json, dir.resolve("model.json").toString());
        tok.initialize(manager);
        Path params = dir.resolve(TokenizerTrainer.PARAMS);
        try (InputStream in = Files.newInputStream(params)) {
            Checkpoints.loadParameters(tok, manager, in, params.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(dir + " has no " + TokenizerTrainer.PARAMS);
        }
        return tok;
    }

    /** Loads the tokenizer shipped in this jar, or throws if the jar has none. */
    public static VideoTokenizer loadDefault(NDManager manager) throws IOException {
        ObjectNode json;
        try (InputStream in =
                VideoTokenizer.class.getResourceAsStream(DEFAULT_RESOURCE + "model.json")) {
            if (in == null) {
                throw new IllegalStateException(
                        "this build ships no tokenizer (" + DEFAULT_RESOURCE + ")");
            }
            json = Checkpoints.checkModelJson(in, DEFAULT_RESOURCE + "model.json", KIND);
        }
        VideoTokenizer tok = fromJson(json, DEFAULT_RESOURCE + "model.json");
        tok.initialize(manager);
        try (InputStream in =
                VideoTokenizer.class.getResourceAsStream(
                        DEFAULT_RESOURCE + TokenizerTrainer.PARAMS)) {
            if (in == null) {
                throw new IllegalStateException("the shipped tokenizer has no parameter file");
            }
            Checkpoints.loadParameters(
                    tok, manager, in, DEFAULT_RESOURCE + TokenizerTrainer.PARAMS);
        }
        return tok;
    }

    private static VideoTokenizer fromJson(ObjectNode json, String where) {
        TokenizerConfig config;
        try {
            config = Checkpoints.JSON.treeToValue(json.get("config"), TokenizerConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    where + " has a malformed config: " + e.getMessage());
        }
        if (config == null) {
            throw new IllegalArgumentException(where + " has no config");
        }
        return new VideoTokenizer(config);
    }

    /** The configuration. */
    public TokenizerConfig config() {
        return config;
    }

    /** The quantiser (for usage statistics and dead-code resets). */
    public VectorQuantizer quantizer() {
        return quantizer;
    }

    /**
     * A reconstruction: frames as floats in pixel units (unclipped), codes, and the training losses
     * (total = reconstruction MSE on [-1, 1] pixels + VQ loss).
     */
    public record Output(NDArray frames, NDArray codes, NDArray reconLoss, NDArray loss) {}

    /** Encodes, quantises and decodes {@code video [B, T, H, W, 3]}. */
    public Output forward(ParameterStore ps, NDArray video, boolean training) {
        NDArray x = toUnit(video);
        NDArray patches = patchify(x);
        NDArray z =
                encoderOut.apply(
                        ps,
                        encoder.apply(ps, encoderIn.apply(ps, patches, training), training),
                        training);
        VectorQuantizer.Output q = quantizer.quantize(ps, z, training);
        NDArray y = decodeVectors(ps, q.quantized(), training);
        NDArray recon = y.sub(patches).square().mean();
        Shape s = video.getShape();
        NDArray codes = q.indices().reshape(s.get(0), s.get(1), config.grid(), config.grid());
        return new Output(fromUnit(unpatchify(y)), codes, recon, recon.add(q.loss()));
    }

    /** The codes {@code [B, T, h, w]} (int64) of {@code video [B, T, H, W, 3]}. */
    public NDArray encode(ParameterStore ps, NDArray video) {
        NDArray patches = patchify(toUnit(video));
        NDArray z =
                encoderOut.apply(
                        ps, encoder.apply(ps, encoderIn.apply(ps, patches, false), false), false);
        Shape s = video.getShape();
        return quantizer
                .quantize(ps, z, false)
                .indices()
                .reshape(s.get(0), s.get(1), config.grid(), config.grid());
    }

    /** Frames {@code [B, T, H, W, 3]} as floats in pixel units, from codes {@code [B, T, h, w]}. */
    public NDArray decode(ParameterStore ps, NDArray codes) {
        Shape s = codes.getShape();
        NDArray q = quantizer.lookup(ps, codes.reshape(s.get(0), s.get(1), -1), false);
        return fromUnit(unpatchify(decodeVectors(ps, q, false)));
    }

    /** Rounds and clips float pixels to uint8. */
    public static NDArray toUint8(NDArray pixels) {
        return pixels.clip(0, 255).round().toType(DataType.UINT8, false);
    }

    private NDArray decodeVectors(ParameterStore ps, NDArray q, boolean training) {
        return decoderOut.apply(
                ps, decoder.apply(ps, decoderIn.apply(ps, q, training), training), training);
    }

    private static NDArray toUnit(NDArray video) {
        return video.toType(DataType.FLOAT32, false).mul(2f / 255f).sub(1f);
    }

    private static NDArray fromUnit(NDArray x) {
        return x.add(1f).mul(255f / 2f);
    }

    /** {@code [B, T, H, W, C] -> [B, T, h*w, p*p*C]}. */
    NDArray patchify(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int p = config.patch();
        int g = config.grid();
        if (s.dimension() != 5
                || s.get(2) != config.imageSize()
                || s.get(3) != config.imageSize()
                || s.get(4) != 3) {
            throw new IllegalArgumentException(
                    "expected frames [B, T, "
                            + config.imageSize()
                            + ", "
                            + config.imageSize()
                            + ", 3], got "
                            + s);
        }
        return x.reshape(b, t, g, p, g, p, 3)
                .transpose(0, 1, 2, 4, 3, 5, 6)
                .reshape(b, t, (long) g * g, (long) p * p * 3);
    }

    /** {@code [B, T, h*w, p*p*C] -> [B, T, H, W, C]}. */
    NDArray unpatchify(NDArray x) {
        Shape s = x.getShape();
        int p = config.patch();
        int g = config.grid();
        return x.reshape(s.get(0), s.get(1), g, g, p, p, 3)
                .transpose(0, 1, 2, 4, 3, 5, 6)
                .reshape(s.get(0), s.get(1), config.imageSize(), config.imageSize(), 3);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output o = forward(ps, inputs.singletonOrThrow(), training);
        return new NDList(o.frames(), o.codes(), o.loss());
    }
}
