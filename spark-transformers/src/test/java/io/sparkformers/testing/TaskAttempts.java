package io.sparkformers.testing;

import io.sparkformers.platform.ScalaCollections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;

/** The task attempts that ended, as the driver saw them. */
public final class TaskAttempts extends SparkListener {
  /** One task attempt: where it ran, how it ended, and the named accumulators it updated. */
  public record Attempt(int stage, int partition, int attempt, boolean speculative, String host, boolean succeeded,
      boolean killed, Set<String> accumulators) {}

  private final SparkSession spark;
  private final ConcurrentLinkedQueue<Attempt> ended = new ConcurrentLinkedQueue<>();

  private TaskAttempts(SparkSession spark) {
    this.spark = spark;
  }

  /** Records the attempts that end from now on. */
  public static TaskAttempts listen(SparkSession spark) {
    TaskAttempts listener = new TaskAttempts(spark);
    spark.sparkContext().addSparkListener(listener);
    return listener;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskInfo info = end.taskInfo();
    Set<String> accumulators = ScalaCollections.javaList(info.accumulables()).stream()
        .filter(a -> a.name().isDefined()).map(a -> a.name().get()).collect(Collectors.toSet());
    ended.add(new Attempt(end.stageId(), info.index(), info.attemptNumber(), info.speculative(), info.host(),
        end.reason() instanceof Success$, end.reason() instanceof TaskKilled, accumulators));
  }

  /** Once the listener bus has delivered every event posted so far. */
  public List<Attempt> ended() throws TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return List.copyOf(ended);
  }
}
