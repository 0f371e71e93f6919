package io.sparkformers.inference.vision;

/**
 * How an HF image processor picks its resize target from the input size. Each factory reproduces
 * one helper of transformers 4.38 and names it.
 */
@FunctionalInterface
public interface ResizePolicy {
  /** The output {height, width} for an input of {@code height} x {@code width}. */
  int[] outputSize(int height, int width);

  /** {@code size: {height, width}}: warp to a fixed size (ViT, SegFormer, Mask2Former fixed). */
  static ResizePolicy exact(int height, int width) {
    return (h, w) -> new int[] {height, width};
  }

  /**
   * {@code get_resize_output_image_size(size=int, default_to_square=False)}: the shorter side
   * becomes {@code shortest}, the longer one keeps the aspect ratio, truncated.
   */
  static ResizePolicy shortestEdge(int shortest) {
    return (h, w) -> {
      int shortSide = Math.min(h, w);
      int longSide = Math.max(h, w);
      int newLong = (int) ((double) shortest * longSide / shortSide);
      return w <= h ? new int[] {newLong, shortest} : new int[] {shortest, newLong};
    };
  }

  /**
   * DETR's {@code get_size_with_aspect_ratio}: shorter side {@code shortest}, unless that makes the
   * longer side exceed {@code longest}, in which case the shorter side shrinks to fit.
   */
  static ResizePolicy shortestEdgeWithin(int shortest, int longest) {
    return (h, w) -> {
      double minSide = Math.min(h, w);
      double maxSide = Math.max(h, w);
      int size = shortest;
      if (maxSide / minSide * size > longest) {
        size = (int) Math.rint(longest * minSide / maxSide); // Python round(): half to even
      }
      if ((h <= w && h == size) || (w <= h && w == size)) {
        return new int[] {h, w};
      }
      return w < h
          ? new int[] {(int) ((double) size * h / w), size}
          : new int[] {size, (int) ((double) size * w / h)};
    };
  }

  /**
   * DPT's {@code get_resize_output_image_size}: scale to {@code height} x {@code width}; with
   * {@code keepAspectRatio} both sides take the scale closer to 1; each side is then rounded (half
   * to even) to a multiple of {@code multiple}.
   */
  static ResizePolicy keepingAspectRatio(int height, int width, boolean keepAspectRatio, int multiple) {
    return (h, w) -> {
      double scaleHeight = (double) height / h;
      double scaleWidth = (double) width / w;
      if (keepAspectRatio) {
        if (Math.abs(1 - scaleWidth) < Math.abs(1 - scaleHeight)) {
          scaleHeight = scaleWidth;
        } else {
          scaleWidth = scaleHeight;
        }
      }
      return new int[] {toMultiple(scaleHeight * h, multiple), toMultiple(scaleWidth * w, multiple)};
    };
  }

  private static int toMultiple(double value, int multiple) {
    int x = (int) Math.rint(value / multiple) * multiple;
    return x < 0 ? (int) Math.ceil(value / multiple) * multiple : x;
  }

  /**
   * YOLOS's {@code get_size_with_aspect_ratio}: DETR's shortest edge within a longest one, except
   * that a square input keeps its size, then both sides floored to a multiple of 16.
   */
  static ResizePolicy yolos(int shortest, int longest) {
    return (h, w) -> {
      int size = shortest;
      double minSide = Math.min(h, w);
      double maxSide = Math.max(h, w);
      if (maxSide / minSide * size > longest) {
        size = (int) Math.rint(longest * minSide / maxSide);
      }
      int height = h;
      int width = w;
      if (w < h && w != size) {
        height = (int) ((double) size * h / w);
        width = size;
      } else if (h < w && h != size) {
        width = (int) ((double) size * w / h);
        height = size;
      }
      return new int[] {height - height % 16, width - width % 16};
    };
  }

  /** Mask2Former's {@code size_divisor}: round the target of {@code base} up to a multiple. */
  static ResizePolicy roundedUpTo(ResizePolicy base, int divisor) {
    return (h, w) -> {
      int[] size = base.outputSize(h, w);
      return new int[] {ceilTo(size[0], divisor), ceilTo(size[1], divisor)};
    };
  }

  /** GLPN: round the input size down to a multiple of {@code divisor}. */
  static ResizePolicy roundedDownTo(int divisor) {
    return (h, w) -> new int[] {h / divisor * divisor, w / divisor * divisor};
  }

  private static int ceilTo(int value, int divisor) {
    return (value + divisor - 1) / divisor * divisor;
  }
}
