package io.sparkformers.bench;

import static io.sparkformers.bench.OnnxModel.FLOAT;
import static io.sparkformers.bench.OnnxModel.floatAttr;
import static io.sparkformers.bench.OnnxModel.intAttr;
import static io.sparkformers.bench.OnnxModel.intsAttr;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Hugging Face ViTForImageClassification folder (config.json, preprocessor_config.json,
 * onnx/model.onnx, laid out as the image-classification-vit fixture) with seeded random weights,
 * for benchmarks that need a real-size vision model where none can be downloaded. The graph does
 * the work HF's exported ViT does, op for op; the weights (std 0.02 as HF's initializer_range,
 * biases 0, LayerNorm scales 1) only make the logits finite and input-dependent. The same size
 * always gives the same bytes.
 */
public final class SyntheticVit {
  private static final long SEED = 17;
  private static final float STD = 0.02f;
  private static final float LAYER_NORM_EPS = 1e-12f;
  private static final String BATCH = "batch_size";
  // written last, so a folder holding it holds a complete model of the size it names
  private static final String MARKER = "synthetic-vit.done";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The hyper-parameters config.json gives, and the square input side. */
  public record Size(int imageSize, int patchSize, int hidden, int layers, int heads, int intermediate, int labels) {
    /** google/vit-base-patch16-224: ~86M parameters, ~17.5 GFLOPs per image. */
    public static final Size BASE = new Size(224, 16, 768, 12, 12, 3072, 1000);
    /** Small enough for a unit test. */
    public static final Size TINY = new Size(32, 8, 32, 2, 2, 64, 10);

    int patches() {
      int side = imageSize / patchSize;
      return side * side;
    }
  }

  private SyntheticVit() {}

  /** Writes the model folder, unless it already holds this size complete; returns {@code folder}. */
  public static Path write(Path folder, Size size) throws IOException {
    Path marker = folder.resolve(MARKER);
    String stamp = size + " seed=" + SEED;
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) return folder;
    // a rewrite cut short must not leave the previous model's marker beside a partial file
    Files.deleteIfExists(marker);
    Files.createDirectories(folder.resolve("onnx"));
    JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("config.json").toFile(), config(size));
    JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("preprocessor_config.json").toFile(),
        preprocessorConfig(size));
    graph(size).write(folder.resolve("onnx").resolve("model.onnx"), new SplittableRandom(SEED));
    Files.writeString(marker, stamp);
    return folder;
  }

  private static Map<String, Object> config(Size size) {
    Map<String, Object> id2label = new LinkedHashMap<>();
    Map<String, Object> label2id = new LinkedHashMap<>();
    for (int i = 0; i < size.labels(); i++) {
      id2label.put(Integer.toString(i), "LABEL_" + i);
      label2id.put("LABEL_" + i, i);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("model_type", "vit");
    config.put("architectures", List.of("ViTForImageClassification"));
    config.put("image_size", size.imageSize());
    config.put("patch_size", size.patchSize());
    config.put("num_channels", 3);
    config.put("hidden_size", size.hidden());
    config.put("num_hidden_layers", size.layers());
    config.put("num_attention_heads", size.heads());
    config.put("intermediate_size", size.intermediate());
    config.put("hidden_act", "gelu");
    config.put("layer_norm_eps", 1e-12);
    config.put("qkv_bias", true);
    config.put("id2label", id2label);
    config.put("label2id", label2id);
    return config;
  }

  private static Map<String, Object> preprocessorConfig(Size size) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("image_processor_type", "ViTImageProcessor");
    config.put("do_resize", true);
    Map<String, Object> side = new LinkedHashMap<>();
    side.put("height", size.imageSize());
    side.put("width", size.imageSize());
    config.put("size", side);
    config.put("resample", 2);
    config.put("do_rescale", true);
    config.put("rescale_factor", 0.00392156862745098);
    config.put("do_normalize", true);
    config.put("image_mean", List.of(0.5, 0.5, 0.5));
    config.put("image_std", List.of(0.5, 0.5, 0.5));
    return config;
  }

  /** pixel_values [batch, 3, S, S] to logits [batch, labels], pre-norm encoder layers as HF's ViTLayer. */
  private static OnnxModel graph(Size size) {
    OnnxModel m = new OnnxModel("vit");
    int h = size.hidden();
    int p = size.patchSize();
    String pixels = m.input("pixel_values", FLOAT, BATCH, 3, size.imageSize(), size.imageSize());

    String grid = m.node("Conv", List.of(pixels, m.random("embeddings.patch.weight", STD, h, 3, p, p),
        m.filled("embeddings.patch.bias", 0, h)), intsAttr("kernel_shape", p, p), intsAttr("strides", p, p));
    String patches = m.node("Transpose",
        List.of(m.node("Reshape", List.of(grid, m.int64s("embeddings.patches_shape", 0, h, -1)))),
        intsAttr("perm", 0, 2, 1));
    // the [1, 1, H] CLS token expanded to the batch the input has
    String batch = m.node("Shape", List.of(pixels), intAttr("end", 1));
    String clsShape = m.node("Concat", List.of(batch, m.int64s("embeddings.cls_tail", 1, h)), intAttr("axis", 0));
    String cls = m.node("Expand", List.of(m.random("embeddings.cls_token", STD, 1, 1, h), clsShape));
    String x = m.node("Add", List.of(m.node("Concat", List.of(cls, patches), intAttr("axis", 1)),
        m.random("embeddings.position_embeddings", STD, 1, size.patches() + 1, h)));

    Layers layers = new Layers(m, size);
    for (int i = 0; i < size.layers(); i++) x = layers.layer("encoder.layer." + i + ".", x);

    String first = m.node("Gather", List.of(layerNorm(m, "layernorm", x, h), m.int64Scalar("cls_index", 0)),
        intAttr("axis", 1));
    m.node("logits", "Add", List.of(
        m.node("MatMul", List.of(first, m.random("classifier.weight", STD, h, size.labels()))),
        m.filled("classifier.bias", 0, size.labels())));
    m.output("logits", FLOAT, BATCH, size.labels());
    return m;
  }

  private static String layerNorm(OnnxModel m, String name, String x, int width) {
    return m.node("LayerNormalization", List.of(x, m.filled(name + ".weight", 1, width), m.filled(name + ".bias", 0, width)),
        intAttr("axis", -1), floatAttr("epsilon", LAYER_NORM_EPS));
  }

  /** x @ W + b, W stored [in, out] as torch.onnx exports nn.Linear. */
  private static String linear(OnnxModel m, String name, String x, int in, int out) {
    return m.node("Add", List.of(m.node("MatMul", List.of(x, m.random(name + ".weight", STD, in, out))),
        m.filled(name + ".bias", 0, out)));
  }

  /** Encoder layers, sharing the shape and scalar constants they all use. */
  private static final class Layers {
    private final OnnxModel m;
    private final Size size;
    private final String splitHeads;
    private final String mergeHeads;
    private final String scale;
    private final String sqrt2;
    private final String one;
    private final String half;

    Layers(OnnxModel m, Size size) {
      this.m = m;
      this.size = size;
      int headSize = size.hidden() / size.heads();
      splitHeads = m.int64s("attention.split_heads", 0, 0, size.heads(), headSize);
      mergeHeads = m.int64s("attention.merge_heads", 0, 0, size.hidden());
      scale = m.filled("attention.scale", (float) (1 / Math.sqrt(headSize)));
      sqrt2 = m.filled("gelu.sqrt2", (float) Math.sqrt(2));
      one = m.filled("gelu.one", 1);
      half = m.filled("gelu.half", 0.5f);
    }

    String layer(String name, String x) {
      int h = size.hidden();
      String normed = layerNorm(m, name + "layernorm_before", x, h);
      String q = heads(linear(m, name + "attention.query", normed, h, h), 0, 2, 1, 3);
      String kT = heads(linear(m, name + "attention.key", normed, h, h), 0, 2, 3, 1);
      String v = heads(linear(m, name + "attention.value", normed, h, h), 0, 2, 1, 3);
      String scores = m.node("Mul", List.of(m.node("MatMul", List.of(q, kT)), scale));
      String probs = m.node("Softmax", List.of(scores), intAttr("axis", -1));
      String context = m.node("Reshape", List.of(
          m.node("Transpose", List.of(m.node("MatMul", List.of(probs, v))), intsAttr("perm", 0, 2, 1, 3)), mergeHeads));
      String attended = m.node("Add", List.of(x, linear(m, name + "attention.output", context, h, h)));

      String widened = linear(m, name + "intermediate", layerNorm(m, name + "layernorm_after", attended, h),
          h, size.intermediate());
      return m.node("Add", List.of(attended, linear(m, name + "output", gelu(widened), size.intermediate(), h)));
    }

    /** [batch, tokens, H] split into heads and transposed by {@code perm}. */
    private String heads(String x, long... perm) {
      return m.node("Transpose", List.of(m.node("Reshape", List.of(x, splitHeads))), intsAttr("perm", perm));
    }

    /** The exact (erf) GELU, in the ops torch exports it as. */
    private String gelu(String x) {
      String erf = m.node("Erf", List.of(m.node("Div", List.of(x, sqrt2))));
      return m.node("Mul", List.of(m.node("Mul", List.of(x, m.node("Add", List.of(erf, one)))), half));
    }
  }
}
