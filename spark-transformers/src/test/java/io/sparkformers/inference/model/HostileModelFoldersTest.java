package io.sparkformers.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkformers.ml.TextClassifier;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.HostileListingFileSystem;
import io.sparkformers.testing.LocalSpark;
import java.io.BufferedWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model folders written by someone else: links and external-data locations that lead out of the
 * folder, remote listings with ".." or absolute names, absurd config sizes, a huge tokenizer.json
 * and a graph whose declared shapes lie. Each is refused with a message naming the problem, before
 * anything outside the folder (or anything too large) is read.
 */
class HostileModelFoldersTest {
  private static final Path BERT = Fixtures.model("text-classification-bert");

  /** A copy of the text-classification fixture, to be spoiled by each test. */
  private static Path copyOfBert(Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("model"));
    for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
      Files.copy(BERT.resolve(f), folder.resolve(f));
    }
    Files.createDirectories(folder.resolve("onnx"));
    Files.copy(BERT.resolve("onnx/model.onnx"), folder.resolve("onnx/model.onnx"));
    return folder;
  }

  private static String refusal(Path folder) {
    return assertThrows(ModelFolderException.class, () -> {
      ModelBundle bundle = ModelBundle.open(folder);
      bundle.tokenizerFile();
      bundle.graph("model", "fp32");
    }).getMessage();
  }

  @Test
  void aGraphLinkedFromOutsideIsRefusedOnTheDriver(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    Files.delete(folder.resolve("onnx/model.onnx"));
    Files.createSymbolicLink(folder.resolve("onnx/model.onnx"), BERT.resolve("onnx/model.onnx").toAbsolutePath());
    String message = refusal(folder);
    assertTrue(message.contains("onnx/model.onnx is a link to") && message.contains("outside the folder"), message);

    // the stage refuses it in transform, on the driver, before any task runs
    var texts = LocalSpark.get().createDataFrame(List.of(RowFactory.create("hello")),
        new StructType().add("text", DataTypes.StringType));
    Exception e = assertThrows(Exception.class,
        () -> new TextClassifier().setModelPath(folder.toString()).transform(texts));
    assertTrue(String.valueOf(e.getMessage()).contains("outside the folder"), e.toString());
  }

  @Test
  void aTokenizerLinkedToASystemFileIsRefused(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    Files.delete(folder.resolve("tokenizer.json"));
    Files.createSymbolicLink(folder.resolve("tokenizer.json"), Path.of("/etc/passwd"));
    String message = refusal(folder);
    assertTrue(message.contains("tokenizer.json is a link to /etc/passwd"), message);
  }

  @Test
  void linksInsideTheFolderAreFine(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    Files.move(folder.resolve("onnx/model.onnx"), folder.resolve("weights.onnx"));
    Files.createSymbolicLink(folder.resolve("onnx/model.onnx"), Path.of("../weights.onnx"));
    assertEquals(folder.resolve("onnx/model.onnx"), ModelBundle.open(folder).graph("model", "fp32"));
  }

  /** Y = X + W, with W's four floats kept in an external-data file at {@code location}. */
  private static Path externalDataGraph(Path folder, String location) throws Exception {
    Onnx.TensorProto w = Onnx.TensorProto.newBuilder().setName("W").addDims(4)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
        .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
        .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
        .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue("16"))
        .build();
    Onnx.TypeProto vector = tensorType(Onnx.TensorProto.DataType.FLOAT_VALUE, 4);
    Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("add")
        .addNode(Onnx.NodeProto.newBuilder().setOpType("Add").addInput("X").addInput("W").addOutput("Y"))
        .addInitializer(w)
        .addInput(Onnx.ValueInfoProto.newBuilder().setName("X").setType(vector))
        .addOutput(Onnx.ValueInfoProto.newBuilder().setName("Y").setType(vector))
        .build();
    Onnx.ModelProto model = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
    Path file = folder.resolve("model.onnx");
    Files.write(file, model.toByteArray());
    return file;
  }

  private static byte[] weights() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : new float[] {1, 2, 3, 4}) b.putFloat(f);
    return b.array();
  }

  @Test
  void externalDataInsideTheFolderLoadsAndRuns(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("model"));
    Files.createDirectories(folder.resolve("data"));
    Files.write(folder.resolve("data/weights.bin"), weights());
    Path graph = externalDataGraph(folder, "data/weights.bin");
    assertEquals(graph, ModelBundle.open(folder).graph("model", "fp32"));
    assertEquals(List.of("data/weights.bin"), OnnxExternalData.locations(graph));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(graph.toString(), new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, new float[] {10, 20, 30, 40});
        OrtSession.Result y = session.run(Map.of("X", x))) {
      assertTrue(java.util.Arrays.equals(new float[] {11, 22, 33, 44}, (float[]) y.get(0).getValue()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../outside.bin", "data/../../outside.bin", "/etc/passwd", "linked.bin"})
  void externalDataOutsideTheFolderIsRefused(String location, @TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("model"));
    Files.write(dir.resolve("outside.bin"), weights());
    Files.createSymbolicLink(dir.resolve("linked-out.bin"), dir.resolve("outside.bin"));
    externalDataGraph(folder, location);
    if (location.equals("linked.bin")) {
      // a link made after the folder was opened: the graph's own check still follows it
      Files.createSymbolicLink(folder.resolve("linked.bin"), dir.resolve("outside.bin"));
    }
    ModelFolderException e = assertThrows(ModelFolderException.class,
        () -> ModelFolderGuard.checkExternalData(folder, folder.resolve("model.onnx")));
    assertTrue(e.getMessage().contains("keeps a tensor in '" + location + "'") && e.getMessage().contains("outside the folder"),
        e.getMessage());
    assertThrows(ModelFolderException.class, () -> ModelBundle.open(folder).graph("model", "fp32"));
  }

  @Test
  void aConfigWithTenMillionLabelsIsRefusedFromItsSizeBeforeParsing(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    try (BufferedWriter out = Files.newBufferedWriter(folder.resolve("config.json"))) {
      out.write("{\"model_type\": \"bert\", \"id2label\": {");
      for (int i = 0; i < 10_000_000; i++) out.write((i == 0 ? "" : ",") + "\"" + i + "\":\"L" + i + "\"");
      out.write("}}");
    }
    long started = System.nanoTime();
    String message = refusal(folder);
    assertTrue(message.contains("config.json is ") && message.contains("over the limit of 33,554,432"), message);
    assertTrue(System.nanoTime() - started < 2_000_000_000L, "refused from the size alone, not parsed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"max_position_embeddings=1000000000", "n_positions=1e9", "num_labels=10000000",
      "vocab_size=-1"})
  void absurdConfigSizesAreRefused(String field, @TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    String key = field.substring(0, field.indexOf('='));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(folder.resolve("config.json").toFile());
    config.set(key, json.readTree(field.substring(key.length() + 1)));
    json.writeValue(folder.resolve("config.json").toFile(), config);
    String message = refusal(folder);
    assertTrue(message.contains(key + " is ") && message.contains("no model has that many"), message);
  }

  @Test
  void aConfigWithTwoMillionCompactLabelsIsRefusedByCount(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    StringBuilder labels = new StringBuilder("{\"model_type\": \"bert\", \"id2label\": {");
    for (int i = 0; i < 1_100_000; i++) labels.append(i == 0 ? "" : ",").append('"').append(i).append("\":\"\"");
    Files.writeString(folder.resolve("config.json"), labels.append("}}"));
    String message = refusal(folder);
    assertTrue(message.contains("id2label has 1,100,000 labels, over the limit of 1,048,576"), message);
  }

  @Test
  void aTokenizerOfHundredsOfMegabytesIsRefusedUnread(@TempDir Path dir) throws Exception {
    Path folder = copyOfBert(dir);
    try (RandomAccessFile sparse = new RandomAccessFile(folder.resolve("tokenizer.json").toFile(), "rw")) {
      sparse.setLength(300L << 20); // sparse: no disk, and nothing is read
    }
    String message = refusal(folder);
    assertTrue(message.contains("tokenizer.json is 314,572,800 bytes, over the limit of 134,217,728"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../secret", "/etc/passwd", "onnx/../../secret"})
  void aRemoteListingThatLeadsOutIsRefusedAndNothingIsCopied(String lie, @TempDir Path dir) throws Exception {
    Path remote = copyOfBert(dir);
    Files.writeString(dir.resolve("secret"), "not part of the model");
    Configuration conf = new Configuration();
    conf.set(HostileListingFileSystem.implKey("lyingfs"), HostileListingFileSystem.class.getName());
    HostileListingFileSystem.LIE.set(lie);
    try {
      int opens = HostileListingFileSystem.OPENS.get();
      Exception e = assertThrows(ModelFolderException.class,
          () -> ModelFetcher.localFolder("lyingfs://" + remote.toAbsolutePath(), conf));
      assertTrue(e.getMessage().contains("which is not a file inside it; refused"), e.getMessage());
      assertEquals(opens, HostileListingFileSystem.OPENS.get(), "no file was opened");
    } finally {
      HostileListingFileSystem.LIE.remove();
    }
  }

  @Test
  void aClassifierWhoseDeclaredLogitsLieIsRefusedOnTheDriver(@TempDir Path dir) throws Exception {
    // the fixture's logits are [batch, 3]; this copy declares [batch, 4] and has four labels.
    // ONNX Runtime merges the declaration with the shape it infers, so the head sees 3 and says so.
    Path folder = copyOfBert(dir);
    Onnx.ModelProto.Builder lying = Onnx.ModelProto.parseFrom(Files.readAllBytes(folder.resolve("onnx/model.onnx"))).toBuilder();
    lying.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
        .getDimBuilder(1).clearDimParam().setDimValue(4);
    Files.write(folder.resolve("onnx/model.onnx"), lying.build().toByteArray());
    String config = Files.readString(folder.resolve("config.json"));
    Files.writeString(folder.resolve("config.json"), config.replace("\"2\": \"positive\"", "\"2\": \"positive\", \"3\": \"extra\"")
        .replace("\"positive\": 2", "\"positive\": 2, \"extra\": 3"));

    var texts = LocalSpark.get().createDataFrame(List.of(RowFactory.create("hello")),
        new StructType().add("text", DataTypes.StringType));
    Exception e = assertThrows(ModelFolderException.class,
        () -> new TextClassifier().setModelPath(folder.toString()).transform(texts));
    assertTrue(e.getMessage().contains("id2label has 4 labels but the graph outputs 3 logits"), e.getMessage());
  }

  /**
   * A shape inference cannot check (a Reshape to a shape given at run time) is taken on trust by ONNX
   * Runtime, which only logs a warning when the output differs; the session refuses the output.
   */
  @Test
  void anOutputUnlikeItsDeclaredShapeIsRefusedAtRunTime(@TempDir Path dir) throws Exception {
    Onnx.TypeProto floats = tensorType(Onnx.TensorProto.DataType.FLOAT_VALUE, -1);
    Onnx.TypeProto shape = tensorType(Onnx.TensorProto.DataType.INT64_VALUE, 2);
    Onnx.TypeProto lie = tensorType(Onnx.TensorProto.DataType.FLOAT_VALUE, 3, -1);
    Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("reshape")
        .addNode(Onnx.NodeProto.newBuilder().setOpType("Reshape").addInput("X").addInput("S").addOutput("Y"))
        .addInput(Onnx.ValueInfoProto.newBuilder().setName("X").setType(floats))
        .addInput(Onnx.ValueInfoProto.newBuilder().setName("S").setType(shape))
        .addOutput(Onnx.ValueInfoProto.newBuilder().setName("Y").setType(lie))
        .build();
    Path file = dir.resolve("model.onnx");
    Files.write(file, Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray());

    var session = io.sparkformers.inference.engine.OnnxRuntimeEngine.INSTANCE.open(file,
        io.sparkformers.inference.engine.Device.CPU, io.sparkformers.inference.engine.EngineOptions.defaults(1));
    var x = io.sparkformers.inference.engine.Tensor.floats(new float[] {1, 2, 3, 4, 5, 6}, 6);
    assertEquals(List.of(3L, 2L), java.util.Arrays.stream(session.run(Map.of("X", x,
        "S", io.sparkformers.inference.engine.Tensor.longs(new long[] {3, 2}, 2))).get("Y").shape()).boxed().toList());
    Exception e = assertThrows(IllegalStateException.class, () -> session.run(Map.of("X", x,
        "S", io.sparkformers.inference.engine.Tensor.longs(new long[] {2, 3}, 2))));
    assertTrue(e.getMessage().contains("declares output Y as [3, -1] but produced [2, 3]"), e.getMessage());
  }

  private static Onnx.TypeProto tensorType(int elementType, long... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("n" + shape.getDimCount())
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elementType)
        .setShape(shape)).build();
  }
}
