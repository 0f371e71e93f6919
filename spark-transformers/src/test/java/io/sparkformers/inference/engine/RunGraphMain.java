package io.sparkformers.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child-JVM entry point of {@link LongCommandLineTest}: opens a session on a graph, feeds it the
 * model inputs of a golden case and prints {@code logits v1 v2 ...}.
 *
 * <p>Arguments: the graph file, the golden.json holding {@code cases[0].model_inputs}.
 */
public final class RunGraphMain {
  private RunGraphMain() {}

  public static void main(String[] args) throws Exception {
    JsonNode inputs = new ObjectMapper().readTree(Path.of(args[1]).toFile()).get("cases").get(0).get("model_inputs");
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    inputs.fields().forEachRemaining(e -> feeds.put(e.getKey(), Tensor.longs(longs(e.getValue().get("data")),
        longs(e.getValue().get("shape")))));
    try (ModelSession session = OnnxRuntimeEngine.INSTANCE.open(Path.of(args[0]), Device.CPU, EngineOptions.defaults(1))) {
      float[] logits = session.run(feeds, "logits").get("logits").floats();
      StringBuilder line = new StringBuilder("logits");
      for (float v : logits) line.append(' ').append(v);
      System.out.println(line);
    }
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
    return out;
  }
}
