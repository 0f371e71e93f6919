package io.sparkformers.notebooks;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.spark.sql.SparkSession;
import scala.collection.immutable.List$;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Runs a Scala notebook's code cells in order in one embedded Scala REPL, as a Databricks notebook's
 * cells share one interpreter. What Databricks predefines is bound first: {@code spark} and a
 * {@code display} that prints the DataFrame, so the query runs as it would on screen.
 */
final class ScalaNotebookRunner {
  private static final String DISPLAY = "def display(df: org.apache.spark.sql.Dataset[_]): Unit = df.show(20, 60)";

  private ScalaNotebookRunner() {}

  /** Fails on the first cell that does not compile, is incomplete or throws, with the REPL's output. */
  static void run(Notebook notebook, SparkSession spark) {
    StringWriter transcript = new StringWriter();
    Settings settings = new Settings();
    // the test class path (surefire sets java.class.path to it) is the notebook's cluster libraries
    settings.processArgumentString("-usejavacp");
    IMain repl = ScalaRepl.create(settings, new PrintWriter(transcript, true));
    try {
      check(repl.bind("spark", SparkSession.class.getName(), spark, List$.MODULE$.<String>empty()),
          transcript, 0, "binding spark");
      interpret(repl, transcript, DISPLAY, "defining display");
      for (Notebook.Cell cell : notebook.cells()) {
        String where = notebook.file().getFileName() + " cell " + cell.number();
        if ("%md".equals(cell.magic())) continue;
        if (!cell.isCode()) {
          throw new AssertionError(where + " is a " + cell.magic() + " cell; a Scala notebook here holds Scala and %md only");
        }
        interpret(repl, transcript, cell.source(), where);
      }
    } finally {
      repl.close();
    }
  }

  private static void interpret(IMain repl, StringWriter transcript, String code, String where) {
    int start = transcript.getBuffer().length();
    check(repl.interpret(code), transcript, start, where);
  }

  private static void check(Results.Result result, StringWriter transcript, int start, String where) {
    if (result != Results.Success$.MODULE$) {
      throw new AssertionError(where + ": " + result + "\n" + transcript.getBuffer().substring(start));
    }
  }
}
