package io.sparkformers.inference.task.generation;

import java.io.Serializable;

/** A text to generate from, with its own max_new_tokens (null: the settings'). */
public record Prompt(String text, Integer maxNewTokens) implements Serializable {
  public static Prompt of(String text) {
    return new Prompt(text, null);
  }
}
