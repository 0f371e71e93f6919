package io.sparkformers.testing.hostile;

import java.util.Arrays;

/**
 * One generated bad (or odd) input: its name, its bytes, and what a stage must make of it. Many
 * hostile inputs have no single right answer (a truncated JPEG may still decode, as it does in PIL):
 * those say EITHER, and the tests check that they are handled consistently and counted.
 */
public record HostileInput(String name, byte[] bytes, Expect expect) {
  public enum Expect { VALID, INVALID, EITHER }

  public static HostileInput valid(String name, byte[] bytes) {
    return new HostileInput(name, bytes, Expect.VALID);
  }

  public static HostileInput invalid(String name, byte[] bytes) {
    return new HostileInput(name, bytes, Expect.INVALID);
  }

  public static HostileInput either(String name, byte[] bytes) {
    return new HostileInput(name, bytes, Expect.EITHER);
  }

  /** Every proper prefix of {@code whole} (the empty one is invalid), and the whole file as valid. */
  public static java.util.List<HostileInput> truncations(String name, byte[] whole) {
    java.util.List<HostileInput> out = new java.util.ArrayList<>();
    out.add(invalid(name + " cut at 0", new byte[0]));
    for (int n = 1; n < whole.length; n++) out.add(either(name + " cut at " + n, Arrays.copyOf(whole, n)));
    out.add(valid(name + " whole", whole));
    return out;
  }

  public static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
