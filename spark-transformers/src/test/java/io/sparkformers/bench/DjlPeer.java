package io.sparkformers.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DJL Spark extension's TextEmbedder on the same sentences and model files, in its own JVM with
 * its own class path (Spark 3.5 / Scala 2.12: jobs/peers/djl). DJL reads its translator settings
 * from serving.properties in the model folder, so it gets a copy of ours with mean pooling and
 * normalization, as FeatureExtractor runs here.
 */
final class DjlPeer {
  private DjlPeer() {}

  static double rowsPerSecond(String classPath, Path miniLm, long rows) throws Exception {
    Path folder = miniLm.resolveSibling("djl-" + miniLm.getFileName());
    Files.createDirectories(folder);
    Files.deleteIfExists(folder.resolve("model.onnx"));
    Files.createSymbolicLink(folder.resolve("model.onnx"), miniLm.resolve("model.onnx"));
    Files.copy(miniLm.resolve("tokenizer.json"), folder.resolve("tokenizer.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(folder.resolve("serving.properties"),
        "engine=OnnxRuntime\npooling=mean\nnormalize=true\nmaxLength=" + TextBench.MAX_LENGTH
            + "\nincludeTokenTypes=true\n");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", classPath, "peers.DjlTextEmbedder", folder.toUri().toString(), Long.toString(rows)));
    Process peer = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "bench-djl.log").toFile())).start();
    String out = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (peer.waitFor() != 0) throw new IllegalStateException("DJL peer exited " + peer.exitValue() + ": " + out);
    String line = out.lines().filter(l -> l.startsWith("djl_rows_per_s=")).findFirst().orElseThrow();
    // its embedding of the reference sentence is printed beside, for a like-for-like check by eye
    System.err.println("DJL peer: " + line);
    return Double.parseDouble(line.substring("djl_rows_per_s=".length(), line.indexOf(' ')));
  }
}
