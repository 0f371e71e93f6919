package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.InferenceEngine;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.model.ModelFetcher;
import io.sparkformers.inference.text.TextTokenizer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The small, serializable description of a model that travels to executors (never the weights):
 * where it is, which graph variant, which engine and device, and the engine's options (threads a
 * task may use, memory settings).
 */
public record ModelSpec(String uri, String dtype, String engine, String device, EngineOptions options)
    implements Serializable {

  /** The same model with the engine's default memory settings. */
  public ModelSpec(String uri, String dtype, String engine, String device, int threads) {
    this(uri, dtype, engine, device, EngineOptions.defaults(threads));
  }

  /** The same settings for the model at {@code otherUri}. */
  public ModelSpec at(String otherUri) {
    return new ModelSpec(otherUri, dtype, engine, device, options);
  }

  /** The same settings on CPU: the driver, which may have no GPU, checks models there. */
  public ModelSpec onCpu() {
    return new ModelSpec(uri, dtype, engine, "cpu", options);
  }

  /**
   * The model as this task sees it: the local folder, the resolved device and cached sessions.
   * {@code hadoopConf} reaches a remote {@link #uri} (see {@link ModelFetcher}) and, through
   * {@link Model#hadoopConf}, inputs given as paths.
   */
  public Model open(Configuration hadoopConf, List<String> assignedGpus) {
    ModelBundle bundle = ModelBundle.open(ModelFetcher.localFolder(uri, hadoopConf));
    InferenceEngine eng = InferenceEngine.named(engine);
    Device resolved = Device.parse(device).resolve(assignedGpus, eng.gpuUsable());
    return new Model(this, bundle, eng, resolved, hadoopConf);
  }

  /** A model folder opened for one device; sessions and tokenizers come from the JVM-wide cache. */
  public static final class Model {
    private final ModelSpec spec;
    private final ModelBundle bundle;
    private final InferenceEngine engine;
    private final Device device;
    private final Configuration hadoopConf;

    Model(ModelSpec spec, ModelBundle bundle, InferenceEngine engine, Device device, Configuration hadoopConf) {
      this.spec = spec;
      this.bundle = bundle;
      this.engine = engine;
      this.device = device;
      this.hadoopConf = hadoopConf;
    }

    public ModelBundle bundle() {
      return bundle;
    }

    public Device device() {
      return device;
    }

    /** The configuration the model was fetched with, for reading input files from the same places. */
    public Configuration hadoopConf() {
      return hadoopConf;
    }

    /**
     * The graph {@code name} (model, encoder_model, decoder_model_merged ...), loaded once per JVM.
     * On a GPU its forward passes go through one device worker, which merges the tasks' batches.
     */
    public ModelSession session(String name) {
      Path graph = bundle.graph(name, spec.dtype());
      List<Object> key = List.of("session", graph.toAbsolutePath().toString(), fingerprint(graph),
          engine.name(), device, spec.options());
      return ModelCache.get("session", key, () -> DeviceWorkerMode.fromEnvironment().session(
          engine.open(graph, device, spec.options()), device, graph.getFileName().toString(),
          DeviceWorkerMode.SETTINGS, DeviceWorkerMode.paddingBudgetFromEnvironment()));
    }

    /**
     * Whether the device limits the run now: this model's sessions run behind a device worker (see
     * {@link DeviceWorkerMode}) and the device was busy most of the last second ({@link DeviceLoad}).
     */
    public boolean deviceSaturated() {
      return DeviceWorkerMode.fromEnvironment().appliesTo(device) && DeviceLoad.of(device).saturated();
    }

    /** Whether the folder has the graph {@code name} in this spec's dtype. */
    public boolean hasGraph(String name) {
      return bundle.findGraph(name, spec.dtype()).isPresent();
    }

    /** A tokenizer with these settings, loaded once per JVM. */
    public TextTokenizer tokenizer(Integer maxLength, TextTokenizer.Truncation truncation, int stride,
        boolean overflow) {
      return tokenizer(maxLength, truncation, stride, overflow, true);
    }

    /** A tokenizer with these settings, loaded once per JVM; see {@link TextTokenizer#load}. */
    public TextTokenizer tokenizer(Integer maxLength, TextTokenizer.Truncation truncation, int stride,
        boolean overflow, boolean addSpecialTokens) {
      Path file = bundle.tokenizerFile();
      List<Object> key = List.of("tokenizer", file.toAbsolutePath().toString(), fingerprint(file),
          String.valueOf(maxLength), truncation, stride, overflow, addSpecialTokens);
      return ModelCache.get("tokenizer", key,
          () -> TextTokenizer.load(bundle, maxLength, truncation, stride, overflow, addSpecialTokens));
    }

    private static String fingerprint(Path file) {
      try {
        return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
