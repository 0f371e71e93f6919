package io.sparkformers.inference.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Deeplearning4j: the same {@code model.onnx} imported into SameDiff (nd4j 1.0.0-M2.1) and run there.
 * Its jars are optional dependencies, so this class names no nd4j type: the work is in
 * {@link SameDiffGraphs} and {@link SameDiffSession}, loaded only once {@link #missingClasses} is empty.
 */
public final class Dl4jEngine implements InferenceEngine {
  static final String NEEDS = "engine=dl4j needs org.nd4j:samediff-import-onnx:1.0.0-M2.1 and an nd4j backend:"
      + " org.nd4j:nd4j-native:1.0.0-M2.1 plus the same artifact with classifier linux-x86_64 (CPU),"
      + " or org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1 with its classifier (CUDA 11.6)";
  private static final String IMPORTER = "org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter";
  private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
  private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

  static final Dl4jEngine INSTANCE = new Dl4jEngine();

  private Dl4jEngine() {}

  /** The engine, or a clear error naming the artifacts when they are not on the class path. */
  static Dl4jEngine get() {
    List<String> missing = missingClasses(Dl4jEngine.class.getClassLoader());
    if (!missing.isEmpty()) {
      throw new IllegalStateException(NEEDS + "; missing " + missing + " (or use engine=onnxruntime)");
    }
    return INSTANCE;
  }

  /** The importer and backend classes that {@code loader} cannot find. */
  static List<String> missingClasses(ClassLoader loader) {
    List<String> missing = new ArrayList<>();
    if (!present(IMPORTER, loader)) missing.add(IMPORTER);
    if (!present(CPU_BACKEND, loader) && !present(CUDA_BACKEND, loader)) missing.add(CPU_BACKEND + " or " + CUDA_BACKEND);
    return missing;
  }

  private static boolean present(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public String name() {
    return "dl4j";
  }

  /** nd4j picks its CUDA backend whenever that backend's jars are present; it is one per JVM. */
  @Override
  public boolean gpuUsable() {
    if (!present(CUDA_BACKEND, Dl4jEngine.class.getClassLoader())) return false;
    try {
      return SameDiffGraphs.cudaDevices() > 0;
    } catch (RuntimeException | LinkageError e) {
      // the CUDA jars without a driver or CUDA 11.6 libraries: nd4j cannot start
      return false;
    }
  }

  /**
   * {@code options} have no per-session counterpart in nd4j: its thread pool is per process
   * (OMP_NUM_THREADS) and its memory its own workspaces.
   */
  @Override
  public ModelSession open(Path graph, Device device, EngineOptions options) {
    if (device.kind() == Device.Kind.AUTO) {
      throw new IllegalArgumentException("resolve device auto before opening a session");
    }
    return SameDiffGraphs.open(graph, device);
  }
}
