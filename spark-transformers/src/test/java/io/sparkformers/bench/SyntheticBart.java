package io.sparkformers.bench;

import static io.sparkformers.bench.OnnxModel.BOOL;
import static io.sparkformers.bench.OnnxModel.FLOAT;
import static io.sparkformers.bench.OnnxModel.INT64;
import static io.sparkformers.bench.OnnxModel.graphAttr;
import static io.sparkformers.bench.OnnxModel.intAttr;
import static io.sparkformers.bench.OnnxModel.intsAttr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A BART model folder as Optimum exports it with its KV cache, in the merged layout
 * (onnx/encoder_model.onnx, and onnx/decoder_model_merged.onnx: an If on {@code use_cache_branch}
 * between the first step, which computes the cross-attention presents, and the cached steps, which
 * read them from the past and return them empty), with seeded random weights:
 * BartForConditionalGeneration's work op for op (learned positions offset by 2, post-norm layers,
 * exact GELU, tied lm_head). The tokenizer and vocabulary are the summarization-bart fixture's. The
 * token embedding is drawn first in both files from the same seed, so the graphs share it.
 */
public final class SyntheticBart {
  private static final long SEED = 29;
  private static final float STD = 0.02f;
  private static final String FIXTURE = "summarization-bart";
  private static final String BATCH = "batch_size";
  private static final int POSITION_OFFSET = 2;

  /** config.json's hyper-parameters (encoder and decoder alike). */
  public record Size(int layers, int hidden, int heads, int ffn, int positions) {
    /** facebook/bart-base: 6 + 6 layers, 768 wide, 1024 positions. */
    public static final Size BASE = new Size(6, 768, 12, 3072, 1024);
    public static final Size TINY = new Size(2, 32, 2, 64, 72);
  }

  private SyntheticBart() {}

  /** Writes the folder unless it holds this size complete; returns {@code folder}. */
  public static Path write(Path folder, Size size) throws IOException {
    return SyntheticFolder.once(folder, "bart merged " + size + " seed=" + SEED, dir -> {
      ObjectNode config = SyntheticFolder.fromTextFixture(dir, FIXTURE);
      config.put("d_model", size.hidden()).put("encoder_layers", size.layers()).put("decoder_layers", size.layers())
          .put("num_hidden_layers", size.layers()).put("encoder_attention_heads", size.heads())
          .put("decoder_attention_heads", size.heads()).put("encoder_ffn_dim", size.ffn())
          .put("decoder_ffn_dim", size.ffn()).put("max_position_embeddings", size.positions());
      SyntheticFolder.writeJson(dir.resolve("config.json"), config);
      int vocab = config.get("vocab_size").asInt();
      encoder(size, vocab).write(dir.resolve("onnx/encoder_model.onnx"), new SplittableRandom(SEED));
      merged(size, vocab).write(dir.resolve("onnx/decoder_model_merged.onnx"), new SplittableRandom(SEED));
    });
  }

  private static OnnxModel encoder(Size size, int vocab) {
    OnnxModel m = new OnnxModel("bart_encoder");
    String shared = m.random("model.shared.weight", STD, vocab, size.hidden());
    String ids = m.input("input_ids", INT64, BATCH, "encoder_sequence_length");
    String mask = m.input("attention_mask", INT64, BATCH, "encoder_sequence_length");
    Layers l = new Layers(m, size);
    String x = l.embed(shared, "model.encoder.", ids, l.zero);
    String keys = l.keyMask(mask);
    for (int i = 0; i < size.layers(); i++) {
      String name = "model.encoder.layers." + i + ".";
      String[] kv = l.keysValues(name + "self_attn.", x);
      x = l.norm(name + "self_attn_layer_norm", m.node("Add", List.of(x, l.attention(name + "self_attn.", x, kv, keys))));
      x = l.norm(name + "final_layer_norm", m.node("Add", List.of(x, l.feedForward(name, x))));
    }
    m.node("last_hidden_state", "Identity", List.of(x));
    m.output("last_hidden_state", FLOAT, BATCH, "encoder_sequence_length", size.hidden());
    return m;
  }

  /** The merged decoder: If(use_cache_branch) over the decoder with its past and the one without. */
  private static OnnxModel merged(Size size, int vocab) {
    OnnxModel m = new OnnxModel("bart_decoder_merged");
    int headDim = size.hidden() / size.heads();
    // drawn first, as in the encoder's file
    m.random("model.shared.weight", STD, vocab, size.hidden());
    m.input("encoder_attention_mask", INT64, BATCH, "encoder_sequence_length");
    m.input("input_ids", INT64, BATCH, "decoder_sequence_length");
    m.input("encoder_hidden_states", FLOAT, BATCH, "encoder_sequence_length", size.hidden());
    List<String> outputs = new ArrayList<>(List.of("logits"));
    m.output("logits", FLOAT, BATCH, "decoder_sequence_length", vocab);
    String[][] past = new String[size.layers()][];
    for (int i = 0; i < size.layers(); i++) {
      String p = "past_key_values." + i + ".";
      past[i] = new String[] {
          m.input(p + "decoder.key", FLOAT, BATCH, size.heads(), "past_decoder_sequence_length", headDim),
          m.input(p + "decoder.value", FLOAT, BATCH, size.heads(), "past_decoder_sequence_length", headDim),
          m.input(p + "encoder.key", FLOAT, BATCH, size.heads(), "encoder_sequence_length_out", headDim),
          m.input(p + "encoder.value", FLOAT, BATCH, size.heads(), "encoder_sequence_length_out", headDim)};
      for (String kind : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
        outputs.add("present." + i + "." + kind);
        m.output("present." + i + "." + kind, FLOAT, BATCH, size.heads(),
            kind.startsWith("decoder") ? "decoder_total_length" : "encoder_sequence_length_out", headDim);
      }
    }
    String useCache = m.input("use_cache_branch", BOOL, 1);
    OnnxModel withPast = decoder(m.branch("with_past"), size, vocab, past);
    OnnxModel withoutPast = decoder(m.branch("without_past"), size, vocab, null);
    m.node(outputs, "If", List.of(useCache), graphAttr("then_branch", withPast), graphAttr("else_branch", withoutPast));
    return m;
  }

  /**
   * One branch over the graph's inputs, with {@code past} or none; outputs logits then each layer's
   * presents. With a past, the cross-attention presents are empty: their past does not change.
   */
  private static OnnxModel decoder(OnnxModel m, Size size, int vocab, String[][] past) {
    int headDim = size.hidden() / size.heads();
    String shared = m.random("model.shared.weight", STD, vocab, size.hidden());
    Layers l = new Layers(m, size);
    String pastLength = past != null
        ? m.node("Squeeze", List.of(m.node("Shape", List.of(past[0][0]), intAttr("start", 2), intAttr("end", 3))))
        : l.zero;
    String x = l.embed(shared, "model.decoder.", "input_ids", pastLength);
    String causal = l.causal("input_ids", pastLength);
    String keys = l.keyMask("encoder_attention_mask");
    List<String> presents = new ArrayList<>();
    for (int i = 0; i < size.layers(); i++) {
      String name = "model.decoder.layers." + i + ".";
      String[] self = l.keysValues(name + "self_attn.", x);
      if (past != null) {
        self[0] = m.node("Concat", List.of(past[i][0], self[0]), intAttr("axis", 2));
        self[1] = m.node("Concat", List.of(past[i][1], self[1]), intAttr("axis", 2));
      }
      x = l.norm(name + "self_attn_layer_norm", m.node("Add", List.of(x, l.attention(name + "self_attn.", x, self, causal))));
      String[] cross = past != null ? new String[] {past[i][2], past[i][3]}
          : l.keysValues(name + "encoder_attn.", "encoder_hidden_states");
      x = l.norm(name + "encoder_attn_layer_norm", m.node("Add", List.of(x, l.attention(name + "encoder_attn.", x, cross, keys))));
      x = l.norm(name + "final_layer_norm", m.node("Add", List.of(x, l.feedForward(name, x))));
      presents.add(self[0]);
      presents.add(self[1]);
      presents.add(past != null ? l.empty(cross[0]) : cross[0]);
      presents.add(past != null ? l.empty(cross[1]) : cross[1]);
    }
    m.output(m.node("Add", List.of(m.node("MatMul", List.of(x, m.node("Transpose", List.of(shared)))),
        m.filled("final_logits_bias", 0, vocab))), FLOAT, BATCH, "decoder_sequence_length", vocab);
    for (int i = 0; i < presents.size(); i++) {
      m.output(presents.get(i), FLOAT, BATCH, size.heads(),
          i % 4 < 2 ? "decoder_total_length" : "encoder_sequence_length_out", headDim);
    }
    return m;
  }

  /** The layers' building blocks, sharing the constants they all use. */
  private static final class Layers {
    private final OnnxModel m;
    private final Size size;
    final String zero;
    private final String one;
    private final String splitHeads;
    private final String mergeHeads;
    private final String scale;
    private final String masked;
    private final String sqrt2;
    private final String half;
    private final String unit;

    Layers(OnnxModel m, Size size) {
      this.m = m;
      this.size = size;
      int headDim = size.hidden() / size.heads();
      zero = m.int64Scalar("zero", 0);
      one = m.int64Scalar("one", 1);
      splitHeads = m.int64s("attn.split_heads", 0, 0, size.heads(), headDim);
      mergeHeads = m.int64s("attn.merge_heads", 0, 0, size.hidden());
      scale = m.filled("attn.scale", (float) (1 / Math.sqrt(headDim)));
      masked = m.filled("attn.masked", -1e9f);
      sqrt2 = m.filled("gelu.sqrt2", (float) Math.sqrt(2));
      half = m.filled("gelu.half", 0.5f);
      unit = m.filled("gelu.one", 1);
    }

    /** Token embedding + learned positions from {@code first} on (offset 2, as BartLearnedPositionalEmbedding), normed. */
    String embed(String shared, String prefix, String ids, String first) {
      String length = m.node("Squeeze", List.of(m.node("Shape", List.of(ids), intAttr("start", 1), intAttr("end", 2))));
      String start = m.node("Add", List.of(first, m.int64Scalar(prefix + "position_offset", POSITION_OFFSET)));
      String positions = m.node("Range", List.of(start, m.node("Add", List.of(start, length)), one));
      String x = m.node("Add", List.of(m.node("Gather", List.of(shared, ids)), m.node("Gather", List.of(
          m.random(prefix + "embed_positions.weight", STD, size.positions() + POSITION_OFFSET, size.hidden()), positions))));
      return norm(prefix + "layernorm_embedding", x);
    }

    /** {@code x} [batch, heads, length, head_dim] with none of its length. */
    String empty(String x) {
      return m.node("Slice", List.of(x, m.int64s("empty.start", 0), m.int64s("empty.end", 0), m.int64s("empty.axes", 2)));
    }

    /** [batch, 1, 1, keys]: the keys the mask keeps. */
    String keyMask(String mask) {
      return m.node("Unsqueeze", List.of(m.node("Cast", List.of(mask), intAttr("to", 9)), m.int64s(mask + ".axes", 1, 2)));
    }

    /** [queries, past + queries]: query i sits at past + i and sees keys up to there. */
    String causal(String ids, String past) {
      String length = m.node("Squeeze", List.of(m.node("Shape", List.of(ids), intAttr("start", 1), intAttr("end", 2))));
      String queries = m.node("Unsqueeze", List.of(m.node("Add", List.of(m.node("Range", List.of(zero, length, one)), past)),
          m.int64s("causal.axis1", 1)));
      String keys = m.node("Range", List.of(zero, m.node("Add", List.of(past, length)), one));
      return m.node("LessOrEqual", List.of(keys, queries));
    }

    /** Key and value heads of {@code x}; with x null, only draws their weights. */
    String[] keysValues(String name, String x) {
      String k = linear(name + "k_proj", x, size.hidden(), size.hidden());
      String v = linear(name + "v_proj", x, size.hidden(), size.hidden());
      return x == null ? null : new String[] {heads(k), heads(v)};
    }

    String attention(String name, String x, String[] keysValues, String allowed) {
      int h = size.hidden();
      String q = heads(linear(name + "q_proj", x, h, h));
      String scores = m.node("Mul", List.of(m.node("MatMul", List.of(q,
          m.node("Transpose", List.of(keysValues[0]), intsAttr("perm", 0, 1, 3, 2)))), scale));
      String probs = m.node("Softmax", List.of(m.node("Where", List.of(allowed, scores, masked))), intAttr("axis", -1));
      String context = m.node("Reshape", List.of(m.node("Transpose", List.of(m.node("MatMul", List.of(probs, keysValues[1]))),
          intsAttr("perm", 0, 2, 1, 3)), mergeHeads));
      return linear(name + "out_proj", context, h, h);
    }

    String feedForward(String name, String x) {
      String widened = linear(name + "fc1", x, size.hidden(), size.ffn());
      String erf = m.node("Erf", List.of(m.node("Div", List.of(widened, sqrt2))));
      String gelu = m.node("Mul", List.of(m.node("Mul", List.of(widened, m.node("Add", List.of(erf, unit)))), half));
      return linear(name + "fc2", gelu, size.ffn(), size.hidden());
    }

    String norm(String name, String x) {
      return SyntheticGpt2.layerNorm(m, name, x, size.hidden());
    }

    /** x @ W + b (W stored [in, out]); with x null, only draws the weights. */
    private String linear(String name, String x, int in, int out) {
      String weight = m.random(name + ".weight", STD, in, out);
      String bias = m.filled(name + ".bias", 0, out);
      return x == null ? null : m.node("Add", List.of(m.node("MatMul", List.of(x, weight)), bias));
    }

    private String heads(String x) {
      return m.node("Transpose", List.of(m.node("Reshape", List.of(x, splitHeads))), intsAttr("perm", 0, 2, 1, 3));
    }
  }
}
