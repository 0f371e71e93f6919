package io.sparkformers.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Deterministic benchmark images: image {@code i} is a function of i alone, its width and height
 * each 32..512 px, a gradient with a few rectangles (so PNG compresses it as photos compress, not as
 * noise), every other one PNG, the rest JPEG, encoded with ImageIO, as a folder of files would hold.
 */
final class BenchImages {
  static final int MIN_SIDE = 32;
  static final int MAX_SIDE = 512;
  private static final long SEED = 20_251_125L;

  private BenchImages() {}

  /** The folder with images 0..count-1, written unless a previous run left exactly them; sorted paths. */
  static List<Path> folder(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      if (files.count() != count) {
        for (Path old : Files.newDirectoryStream(dir)) Files.delete(old);
        for (int i = 0; i < count; i++) write(dir, i);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return new ArrayList<>(files.sorted().toList());
    }
  }

  private static void write(Path dir, int i) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED ^ (i * 0x9E3779B97F4A7C15L));
    int width = random.nextInt(MIN_SIDE, MAX_SIDE + 1);
    int height = random.nextInt(MIN_SIDE, MAX_SIDE + 1);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, color(random), width, height, color(random)));
    g.fillRect(0, 0, width, height);
    for (int r = 0; r < 4; r++) {
      g.setColor(color(random));
      g.fillRect(random.nextInt(width), random.nextInt(height), random.nextInt(1, width), random.nextInt(1, height));
    }
    g.dispose();
    String format = i % 2 == 0 ? "png" : "jpg";
    ImageIO.write(image, format, dir.resolve(String.format("img_%05d.%s", i, format)).toFile());
  }

  private static Color color(SplittableRandom random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }
}
