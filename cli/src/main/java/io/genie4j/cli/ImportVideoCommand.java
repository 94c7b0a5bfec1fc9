package io.genie4j.cli;

import io.genie4j.env.Json;
import io.genie4j.genie.data.VideoImport;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j import-video}: turns a user's video into training episodes. */
@Command(
        name = "import-video",
        mixinStandardHelpOptions = true,
        description = {
            "Turn gameplay video into .npz episodes for training.",
            "The video is an MP4 file with H.264, or a folder of PNG/JPEG frames in name order."
                    + " Frames are centre-cropped to a square and area-averaged to SIZE×SIZE."
                    + " Actions are unknown and recorded as -1."
        })
final class ImportVideoCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "video.mp4 or a folder of frames.")
    Path in;

    @Option(
            names = "--out",
            required = true,
            description = "Dataset directory (created or extended).")
    Path out;

    @Option(
            names = "--size",
            defaultValue = "64",
            description = "Frame side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--episode-frames",
            defaultValue = "1000",
            description = "Frames per episode file, at least 2 (default: ${DEFAULT-VALUE}).")
    int episodeFrames;

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--size", size, 1);
        Checks.atLeast("--episode-frames", episodeFrames, 2);
        Checks.outputDirectory("--out", out);
        VideoImport.Result r = VideoImport.run(in, out, size, episodeFrames);
        System.out.println(
                Json.write(
                        Map.of(
                                "episodes", r.episodes(),
                                "frames", r.frames(),
                                "out", out.toAbsolutePath().toString())));
        return 0;
    }
}
