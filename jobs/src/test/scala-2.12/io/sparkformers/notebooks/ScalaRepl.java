package io.sparkformers.notebooks;

import java.io.PrintWriter;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;

/** An embedded Scala 2.12 REPL writing its output to {@code out} (2.13 has its own copy of this class). */
final class ScalaRepl {
  private ScalaRepl() {}

  static IMain create(Settings settings, PrintWriter out) {
    return new IMain(settings, out);
  }
}
