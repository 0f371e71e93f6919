package io.sparkformers.inference.task;

/** A row the pipeline cannot process (null, empty, corrupt, over a limit): handled per handleInvalid. */
public class InvalidInputException extends RuntimeException {
  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
