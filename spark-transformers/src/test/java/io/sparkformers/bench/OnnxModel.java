package io.sparkformers.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An ONNX graph (ir_version 8, opset 17) built node by node and written as a ModelProto with the
 * protobuf wire format encoded by hand, since no protobuf or onnx library is on the class path.
 * Random weights are drawn while the file is written, so a model of hundreds of MB never sits in
 * memory; the length prefixes that precede them are computed from the tensor shapes beforehand.
 * Field numbers are onnx.proto's.
 */
final class OnnxModel {
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int BOOL = 9;
  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;
  // four 16-bit uniforms summed: mean 4 * 65535 / 2, variance 4 * (65536^2 - 1) / 12
  private static final double UNIFORM_SUM_MEAN = 2 * 65535.0;
  private static final double UNIFORM_SUM_STD = Math.sqrt((65536.0 * 65536.0 - 1) / 3);
  private static final int CHUNK_FLOATS = 1 << 16;

  /** A tensor constant; {@code constant} null means drawn from the generator with standard deviation {@code std}. */
  private record Initializer(String name, int dataType, long[] dims, byte[] constant, float std) {
    long rawBytes() {
      return count(dims) * (dataType == INT64 ? Long.BYTES : Float.BYTES);
    }

    /** TensorProto without its raw_data, which is streamed after it. */
    Message header() {
      Message tensor = new Message();
      for (long dim : dims) tensor.varint(1, dim);
      return tensor.varint(2, dataType).string(8, name);
    }

    long size() {
      return header().size() + fieldSize(9, rawBytes());
    }
  }

  private final String name;
  /** Prefix of the values this graph's nodes make: empty for the model's graph, a branch's own for a subgraph. */
  private final String scope;
  private final List<Message> nodes = new ArrayList<>();
  /** The model's initializers, shared with its branches. */
  private final List<Initializer> initializers;
  private final List<Message> inputs = new ArrayList<>();
  private final List<Message> outputs = new ArrayList<>();

  OnnxModel(String name) {
    this(name, "", new ArrayList<>());
  }

  private OnnxModel(String name, String scope, List<Initializer> initializers) {
    this.name = name;
    this.scope = scope;
    this.initializers = initializers;
  }

  /**
   * A subgraph (an If branch) of this model: its nodes are its own and named under {@code name}/, its
   * initializers are the model's, and an initializer it names again is the one already there, so two
   * branches share their weights.
   */
  OnnxModel branch(String name) {
    return new OnnxModel(name, scope + name + "/", initializers);
  }

  /** Adds a node with one output, named after the op and the node count; returns that name. */
  String node(String op, List<String> nodeInputs, Message... attributes) {
    return node(scope + op + "_" + nodes.size(), op, nodeInputs, attributes);
  }

  String node(String output, String op, List<String> nodeInputs, Message... attributes) {
    node(List.of(output), op, nodeInputs, attributes);
    return output;
  }

  void node(List<String> nodeOutputs, String op, List<String> nodeInputs, Message... attributes) {
    Message node = new Message();
    for (String input : nodeInputs) node.string(1, input);
    for (String output : nodeOutputs) node.string(2, output);
    node.string(3, nodeOutputs.get(0)).string(4, op);
    for (Message attribute : attributes) node.message(5, attribute);
    nodes.add(node);
  }

  /** A graph attribute (an If's branch): the subgraph's nodes and outputs; it reads the model's values by name. */
  static Message graphAttr(String name, OnnxModel graph) {
    Message body = new Message();
    for (Message node : graph.nodes) body.message(1, node);
    body.string(2, graph.name);
    for (Message output : graph.outputs) body.message(12, output);
    return new Message().string(1, name).varint(20, 5).message(6, body);
  }

  static Message intAttr(String name, long value) {
    return new Message().string(1, name).varint(20, 2).varint(3, value);
  }

  static Message floatAttr(String name, float value) {
    return new Message().string(1, name).varint(20, 1).float32(2, value);
  }

  static Message intsAttr(String name, long... values) {
    Message attribute = new Message().string(1, name).varint(20, 7);
    for (long value : values) attribute.varint(8, value);
    return attribute;
  }

  /** A float tensor drawn from the generator: roughly normal, mean 0. */
  String random(String tensor, float std, long... dims) {
    if (!has(tensor)) initializers.add(new Initializer(tensor, FLOAT, dims, null, std));
    return tensor;
  }

  private boolean has(String tensor) {
    for (Initializer i : initializers) if (i.name().equals(tensor)) return true;
    return false;
  }

  /** A float tensor with every element {@code value}; no dims for a scalar. */
  String filled(String tensor, float value, long... dims) {
    if (has(tensor)) return tensor;
    ByteBuffer data = littleEndian(Math.toIntExact(count(dims) * Float.BYTES));
    while (data.hasRemaining()) data.putFloat(value);
    initializers.add(new Initializer(tensor, FLOAT, dims, data.array(), 0));
    return tensor;
  }

  /** A 1-D int64 tensor. */
  String int64s(String tensor, long... values) {
    return int64(tensor, new long[] {values.length}, values);
  }

  String int64Scalar(String tensor, long value) {
    return int64(tensor, new long[0], value);
  }

  private String int64(String tensor, long[] dims, long... values) {
    if (has(tensor)) return tensor;
    ByteBuffer data = littleEndian(values.length * Long.BYTES);
    for (long value : values) data.putLong(value);
    initializers.add(new Initializer(tensor, INT64, dims, data.array(), 0));
    return tensor;
  }

  /** A graph input; each dim is a size (Integer) or a symbolic name (String). */
  String input(String value, int elemType, Object... dims) {
    inputs.add(valueInfo(value, elemType, dims));
    return value;
  }

  void output(String value, int elemType, Object... dims) {
    outputs.add(valueInfo(value, elemType, dims));
  }

  private static Message valueInfo(String value, int elemType, Object... dims) {
    Message shape = new Message();
    for (Object dim : dims) {
      shape.message(1, dim instanceof String param ? new Message().string(2, param)
          : new Message().varint(1, ((Number) dim).longValue()));
    }
    Message tensorType = new Message().varint(1, elemType).message(2, shape);
    return new Message().string(1, value).message(2, new Message().message(1, tensorType));
  }

  /** Writes the ModelProto, drawing the random initializers from {@code random} in the order they were added. */
  void write(Path file, SplittableRandom random) throws IOException {
    Message graphName = new Message().string(2, name);
    long graphSize = graphName.size();
    for (Message node : nodes) graphSize += fieldSize(1, node.size());
    for (Initializer initializer : initializers) graphSize += fieldSize(5, initializer.size());
    for (Message input : inputs) graphSize += fieldSize(11, input.size());
    for (Message output : outputs) graphSize += fieldSize(12, output.size());

    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      new Message().varint(1, IR_VERSION).string(2, "sparkformers SyntheticVit")
          .message(8, new Message().varint(2, OPSET)).writeTo(out);
      lengthPrefix(out, 7, graphSize);
      for (Message node : nodes) new Message().message(1, node).writeTo(out);
      graphName.writeTo(out);
      for (Initializer initializer : initializers) {
        lengthPrefix(out, 5, initializer.size());
        initializer.header().writeTo(out);
        lengthPrefix(out, 9, initializer.rawBytes());
        if (initializer.constant() != null) {
          out.write(initializer.constant());
        } else {
          writeRandom(out, random, initializer.rawBytes() / Float.BYTES, initializer.std());
        }
      }
      for (Message input : inputs) new Message().message(11, input).writeTo(out);
      for (Message output : outputs) new Message().message(12, output).writeTo(out);
    }
  }

  private static void writeRandom(OutputStream out, SplittableRandom random, long count, float std) throws IOException {
    ByteBuffer chunk = littleEndian(CHUNK_FLOATS * Float.BYTES);
    double scale = std / UNIFORM_SUM_STD;
    for (long i = 0; i < count; i++) {
      // Irwin-Hall rather than nextGaussian: integer arithmetic, so the bytes cannot change with the JDK
      long bits = random.nextLong();
      long sum = (bits & 0xFFFF) + (bits >>> 16 & 0xFFFF) + (bits >>> 32 & 0xFFFF) + (bits >>> 48);
      chunk.putFloat((float) ((sum - UNIFORM_SUM_MEAN) * scale));
      if (!chunk.hasRemaining()) flush(out, chunk);
    }
    flush(out, chunk);
  }

  private static void flush(OutputStream out, ByteBuffer chunk) throws IOException {
    out.write(chunk.array(), 0, chunk.position());
    chunk.clear();
  }

  private static long count(long[] dims) {
    long count = 1;
    for (long dim : dims) count *= dim;
    return count;
  }

  private static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Bytes of a length-delimited field: tag, length, payload. */
  private static long fieldSize(int field, long length) {
    return varint((long) field << 3 | 2).length + varint(length).length + length;
  }

  private static void lengthPrefix(OutputStream out, int field, long length) throws IOException {
    out.write(varint((long) field << 3 | 2));
    out.write(varint(length));
  }

  /** Base-128 varint; negative values take ten bytes, as protobuf encodes int64. */
  private static byte[] varint(long value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(10);
    while ((value & ~0x7FL) != 0) {
      bytes.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes.write((int) value);
    return bytes.toByteArray();
  }

  /** A small protobuf message encoded in memory: the wire types ONNX's messages need. */
  static final class Message {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Message varint(int field, long value) {
      bytes.writeBytes(OnnxModel.varint((long) field << 3));
      bytes.writeBytes(OnnxModel.varint(value));
      return this;
    }

    Message float32(int field, float value) {
      bytes.writeBytes(OnnxModel.varint((long) field << 3 | 5));
      bytes.writeBytes(littleEndian(Float.BYTES).putFloat(value).array());
      return this;
    }

    Message string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return bytes(field, value.bytes.toByteArray());
    }

    private Message bytes(int field, byte[] value) {
      bytes.writeBytes(OnnxModel.varint((long) field << 3 | 2));
      bytes.writeBytes(OnnxModel.varint(value.length));
      bytes.writeBytes(value);
      return this;
    }

    int size() {
      return bytes.size();
    }

    void writeTo(OutputStream out) throws IOException {
      bytes.writeTo(out);
    }
  }
}
