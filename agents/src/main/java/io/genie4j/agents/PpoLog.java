package io.genie4j.agents;

import io.genie4j.env.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PPO run's {@code train.csv} (one row per update, the figures CleanRL logs) and {@code
 * return.png} (the episodic return against env steps). Resuming at update {@code u} keeps the rows
 * up to {@code u}, so the log matches the checkpoint.
 */
final class PpoLog {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // In memory: ImageIO's file cache registers a shutdown hook per image, which fails while
        // the JVM shuts down, when Ctrl-C's final checkpoint redraws the plot.
        javax.imageio.ImageIO.setUseCache(false);
    }

    /** The CSV's columns; {@link PpoTrainer.Update#row()} fills them in this order. */
    static final String[] COLUMNS = {
        "update",
        "step",
        "seconds",
        "steps_per_s",
        "learning_rate",
        "episodes",
        "mean_return",
        "success_rate",
        "mean_length",
        "return_last100",
        "success_last100",
        "policy_loss",
        "value_loss",
        "entropy",
        "approx_kl",
        "clip_fraction",
        "explained_variance",
        "grad_norm"
    };

    private final Path csv;
    private final Path png;
    private final List<double[]> rows = new ArrayList<>();

    /**
     * Opens the log in {@code dir}, keeping the rows up to {@code fromUpdate} of an earlier one.
     */
    PpoLog(Path dir, int fromUpdate) throws IOException {
        this.csv = dir.resolve("train.csv");
        this.png = dir.resolve("return.png");
        if (fromUpdate > 0 && Files.exists(csv)) {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                if (f.length != COLUMNS.length) {
                    continue;
                }
                double[] r = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    r[j] = f[j].isEmpty() ? Double.NaN : Double.parseDouble(f[j]);
                }
                if (r[0] <= fromUpdate) {
                    rows.add(r);
                }
            }
        }
    }

    /** Adds a row. */
    void add(double[] row) {
        rows.add(row.clone());
    }

    /** The rows so far. */
    List<double[]> rows() {
        return List.copyOf(rows);
    }

    /** Writes the CSV (NaN as an empty field). */
    void writeCsv() throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                double v = r[j];
                sb.append(j > 0 ? "," : "")
                        .append(
                                Double.isNaN(v)
                                        ? ""
                                        : v == Math.rint(v) && Math.abs(v) < 1e15
                                                ? Long.toString((long) v)
                                                : String.format(Locale.ROOT, "%.6g", v));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
    }

    /**
     * Redraws the learning curve: the mean return of each update's episodes as points, and the mean
     * of the last 100 episodes as a line.
     */
    void writePlot() throws IOException {
        List<double[]> points = new ArrayList<>();
        for (double[] r : rows) {
            if (!Double.isNaN(r[6])) {
                points.add(new double[] {r[1], r[6], r[9]});
            }
        }
        if (points.size() < 2) {
            return;
        }
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title("PPO episodic return")
                        .xAxisTitle("env steps")
                        .yAxisTitle("return")
                        .build();
        chart.addSeries("per update", x, points.stream().mapToDouble(p -> p[1]).toArray())
                .setMarker(SeriesMarkers.CIRCLE)
                .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
        chart.addSeries("last 100 episodes", x, points.stream().mapToDouble(p -> p[2]).toArray())
                .setMarker(SeriesMarkers.NONE);
        AtomicFiles.write(
                png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
