package io.genie4j.genie.train;

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
 * A run directory's {@code train.csv} (one row every few steps) and {@code loss.png} (the loss
 * curve, redrawn at each checkpoint). On resume, rows after the checkpoint's step are dropped so
 * the log matches the model.
 */
public final class TrainLog {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final Path csv;
    private final Path png;
    private final String[] columns;
    private final List<double[]> rows = new ArrayList<>();

    /** Opens (or, resuming at {@code fromStep}, reloads) the log in {@code dir}. */
    public TrainLog(Path dir, String[] columns, int fromStep) throws IOException {
        this.csv = dir.resolve("train.csv");
        this.png = dir.resolve("loss.png");
        this.columns = columns.clone();
        if (fromStep > 0 && Files.exists(csv)) {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            // A log written by an older version may lack columns added since (or order them
            // differently): its rows are read by name, with NaN where a column is missing.
            List<String> header = lines.isEmpty() ? List.of() : List.of(lines.get(0).split(","));
            int[] from = new int[columns.length];
            for (int j = 0; j < columns.length; j++) {
                from[j] = header.indexOf(columns[j]);
            }
            for (int i = 1; i < lines.size() && from[0] == 0; i++) {
                String[] f = lines.get(i).split(",");
                if (f.length != header.size()) {
                    continue;
                }
                double[] r = new double[columns.length];
                for (int j = 0; j < columns.length; j++) {
                    r[j] = from[j] < 0 ? Double.NaN : Double.parseDouble(f[from[j]]);
                }
                if (r[0] <= fromStep) {
                    rows.add(r);
                }
            }
        }
    }

    /** Adds a row; the first column is the step. */
    public synchronized void add(double... row) {
        if (row.length != columns.length) {
            throw new IllegalArgumentException(
                    "row has " + row.length + " values, not " + columns.length);
        }
        rows.add(row.clone());
    }

    /** Rows so far. */
    public synchronized List<double[]> rows() {
        return List.copyOf(rows);
    }

    /** Writes the CSV and redraws the plot of column {@code plotColumn} against the step. */
    public synchronized void flush(int plotColumn) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                double v = r[j];
                sb.append(
                        v == Math.rint(v) && Math.abs(v) < 1e15
                                ? Long.toString((long) v)
                                : String.format(Locale.ROOT, "%.6g", v));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
        if (rows.size() >= 2) {
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = rows.get(i)[0];
                y[i] = Math.max(1e-9, rows.get(i)[plotColumn]);
            }
            XYChart chart =
                    new XYChartBuilder()
                            .width(800)
                            .height(500)
                            .title("training " + columns[plotColumn])
                            .xAxisTitle("step")
                            .yAxisTitle(columns[plotColumn])
                            .build();
            chart.getStyler().setYAxisLogarithmic(true).setLegendVisible(false);
            chart.addSeries(columns[plotColumn], x, y).setMarker(SeriesMarkers.NONE);
            AtomicFiles.write(
                    png,
                    out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        }
    }
}
