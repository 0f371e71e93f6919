package io.sparkformers.inference.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The external-data locations an ONNX file names, read from its protobuf wire format without a
 * protobuf library: ModelProto.graph, and in every graph its initializers and sparse initializers and
 * its nodes' tensor and subgraph attributes, down to TensorProto.external_data's "location" entries.
 * The file is memory-mapped and weights are skipped by their length prefix, so a 2 GB graph is
 * scanned without being read into the heap. Field numbers are onnx.proto's.
 */
final class OnnxExternalData {
  private static final int MAX_DEPTH = 64;

  private enum Message { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE_TENSOR, ENTRY }

  private final ByteBuffer buf;
  private final Path file;
  private final List<String> locations = new ArrayList<>();
  /** Where the last varint read ended. */
  private int next;

  private OnnxExternalData(ByteBuffer buf, Path file) {
    this.buf = buf;
    this.file = file;
  }

  static List<String> locations(Path graph) {
    try (FileChannel channel = FileChannel.open(graph, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new ModelFolderException(graph + " is over 2 GB, more than one ONNX protobuf can hold");
      }
      OnnxExternalData scan = new OnnxExternalData(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()), graph);
      scan.message(Message.MODEL, 0, (int) channel.size(), 0);
      return scan.locations;
    } catch (IOException e) {
      throw new ModelFolderException("cannot read " + graph + ": " + e.getMessage(), e);
    }
  }

  /** The nested message a length-delimited field holds, or null for one that cannot hold tensors. */
  private static Message child(Message parent, int field) {
    switch (parent) {
      case MODEL: return field == 7 ? Message.GRAPH : null;
      case GRAPH: return field == 1 ? Message.NODE : field == 5 ? Message.TENSOR : field == 15 ? Message.SPARSE_TENSOR : null;
      case NODE: return field == 5 ? Message.ATTRIBUTE : null;
      case ATTRIBUTE:
        switch (field) {
          case 5: case 10: return Message.TENSOR;
          case 6: case 11: return Message.GRAPH;
          case 22: case 23: return Message.SPARSE_TENSOR;
          default: return null;
        }
      case SPARSE_TENSOR: return field == 1 || field == 2 ? Message.TENSOR : null;
      case TENSOR: return field == 13 ? Message.ENTRY : null;
      default: return null;
    }
  }

  private void message(Message type, int from, int to, int depth) {
    if (depth > MAX_DEPTH) throw corrupt("nested deeper than " + MAX_DEPTH);
    String key = null;
    String value = null;
    int at = from;
    while (at < to) {
      long tag = varint(at, to);
      at = next;
      int field = (int) (tag >>> 3);
      switch ((int) (tag & 7)) {
        case 0: varint(at, to); at = next; break;
        case 1: at += 8; break;
        case 5: at += 4; break;
        case 2: {
          long length = varint(at, to);
          at = next;
          if (length < 0 || length > to - at) throw corrupt("a field runs past its message");
          int end = at + (int) length;
          Message nested = child(type, field);
          if (nested != null) message(nested, at, end, depth + 1);
          else if (type == Message.ENTRY && field == 1) key = string(at, end);
          else if (type == Message.ENTRY && field == 2) value = string(at, end);
          at = end;
          break;
        }
        default: throw corrupt("wire type " + (tag & 7) + " at byte " + at);
      }
      if (at > to) throw corrupt("a field runs past its message");
    }
    if (type == Message.ENTRY && "location".equals(key) && value != null) locations.add(value);
  }

  private long varint(int at, int to) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= to) throw corrupt("a varint runs past its message");
      byte b = buf.get(at++);
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        next = at;
        return result;
      }
    }
    throw corrupt("a varint longer than 10 bytes");
  }

  private String string(int from, int to) {
    byte[] bytes = new byte[to - from];
    buf.get(from, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private ModelFolderException corrupt(String why) {
    return new ModelFolderException(file + " is not a valid ONNX file: " + why);
  }
}
