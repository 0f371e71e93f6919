package io.sparkformers.inference.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelFolderException;

/**
 * The fields of a {@code preprocessor_config.json} as its processor class reads them: the file's
 * value, else the class's transformers default. A class with defaults reads only the fields it
 * lists, as transformers' {@code __init__} reads only its own arguments; a class without them
 * reads whatever the file spells out. A null value means absent, as {@code None} does in Python.
 */
final class ProcessorFields {
  private final JsonNode config;
  private final JsonNode defaults;

  /** @param defaults the class's entry of image_processor_defaults.json, or null for an unknown class */
  ProcessorFields(JsonNode config, JsonNode defaults) {
    this.config = config;
    this.defaults = defaults;
  }

  boolean known() {
    return defaults != null;
  }

  /** The field's value, or a missing node when the class does not read it or neither file nor default sets it. */
  JsonNode value(String name) {
    if (defaults != null && !defaults.has(name)) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    JsonNode v = config.path(name);
    if (v.isMissingNode() || v.isNull()) {
      v = defaults == null ? v : defaults.path(name);
    }
    return v.isNull() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : v;
  }

  JsonNode required(String name) {
    JsonNode v = value(name);
    if (v.isMissingNode()) {
      throw new ModelFolderException("preprocessor_config.json of '" + className() + "' needs the field " + name
          + (defaults == null ? " (no transformers defaults are known for this class)" : ""));
    }
    return v;
  }

  boolean bool(String name) {
    return required(name).asBoolean();
  }

  /** A step the recipe skips when the field is absent. */
  boolean optionalBool(String name) {
    return value(name).asBoolean(false);
  }

  /** True when the field is present with a value that turns its step on. */
  boolean isSet(String name) {
    JsonNode v = value(name);
    if (v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean() || v.isNumber()) {
      return v.asDouble() != 0;
    }
    return !v.isContainerNode() || v.size() > 0;
  }

  /** A rule of the class's own (image_processor_defaults.json), never read from the file. */
  String rule(String name) {
    return defaults == null ? null : defaults.path(name).asText(null);
  }

  /** The class default of a field, or a missing node. */
  JsonNode defaultValue(String name) {
    return defaults == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : defaults.path(name);
  }

  String className() {
    return config.path("image_processor_type").asText(config.path("feature_extractor_type").asText("?"));
  }
}
