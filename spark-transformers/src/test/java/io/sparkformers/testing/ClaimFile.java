package io.sparkformers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file the first of several JVMs to get there creates: which executor or task attempt does a
 * thing once (halts, stalls) is then decided by what happens, not by scheduling a test would guess.
 */
public final class ClaimFile {
  private ClaimFile() {}

  /** Creates {@code file} holding {@code content}; false when another JVM or thread created it first. */
  public static boolean claim(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
