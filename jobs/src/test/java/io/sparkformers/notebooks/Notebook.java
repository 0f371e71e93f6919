package io.sparkformers.notebooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Databricks source notebook: a header line, then cells separated by a COMMAND line; a cell whose
 * lines all start with "MAGIC" is a magic cell (%md, %sql, %python, ...), written as comments so the
 * file stays valid Scala or Python.
 */
record Notebook(Path file, List<Cell> cells) {
  /** One cell; {@code magic} is its command ("%md") or null for a code cell in the notebook's language. */
  record Cell(int number, String magic, String source) {
    boolean isCode() {
      return magic == null;
    }
  }

  /** Reads a notebook whose comments start with {@code comment}: "//" for Scala, "#" for Python. */
  static Notebook read(Path file, String comment) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String header = comment + " Databricks notebook source";
    if (!text.startsWith(header + "\n")) {
      throw new IllegalArgumentException(file + " does not start with '" + header + "'");
    }
    String separator = "\n" + Pattern.quote(comment + " COMMAND ----------") + "\n";
    List<Cell> cells = new ArrayList<>();
    for (String source : text.substring(header.length() + 1).split(separator)) {
      cells.add(cell(cells.size() + 1, source.strip(), comment + " MAGIC"));
    }
    return new Notebook(file, List.copyOf(cells));
  }

  private static Cell cell(int number, String source, String magicPrefix) {
    List<String> lines = Arrays.asList(source.split("\n"));
    if (!lines.stream().allMatch(line -> line.startsWith(magicPrefix))) return new Cell(number, null, source);
    String first = lines.get(0).substring(magicPrefix.length()).strip();
    return new Cell(number, first.split("\\s+")[0], source);
  }
}
