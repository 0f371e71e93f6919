package io.sparkformers.jobs;

/**
 * Something the user asked for that cannot run: a bad argument, a missing input, a model folder the
 * task cannot use. Reported in one line with exit code 2, never as a stack trace.
 */
final class JobArgumentException extends RuntimeException {
  private final boolean showUsage;

  private JobArgumentException(String message, boolean showUsage) {
    super(message);
    this.showUsage = showUsage;
  }

  /** A command line that is wrong in itself: the usage text follows the message. */
  static JobArgumentException usage(String message) {
    return new JobArgumentException(message, true);
  }

  /** A well-formed command line naming something unusable (model folder, input columns). */
  static JobArgumentException rejected(String message) {
    return new JobArgumentException(message, false);
  }

  boolean showUsage() {
    return showUsage;
  }
}
