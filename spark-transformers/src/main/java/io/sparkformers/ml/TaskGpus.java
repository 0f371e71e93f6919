package io.sparkformers.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The GPUs Spark assigned to the running task (spark.task.resource.gpu.amount), for device=auto. */
public final class TaskGpus {
  private TaskGpus() {}

  /** Their addresses; empty outside a task or when the task has none. */
  public static List<String> of(TaskContext task) {
    if (task == null) return List.of();
    scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
    return gpu.isDefined() ? Arrays.asList(gpu.get().addresses()) : List.of();
  }
}
