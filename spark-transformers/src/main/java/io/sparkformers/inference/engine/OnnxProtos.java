package io.sparkformers.inference.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx;

/** Building and reading ONNX protobuf nodes and tensors (nd4j's copy of the ONNX classes). */
final class OnnxProtos {
  private OnnxProtos() {}

  static Onnx.NodeProto.Builder node(String op, String output, String... inputs) {
    Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String in : inputs) b.addInput(in);
    return b;
  }

  static Onnx.AttributeProto intAttr(String name, long value) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
  }

  static Onnx.TensorProto longs(String name, long[] values, boolean scalar) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
    if (!scalar) t.addDims(values.length);
    for (long v : values) t.addInt64Data(v);
    return t.build();
  }

  static long[] longValues(Onnx.TensorProto t) {
    if (t.getInt64DataCount() > 0) return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[raw.remaining() / Long.BYTES];
    raw.asLongBuffer().get(out);
    return out;
  }

  static float[] floatValues(Onnx.TensorProto t) {
    if (t.getFloatDataCount() > 0) {
      float[] out = new float[t.getFloatDataCount()];
      for (int i = 0; i < out.length; i++) out[i] = t.getFloatData(i);
      return out;
    }
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[raw.remaining() / Float.BYTES];
    raw.asFloatBuffer().get(out);
    return out;
  }
}
