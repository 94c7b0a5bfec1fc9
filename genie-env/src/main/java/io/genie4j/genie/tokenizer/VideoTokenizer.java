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
import io.genie4j.genie.nn.KvCache;
import io.genie4j.genie.nn.Module;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.nn.StTransformer;
import io.genie4j.genie.nn.VectorQuantizer;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
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
        return load(Checkpoints.Source.of(dir), manager);
    }

    /** Loads the tokenizer shipped in this jar, or throws if the jar has none. */
    public static VideoTokenizer loadDefault(NDManager manager) throws IOException {
        return load(Checkpoints.Source.resource(DEFAULT_RESOURCE), manager);
    }

    /** Loads a tokenizer from a directory or the class path. */
    public static VideoTokenizer load(Checkpoints.Source source, NDManager manager)
            throws IOException {
        ObjectNode json = Checkpoints.readModelJson(source, KIND);
        VideoTokenizer tok = fromJson(json, source.where("model.json"));
        tok.initialize(manager);
        Checkpoints.loadParameters(tok, manager, source, TokenizerTrainer.PARAMS);
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
        return decodeFromVectors(
                ps, quantizer.lookup(ps, codes.reshape(s.get(0), s.get(1), -1), false));
    }

    /**
     * Frames {@code [B, T, H, W, 3]} as floats in pixel units, from code vectors {@code [B, T, h·w,
     * codeDim]}: each the unit vector of a code (as {@link VectorQuantizer#lookup} gives it) or a
     * mixture of them, such as the mean under a distribution over codes.
     */
    public NDArray decodeFromVectors(ParameterStore ps, NDArray vectors) {
        return fromUnit(unpatchify(decodeVectors(ps, vectors, false)));
    }

    /** Whether {@code p} belongs to the decoder side (after the quantiser). */
    static boolean isDecoderParameter(VideoTokenizer tok, ai.djl.nn.Parameter p) {
        for (var block : new Module[] {tok.decoderIn, tok.decoder, tok.decoderOut}) {
            for (var q : block.getParameters()) {
                if (q.getValue() == p) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The number of decoder blocks (for a {@link KvCache}). */
    public int decoderLayers() {
        return decoder.layers();
    }

    /**
     * Fills {@code cache} with the decoder's keys and values for codes {@code [B, T, h, w]}, so
     * later frames can be decoded one at a time ({@link #decodeStep}).
     */
    public void decodeFill(ParameterStore ps, NDArray codes, KvCache cache) {
        Shape s = codes.getShape();
        decodeFillVectors(
                ps, quantizer.lookup(ps, codes.reshape(s.get(0), s.get(1), -1), false), cache);
    }

    /** As {@link #decodeFill}, from code vectors {@code [B, T, h·w, codeDim]}. */
    public void decodeFillVectors(ParameterStore ps, NDArray vectors, KvCache cache) {
        decoder.fillCache(ps, decoderIn.apply(ps, vectors, false), cache);
    }

    /**
     * Decodes one more frame's codes {@code [B, h, w]} after the cached frames and caches it;
     * returns its pixels {@code [B, 1, H, W, 3]} as floats. Positions are bounded by {@code
     * maxFrames}: the caller refills the cache before it is exceeded.
     */
    public NDArray decodeStep(ParameterStore ps, NDArray codes, KvCache cache) {
        Shape s = codes.getShape();
        return decodeStepVectors(
                ps, quantizer.lookup(ps, codes.reshape(s.get(0), 1, -1), false), cache);
    }

    /** As {@link #decodeStep}, from one frame's code vectors {@code [B, 1, h·w, codeDim]}. */
    public NDArray decodeStepVectors(ParameterStore ps, NDArray vectors, KvCache cache) {
        NDArray y =
                decoderOut.apply(
                        ps,
                        decoder.step(ps, decoderIn.apply(ps, vectors, false), cache, true),
                        false);
        return fromUnit(unpatchify(y));
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
        return Patches.toUnit(video);
    }

    private static NDArray fromUnit(NDArray x) {
        return Patches.fromUnit(x);
    }

    /** {@code [B, T, H, W, C] -> [B, T, h*w, p*p*C]}. */
    NDArray patchify(NDArray x) {
        return Patches.patchify(x, config.imageSize(), config.patch());
    }

    /** {@code [B, T, h*w, p*p*C] -> [B, T, H, W, C]}. */
    NDArray unpatchify(NDArray x) {
        return Patches.unpatchify(x, config.imageSize(), config.patch());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Output o = forward(ps, inputs.singletonOrThrow(), training);
        return new NDList(o.frames(), o.codes(), o.loss());
    }
}
