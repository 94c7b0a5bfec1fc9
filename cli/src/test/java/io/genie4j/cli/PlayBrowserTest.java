package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The play page in a real, headless Chromium against the real server ({@code genie4j play}'s
 * wiring): frames, keys, seeds, an uploaded prompt, side by side, a screenshot, and the latency
 * from a key press to its frame. Skipped, saying why, where Chromium or its driver is not installed
 * ({@code .ci/run} installs Debian's {@code chromium} and {@code chromium-driver}).
 */
class PlayBrowserTest {

    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<Path> BROWSERS =
            List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));

    private static Path browser;

    @BeforeAll
    static void findChromium() throws Exception {
        browser = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(
                browser != null && Files.isExecutable(DRIVER),
                "Chromium or chromedriver is not installed ("
                        + BROWSERS
                        + ", "
                        + DRIVER
                        + "):"
                        + " the browser test is skipped; apt-get install chromium chromium-driver");
    }

    private static WebDriver newBrowser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(browser.toFile());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1400,900");
        // The driver named here, not one Selenium Manager would look for (and download).
        ChromeDriverService service =
                new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        return new ChromeDriver(service, o);
    }

    private static PlayServer server(Consumer<PlayCommand> configure) throws Exception {
        PlayCommand c = new PlayCommand();
        c.env = "CoinRun-v0";
        c.port = 0;
        c.bind = "127.0.0.1";
        c.seed = 0;
        c.idleSeconds = 120;
        c.maxSessions = 4;
        configure.accept(c);
        return c.start();
    }

    private static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    private static long frames(WebDriver d) {
        return ((Number) js(d, "return genie4jPlay.frames")).longValue();
    }

    /** Waits until more than {@code n} frame sets have been drawn. */
    private static void waitForFrame(WebDriver d, long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (frames(d) <= n) {
            assertTrue(
                    System.nanoTime() < deadline,
                    () ->
                            "no frame within 60 s; page errors "
                                    + js(d, "return genie4jPlay.errors")
                                    + ", message: "
                                    + js(
                                            d,
                                            "return"
                                                + " document.getElementById('message').textContent"));
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the JavaScript expression {@code condition} holds on the page. */
    private static void waitFor(WebDriver d, String condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Boolean.TRUE.equals(js(d, "return Boolean(" + condition + ")"))) {
            assertTrue(
                    System.nanoTime() < deadline,
                    () ->
                            condition
                                    + " not within 60 s; page errors "
                                    + js(d, "return genie4jPlay.errors"));
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String pixels(WebDriver d, int pane) {
        return (String)
                js(d, "return document.getElementById('pane-' + arguments[0]).toDataURL()", pane);
    }

    @SuppressWarnings("unchecked")
    private static List<Number> rgba(WebDriver d, int pane) {
        return (List<Number>)
                js(
                        d,
                        "const c = document.getElementById('pane-' + arguments[0]);"
                                + "return Array.from(c.getContext('2d')"
                                + ".getImageData(0, 0, c.width, c.height).data)",
                        pane);
    }

    private static void open(WebDriver d, PlayServer s) {
        d.get(s.url());
        waitForFrame(d, 0);
        d.findElement(By.id("pause")).click(); // one step per key press from here on
        waitFor(d, "!genie4jPlay.waiting && genie4jPlay.pending === null");
        d.findElement(By.tagName("h1")).click(); // keys go to the page, not a field
    }

    private static void press(WebDriver d, CharSequence key) {
        long before = frames(d);
        new Actions(d).keyDown(key).pause(Duration.ofMillis(20)).keyUp(key).perform();
        waitForFrame(d, before);
    }

    private static void reset(WebDriver d, int seed) {
        WebElement field = d.findElement(By.id("seed"));
        field.clear();
        field.sendKeys(Integer.toString(seed));
        long before = frames(d);
        d.findElement(By.id("reset")).click();
        waitForFrame(d, before);
        d.findElement(By.tagName("h1")).click();
    }

    private static void screenshot(WebDriver d, String name) throws Exception {
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.write(out, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(out) > 1000, out + " holds a screenshot");
    }

    @Test
    void coinrunPlaysInTheBrowser() throws Exception {
        try (PlayServer s = server(c -> {})) {
            // Without the token, nothing is served.
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + s.port();
            for (String path : List.of("/", "/play.js", "/?token=wrong")) {
                int code =
                        http.send(
                                        HttpRequest.newBuilder(URI.create(base + path)).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                assertEquals(403, code, path);
            }

            WebDriver d = newBrowser();
            try {
                open(d, s);
                assertEquals(1, d.findElements(By.cssSelector("canvas.frame")).size());
                assertEquals(
                        "pixelated",
                        js(
                                d,
                                "return"
                                    + " getComputedStyle(document.getElementById('pane-0')).imageRendering"));

                // A key press changes the frame.
                reset(d, 11);
                String still = pixels(d, 0);
                press(d, Keys.ARROW_RIGHT);
                press(d, Keys.ARROW_RIGHT);
                assertNotEquals(still, pixels(d, 0), "running right changed the frame");

                // Reset with a seed gives the same frame twice.
                reset(d, 4242);
                String first = pixels(d, 0);
                press(d, Keys.ARROW_UP);
                reset(d, 4242);
                assertEquals(first, pixels(d, 0), "seed 4242 starts the same way twice");
                assertEquals(4242L, ((Number) js(d, "return genie4jPlay.state.seed")).longValue());

                // Latency from a key press to its frame on screen.
                js(d, "genie4jPlay.latencies.length = 0");
                for (int i = 0; i < 30; i++) {
                    press(d, i % 3 == 2 ? Keys.ARROW_LEFT : Keys.ARROW_RIGHT);
                }
                @SuppressWarnings("unchecked")
                List<Number> lat = (List<Number>) js(d, "return genie4jPlay.latencies");
                assertTrue(lat.size() >= 25, "latencies measured: " + lat.size());
                List<Double> ms = new ArrayList<>();
                lat.forEach(x -> ms.add(x.doubleValue()));
                Collections.sort(ms);
                System.out.printf(
                        Locale.ROOT,
                        "play page (CoinRun-v0, headless Chromium): key press to frame p50 %.1f ms,"
                                + " p90 %.1f ms over %d presses%n",
                        ms.get(ms.size() / 2),
                        ms.get(ms.size() * 9 / 10),
                        ms.size());

                // Running (not paused), frames keep coming.
                d.findElement(By.id("pause")).click();
                long n = frames(d);
                Thread.sleep(1000);
                assertTrue(frames(d) > n + 3, "the page plays on its own when not paused");
                screenshot(d, "play-coinrun.png");
                assertEquals(List.of(), js(d, "return genie4jPlay.errors"));
            } finally {
                d.quit();
            }
        }
    }

    @Test
    void anUploadedImagePromptsTheWorld(@TempDir Path tmp) throws Exception {
        // The shipped model's tokenizer knows CoinRun: upload the first frame of another level,
        // 96×96 so the server scales it down, and the world must start from it.
        byte[] level;
        try (var env = PlaySessionTest.coinrun()) {
            level = env.reset(777L, java.util.Map.of()).observation().toByteArray();
        }
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                int o = ((y * 2 / 3) * 64 + x * 2 / 3) * 3;
                img.setRGB(
                        x,
                        y,
                        (level[o] & 0xFF) << 16
                                | (level[o + 1] & 0xFF) << 8
                                | (level[o + 2] & 0xFF));
            }
        }
        Path png = tmp.resolve("prompt.png");
        ImageIO.write(img, "png", png.toFile());
        try (PlayServer s = server(c -> c.env = "Genie-v0")) {
            WebDriver d = newBrowser();
            try {
                open(d, s);
                assertTrue(d.findElement(By.id("legend-list")).getText().contains("overall"));
                double before = distance(rgba(d, 0), level);
                d.findElement(By.id("upload")).sendKeys(png.toAbsolutePath().toString());
                waitFor(
                        d,
                        "genie4jPlay.state.prompt === 'uploaded image' && genie4jPlay.pending ==="
                                + " null");
                double after = distance(rgba(d, 0), level);
                assertTrue(
                        after < before / 2 && after < 20,
                        "the world starts from the image: mean distance "
                                + after
                                + " (was "
                                + before
                                + " from the seed's level)");
                press(d, "3");
                assertEquals(3L, ((Number) js(d, "return genie4jPlay.state.code")).longValue());
                screenshot(d, "play-genie-upload.png");

                // A key press shows its frame within one world step: the latency is the server's
                // step time plus little else.
                js(d, "genie4jPlay.latencies.length = 0");
                List<Double> steps = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    press(d, String.valueOf(i % 8));
                    steps.add(((Number) js(d, "return genie4jPlay.state.step_ms")).doubleValue());
                }
                @SuppressWarnings("unchecked")
                List<Number> lat = (List<Number>) js(d, "return genie4jPlay.latencies");
                List<Double> ms = new ArrayList<>();
                lat.forEach(x -> ms.add(x.doubleValue()));
                Collections.sort(ms);
                Collections.sort(steps);
                double p50 = ms.get(ms.size() / 2);
                double step = steps.get(steps.size() / 2);
                System.out.printf(
                        Locale.ROOT,
                        "play page (Genie-v0, headless Chromium): key press to frame p50 %.1f ms,"
                                + " world step p50 %.1f ms, over %d presses%n",
                        p50,
                        step,
                        ms.size());
                assertTrue(ms.size() >= 10, "latencies measured: " + ms.size());
                assertTrue(
                        p50 < 2 * step + 100,
                        "key to frame " + p50 + " ms against a world step of " + step + " ms");
            } finally {
                d.quit();
            }
        }
    }

    /** Mean absolute difference per channel between a canvas's RGBA and an RGB frame. */
    private static double distance(List<Number> rgba, byte[] rgb) {
        double sum = 0;
        for (int i = 0; i < rgb.length / 3; i++) {
            for (int ch = 0; ch < 3; ch++) {
                sum += Math.abs(rgba.get(4 * i + ch).intValue() - (rgb[3 * i + ch] & 0xFF));
            }
        }
        return sum / rgb.length;
    }

    @Test
    void sideBySideShowsTheGameAndTheWorld() throws Exception {
        try (PlayServer s = server(c -> c.sideBySide = true)) {
            WebDriver d = newBrowser();
            try {
                open(d, s);
                assertEquals(2, d.findElements(By.cssSelector("canvas.frame")).size());
                reset(d, 21);
                String game = pixels(d, 0);
                String world = pixels(d, 1);
                press(d, Keys.ARROW_RIGHT);
                press(d, Keys.ARROW_RIGHT);
                assertNotEquals(game, pixels(d, 0), "the game moved");
                assertNotEquals(world, pixels(d, 1), "the world moved");
                waitFor(d, "genie4jPlay.state.step === 2 && genie4jPlay.pending === null");
                assertEquals(
                        2L, ((Number) js(d, "return genie4jPlay.state.panes.length")).longValue());
                screenshot(d, "play-side-by-side.png");
            } finally {
                d.quit();
            }
        }
    }
}
