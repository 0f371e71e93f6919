package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettledActionTest {
  private final SparkContext sc = JobRun.spark().sparkContext();

  @TempDir
  Path dir;

  /** Partition 0 fails at once; partition 1 goes on, as Spark does not interrupt it, and writes a file late. */
  private void failWhileAnotherTaskWrites(String late) {
    new JavaSparkContext(sc).parallelize(List.of(0, 1), 2).foreachPartition(rows -> {
      if (rows.next() == 0) throw new IllegalStateException("bad row");
      Thread.sleep(1500);
      Files.writeString(Path.of(late), "written after the job failed");
    });
  }

  @Test
  void aFailedActionReturnsOnlyAfterItsOtherTasksEnded() {
    Path late = dir.resolve("late");
    // Spark throws its checked SparkException undeclared
    Exception failed = assertThrows(Exception.class,
        () -> SettledAction.run(sc, () -> failWhileAnotherTaskWrites(late.toString())));
    assertTrue(failed.getMessage().contains("bad row"), failed::getMessage);
    assertTrue(Files.exists(late), "the straggling task was still running when the failure returned");
  }

  @Test
  void anActionThatSucceedsReturnsItsWork() {
    long[] count = new long[1];
    SettledAction.run(sc, () -> count[0] = new JavaSparkContext(sc).parallelize(List.of(1, 2, 3), 2).count());
    assertEquals(3, count[0]);
  }

  @Test
  void anActionThatFailsBeforeAnyJobFailsAsItWould() {
    IllegalArgumentException failed = assertThrows(IllegalArgumentException.class,
        () -> SettledAction.run(sc, () -> {
          throw new IllegalArgumentException("no such column");
        }));
    assertEquals("no such column", failed.getMessage());
  }
}
