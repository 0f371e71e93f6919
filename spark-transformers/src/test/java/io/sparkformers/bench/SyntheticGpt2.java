package io.sparkformers.bench;

import static io.sparkformers.bench.OnnxModel.BOOL;
import static io.sparkformers.bench.OnnxModel.FLOAT;
import static io.sparkformers.bench.OnnxModel.INT64;
import static io.sparkformers.bench.OnnxModel.floatAttr;
import static io.sparkformers.bench.OnnxModel.graphAttr;
import static io.sparkformers.bench.OnnxModel.intAttr;
import static io.sparkformers.bench.OnnxModel.intsAttr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A GPT-2 model folder as Optimum exports it with its KV cache, in the merged layout
 * (onnx/decoder_model_merged.onnx: an If on the {@code use_cache_branch} input between the first
 * step, which ignores the past inputs, and the cached steps, both reading one set of weights), with
 * seeded random weights, for benchmarks that need GPT-2 small's compute where no model can be
 * downloaded. The graph does what GPT2LMHeadModel does, op for op (pre-norm blocks, gelu_new), with
 * the lm_head as a [768, vocab] initializer of its own, as a torch.onnx export stores the tied
 * weight (drawn apart here: what counts is the compute and the bytes read per step). The tokenizer
 * is the text-generation-gpt2 fixture's (its 557 tokens and merges, eos 556), its vocabulary padded
 * to the size's with entries no merge produces ({@code Ġtok<id>}), so every id the model may pick
 * decodes. The same size always gives the same bytes.
 */
public final class SyntheticGpt2 {
  private static final long SEED = 23;
  private static final float STD = 0.02f;
  private static final String FIXTURE = "text-generation-gpt2";
  private static final String BATCH = "batch_size";
  /** What byte-level BPE writes for a space: the padding tokens decode as " tok<id>". */
  private static final String PADDING_TOKEN = "\u0120tok";

  /** config.json's hyper-parameters. */
  public record Size(int layers, int hidden, int heads, int inner, int positions, int vocab) {
    /** gpt2 (small): 12 layers, 768 wide, 1024 positions, 50,257 tokens: 124M parameters (163M stored). */
    public static final Size SMALL = new Size(12, 768, 12, 3072, 1024, 50257);
    public static final Size TINY = new Size(2, 32, 2, 64, 128, 1000);
  }

  private SyntheticGpt2() {}

  /** Writes the folder unless it holds this size complete; returns {@code folder}. */
  public static Path write(Path folder, Size size) throws IOException {
    return SyntheticFolder.once(folder, "gpt2 merged " + size + " seed=" + SEED, dir -> {
      ObjectNode config = SyntheticFolder.fromTextFixture(dir, FIXTURE);
      config.put("n_layer", size.layers()).put("n_embd", size.hidden()).put("n_head", size.heads())
          .put("n_inner", size.inner()).put("n_positions", size.positions()).put("n_ctx", size.positions())
          .put("vocab_size", size.vocab());
      SyntheticFolder.writeJson(dir.resolve("config.json"), config);
      padVocabulary(dir.resolve("tokenizer.json"), size.vocab());
      merged(size).write(dir.resolve("onnx/decoder_model_merged.onnx"), new SplittableRandom(SEED));
    });
  }

  /** Adds {@code Ġtok<id>} entries to tokenizer.json's BPE vocabulary up to {@code vocab} ids. */
  private static void padVocabulary(Path tokenizer, int vocab) throws IOException {
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(tokenizer.toFile());
    ObjectNode entries = (ObjectNode) json.get("model").get("vocab");
    int have = entries.size();
    if (have > vocab) throw new IllegalArgumentException("the fixture has " + have + " tokens, more than " + vocab);
    for (int id = have; id < vocab; id++) {
      if (entries.has(PADDING_TOKEN + id)) throw new IllegalStateException("the fixture has " + PADDING_TOKEN + id);
      entries.put(PADDING_TOKEN + id, id);
    }
    SyntheticFolder.writeJson(tokenizer, json);
  }

  /** The merged decoder: If(use_cache_branch) over the decoder with its past and the one without. */
  private static OnnxModel merged(Size size) {
    OnnxModel m = new OnnxModel("gpt2_merged");
    int headDim = size.hidden() / size.heads();
    m.input("input_ids", INT64, BATCH, "sequence_length");
    m.input("attention_mask", INT64, BATCH, "total_length");
    m.input("position_ids", INT64, BATCH, "sequence_length");
    List<String> outputs = new ArrayList<>(List.of("logits"));
    m.output("logits", FLOAT, BATCH, "sequence_length", size.vocab());
    String[][] past = new String[size.layers()][];
    for (int i = 0; i < size.layers(); i++) {
      String p = "past_key_values." + i + ".";
      past[i] = new String[] {m.input(p + "key", FLOAT, BATCH, size.heads(), "past_length", headDim),
          m.input(p + "value", FLOAT, BATCH, size.heads(), "past_length", headDim)};
      for (String kind : List.of("key", "value")) {
        outputs.add("present." + i + "." + kind);
        m.output("present." + i + "." + kind, FLOAT, BATCH, size.heads(), "total_length", headDim);
      }
    }
    String useCache = m.input("use_cache_branch", BOOL, 1);
    OnnxModel withPast = decoder(m.branch("with_past"), size, past);
    OnnxModel withoutPast = decoder(m.branch("without_past"), size, null);
    m.node(outputs, "If", List.of(useCache), graphAttr("then_branch", withPast), graphAttr("else_branch", withoutPast));
    return m;
  }

  /** One branch: GPT2LMHeadModel over the graph's inputs, with {@code past} or none; outputs logits then presents. */
  private static OnnxModel decoder(OnnxModel m, Size size, String[][] past) {
    int h = size.hidden();
    int headDim = h / size.heads();
    String wte = m.random("transformer.wte.weight", STD, size.vocab(), h);
    String x = m.node("Add", List.of(m.node("Gather", List.of(wte, "input_ids")),
        m.node("Gather", List.of(m.random("transformer.wpe.weight", STD, size.positions(), h), "position_ids"))));

    Attention attention = new Attention(m, size, "input_ids", "attention_mask");
    List<String> presents = new ArrayList<>();
    for (int i = 0; i < size.layers(); i++) {
      x = attention.block("transformer.h." + i + ".", x, past == null ? null : past[i], presents);
    }
    String normed = layerNorm(m, "transformer.ln_f", x, h);
    // the tied lm_head as torch.onnx writes it: the embedding transposed, a second initializer
    m.output(m.node("MatMul", List.of(normed, m.random("lm_head.weight", STD, h, size.vocab()))), FLOAT, BATCH,
        "sequence_length", size.vocab());
    for (String present : presents) m.output(present, FLOAT, BATCH, size.heads(), "total_length", headDim);
    return m;
  }

  static String layerNorm(OnnxModel m, String name, String x, int width) {
    return m.node("LayerNormalization", List.of(x, m.filled(name + ".weight", 1, width), m.filled(name + ".bias", 0, width)),
        intAttr("axis", -1), floatAttr("epsilon", 1e-5f));
  }

  /** x @ W + b, W [in, out] as GPT-2's Conv1D stores it. */
  static String linear(OnnxModel m, String name, String x, int in, int out) {
    return m.node("Add", List.of(m.node("MatMul", List.of(x, m.random(name + ".weight", STD, in, out))),
        m.filled(name + ".bias", 0, out)));
  }

  /** GPT-2 blocks, sharing the mask and the constants they all use. */
  private static final class Attention {
    private final OnnxModel m;
    private final Size size;
    private final String splitHeads;
    private final String mergeHeads;
    private final String scale;
    private final String masked;
    /** [batch, 1, sequence, total]: causal, and not padding. */
    private final String allowed;
    private final String geluScale;
    private final String cubic;
    private final String one;
    private final String half;

    Attention(OnnxModel m, Size size, String ids, String mask) {
      this.m = m;
      this.size = size;
      int headDim = size.hidden() / size.heads();
      splitHeads = m.int64s("attn.split_heads", 0, 0, size.heads(), headDim);
      mergeHeads = m.int64s("attn.merge_heads", 0, 0, size.hidden());
      scale = m.filled("attn.scale", (float) (1 / Math.sqrt(headDim)));
      masked = m.filled("attn.masked", -1e9f);
      String zero = m.int64Scalar("attn.zero", 0);
      String step = m.int64Scalar("attn.one", 1);
      String sequence = m.node("Squeeze", List.of(m.node("Shape", List.of(ids), intAttr("start", 1), intAttr("end", 2))));
      String total = m.node("Squeeze", List.of(m.node("Shape", List.of(mask), intAttr("start", 1), intAttr("end", 2))));
      // query i sits at total - sequence + i and sees keys up to there
      String queries = m.node("Unsqueeze", List.of(m.node("Add", List.of(m.node("Range", List.of(zero, sequence, step)),
          m.node("Sub", List.of(total, sequence)))), m.int64s("attn.axis1", 1)));
      String causal = m.node("LessOrEqual", List.of(m.node("Range", List.of(zero, total, step)), queries));
      String attended = m.node("Unsqueeze", List.of(m.node("Cast", List.of(mask), intAttr("to", 9)),
          m.int64s("attn.axes12", 1, 2)));
      allowed = m.node("And", List.of(causal, attended));
      geluScale = m.filled("gelu.scale", (float) Math.sqrt(2 / Math.PI));
      cubic = m.filled("gelu.cubic", 0.044715f);
      one = m.filled("gelu.one", 1);
      half = m.filled("gelu.half", 0.5f);
    }

    /** One GPT2Block; {@code cache} the past key and value, or null for none; adds its present key and value to {@code presents}. */
    String block(String name, String x, String[] cache, List<String> presents) {
      int h = size.hidden();
      String normed = layerNorm(m, name + "ln_1", x, h);
      String q = heads(linear(m, name + "attn.q", normed, h, h));
      String k = heads(linear(m, name + "attn.k", normed, h, h));
      String v = heads(linear(m, name + "attn.v", normed, h, h));
      if (cache != null) {
        k = m.node("Concat", List.of(cache[0], k), intAttr("axis", 2));
        v = m.node("Concat", List.of(cache[1], v), intAttr("axis", 2));
      }
      presents.add(k);
      presents.add(v);
      String scores = m.node("Mul", List.of(m.node("MatMul", List.of(q,
          m.node("Transpose", List.of(k), intsAttr("perm", 0, 1, 3, 2)))), scale));
      String probs = m.node("Softmax", List.of(m.node("Where", List.of(allowed, scores, masked))), intAttr("axis", -1));
      String context = m.node("Reshape", List.of(
          m.node("Transpose", List.of(m.node("MatMul", List.of(probs, v))), intsAttr("perm", 0, 2, 1, 3)), mergeHeads));
      String attended = m.node("Add", List.of(x, linear(m, name + "attn.c_proj", context, h, h)));
      String widened = linear(m, name + "mlp.c_fc", layerNorm(m, name + "ln_2", attended, h), h, size.inner());
      return m.node("Add", List.of(attended, linear(m, name + "mlp.c_proj", geluNew(widened), size.inner(), h)));
    }

    /** [batch, tokens, H] to [batch, heads, tokens, head_dim]. */
    private String heads(String x) {
      return m.node("Transpose", List.of(m.node("Reshape", List.of(x, splitHeads))), intsAttr("perm", 0, 2, 1, 3));
    }

    /** transformers' NewGELUActivation: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
    private String geluNew(String x) {
      String cube = m.node("Mul", List.of(m.node("Mul", List.of(x, x)), x));
      String inner = m.node("Mul", List.of(geluScale, m.node("Add", List.of(x, m.node("Mul", List.of(cubic, cube))))));
      String tanh = m.node("Tanh", List.of(inner));
      return m.node("Mul", List.of(m.node("Mul", List.of(x, m.node("Add", List.of(one, tanh)))), half));
    }
  }
}
