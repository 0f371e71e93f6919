package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peer DJL Spark extension (its TextEmbedder; jobs/peers/djl) in its own Spark 3.5 JVM, which
 * TextBench drives one command at a time so that its chunks alternate with ours. Optional: bench.sh
 * passes bench.djl.classpath only when a DJL Spark jar is present (it is not published to Maven
 * Central for Scala 2.12 / 0.36.0 here, and CI machines have none), and without it
 * {@link #start} returns empty with the reason.
 */
final class DjlPeer implements AutoCloseable {
  static final String CLASSPATH_PROPERTY = "bench.djl.classpath";
  private static final String MAIN = "io.sparkformers.peers.djl.DjlTextPeer";
  /**
   * DJL reads translator arguments from the model folder, not from Params: the tokenizer and
   * pooling settings our FeatureExtractor gets in TextBench (special tokens, truncation to 256,
   * padding to the longest of a batch, mean pooling over the attention mask, L2 norm) and one ORT
   * intra-op thread per session as our engine uses, so both run one thread per Spark task.
   */
  private static final String SERVING_PROPERTIES = String.join("\n",
      "engine=OnnxRuntime",
      "addSpecialTokens=true",
      "truncation=true",
      "padding=true",
      "maxLength=" + TextBench.MAX_LENGTH,
      "includeTokenTypes=true",
      "pooling=mean",
      "normalize=true",
      "option.intraOpNumThreads=1",
      "");

  private final Process process;
  private final BufferedWriter commands;
  private final BufferedReader replies;
  private final ObjectMapper json = new ObjectMapper();

  private DjlPeer(Process process) {
    this.process = process;
    this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Why the peer cannot run, or empty when it can. */
  static Optional<String> unavailable() {
    String classpath = System.getProperty(CLASSPATH_PROPERTY, "");
    return classpath.isBlank()
        ? Optional.of("not available: no DJL Spark jar (bench.sh looks for $DJL_SPARK_JAR)")
        : Optional.empty();
  }

  /**
   * Starts the peer JVM on sentences [0, rows): writes them to a jsonl the peer reads and a copy of
   * our model folder with DJL's serving.properties, both under target/peers/djl.
   */
  static DjlPeer start(Path model, long rows, int partitions, int batchSize) throws IOException {
    Path dir = Path.of("target", "peers", "djl").toAbsolutePath();
    Path djlModel = dir.resolve("model").resolve(model.getFileName());
    Files.createDirectories(djlModel);
    for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
      Files.copy(model.resolve(file), djlModel.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(djlModel.resolve("serving.properties"), SERVING_PROPERTIES);
    Path sentences = dir.resolve("sentences.jsonl");
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter out = Files.newBufferedWriter(sentences, StandardCharsets.UTF_8)) {
      for (long i = 0; i < rows; i++) {
        out.write(json.writeValueAsString(Map.of("id", i, "text", Sentences.sentence(i))));
        out.newLine();
      }
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the same heap and Spark module flags as this JVM; -Dbench.* options are ignored by the peer
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty(CLASSPATH_PROPERTY));
    command.addAll(List.of(MAIN, djlModel.toUri().toString(), sentences.toString(),
        Integer.toString(partitions), Integer.toString(batchSize)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    // DJL's cache (extracted native libraries) in target, not the user's home; everything it needs is on the class path
    builder.environment().put("DJL_CACHE_DIR", dir.resolve("djl-cache").toString());
    builder.environment().put("DJL_OFFLINE", "true");
    return new DjlPeer(builder.start());
  }

  /** Seconds DJL's TextEmbedder takes over sentences [from, to), written to the noop sink. */
  double seconds(long from, long to) throws IOException {
    return Double.parseDouble(ask("time " + from + " " + to, "seconds"));
  }

  /** DJL's embeddings of sentences [from, to), in order. */
  float[][] embeddings(long from, long to) throws IOException {
    return json.readValue(ask("embed " + from + " " + to, "embeddings"), float[][].class);
  }

  private String ask(String command, String answer) throws IOException {
    commands.write(command);
    commands.newLine();
    commands.flush();
    String prefix = "peer " + answer + " ";
    for (String line = replies.readLine(); line != null; line = replies.readLine()) {
      if (line.startsWith(prefix)) return line.substring(prefix.length());
    }
    throw new IOException("DJL peer exited without answering '" + command + "' (its log is in bench.log)");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    commands.write("quit");
    commands.newLine();
    commands.flush();
    process.waitFor();
  }
}
