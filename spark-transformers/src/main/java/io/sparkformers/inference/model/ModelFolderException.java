package io.sparkformers.inference.model;

/** A model folder that cannot serve the requested task: raised on the driver, before any task runs. */
public class ModelFolderException extends IllegalArgumentException {
  public ModelFolderException(String message) {
    super(message);
  }

  public ModelFolderException(String message, Throwable cause) {
    super(message, cause);
  }
}
