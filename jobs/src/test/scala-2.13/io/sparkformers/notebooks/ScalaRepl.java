package io.sparkformers.notebooks;

import java.io.PrintWriter;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/** An embedded Scala 2.13 REPL writing its output to {@code out} (2.12 has its own copy of this class). */
final class ScalaRepl {
  private ScalaRepl() {}

  static IMain create(Settings settings, PrintWriter out) {
    return new IMain(settings, new ReplReporterImpl(settings, out));
  }
}
