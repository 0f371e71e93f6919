package io.sparkformers.jobs;

import java.io.PrintStream;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failed job tells the user: the root cause first, in one line, then where the stack traces
 * are. Spark's own messages about the failure (a task's trace, each attempt lost) go to the log,
 * not the terminal (log4j2.properties of the standalone job).
 */
final class JobFailure {
  /** Outside io.sparkformers, so the standalone job logs it to the file only. */
  private static final Logger TRACES = LoggerFactory.getLogger("sparkformers.failures");

  private JobFailure() {}

  static int report(Exception e, PrintStream err) {
    err.println("sparkformers: job failed: " + rootCause(e));
    TRACES.error("job failed", e);
    logFile().ifPresent(file -> err.println("sparkformers: stack traces in " + file));
    return BatchInferenceJob.FAILED;
  }

  /** The innermost cause's message, first line: Spark wraps a task's exception with its own trace. */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage() != null ? root.getMessage() : root.getClass().getName();
    return message.lines().findFirst().orElse(message);
  }

  /** The log file, when the logging in force writes one (java -jar; under spark-submit, the cluster's). */
  private static Optional<String> logFile() {
    if (!(LogManager.getContext(false) instanceof LoggerContext context)) return Optional.empty();
    return context.getConfiguration().getAppenders().values().stream()
        .filter(FileAppender.class::isInstance).map(a -> ((FileAppender) a).getFileName()).findFirst();
  }
}
