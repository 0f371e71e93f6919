package io.sparkformers.notebooks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.sparkformers.testing.LocalSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A notebook run fails on the first cell that would fail on Databricks, naming it. */
class ScalaNotebookRunnerTest {
  @TempDir
  Path dir;

  private Notebook notebook(String... cells) throws IOException {
    Path file = dir.resolve("notebook.scala");
    Files.writeString(file, "// Databricks notebook source\n" + String.join("\n\n// COMMAND ----------\n\n", cells) + "\n");
    return Notebook.read(file, "//");
  }

  private static String failure(Notebook notebook) {
    return assertThrows(AssertionError.class, () -> ScalaNotebookRunner.run(notebook, LocalSpark.get())).getMessage();
  }

  @Test
  void cellsShareTheirDefinitionsAndMarkdownIsSkipped() throws IOException {
    ScalaNotebookRunner.run(notebook("// MAGIC %md\n// MAGIC # Title", "val n = spark.range(2).count()",
        "require(n * 21 == 42)", "display(spark.range(n))"), LocalSpark.get());
  }

  @Test
  void aCellThatDoesNotCompileFailsTheRun() throws IOException {
    String message = failure(notebook("val n = 1", "val m: String = n"));
    assertTrue(message.startsWith("notebook.scala cell 2: Error") && message.contains("type mismatch"), message);
  }

  @Test
  void aCellThatThrowsFailsTheRun() throws IOException {
    String message = failure(notebook("throw new IllegalStateException(\"no model\")"));
    assertTrue(message.startsWith("notebook.scala cell 1: Error") && message.contains("no model"), message);
  }

  @Test
  void anIncompleteCellFailsTheRun() throws IOException {
    assertTrue(failure(notebook("val s = Seq(1,")).startsWith("notebook.scala cell 1: Incomplete"));
  }

  @Test
  void aCellInAnotherLanguageIsRejected() throws IOException {
    String message = failure(notebook("// MAGIC %python\n// MAGIC print(1)"));
    assertTrue(message.contains("cell 1 is a %python cell"), message);
  }
}
