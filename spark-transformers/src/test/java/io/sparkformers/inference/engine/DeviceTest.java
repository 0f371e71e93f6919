package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

class DeviceTest {
  /** What Device logs while {@code run} runs, at INFO and above. */
  private static List<LogEvent> logged(Runnable run) {
    List<LogEvent> events = new CopyOnWriteArrayList<>();
    Logger logger = (Logger) LogManager.getLogger(Device.class);
    Appender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        events.add(event.toImmutable());
      }
    };
    capture.start();
    Level level = logger.getLevel();
    logger.addAppender(capture);
    logger.setLevel(Level.INFO);
    try {
      run.run();
    } finally {
      logger.removeAppender(capture);
      logger.setLevel(level);
    }
    return events;
  }

  @Test
  void autoWithoutAGpuIsTheNormalCpuCaseToldOnceAtInfo() {
    Device.forgetNotices();
    List<LogEvent> events = logged(() -> {
      for (int run = 0; run < 3; run++) assertEquals(Device.CPU, Device.AUTO.resolve(List.of(), false));
    });
    assertEquals(1, events.size(), events.toString());
    assertEquals(Level.INFO, events.get(0).getLevel());
    assertEquals("device=auto: no GPU assigned to this task, running on CPU", events.get(0).getMessage().getFormattedMessage());
  }

  @Test
  void aGpuTheEngineCannotDriveIsWarnedOnce() {
    Device.forgetNotices();
    List<LogEvent> events = logged(() -> {
      for (int run = 0; run < 3; run++) assertEquals(Device.CPU, Device.AUTO.resolve(List.of("0"), false));
    });
    assertEquals(1, events.size(), events.toString());
    assertEquals(Level.WARN, events.get(0).getLevel());
  }

  @Test
  void parsesTheFourForms() {
    assertEquals(Device.AUTO, Device.parse("auto"));
    assertEquals(Device.CPU, Device.parse("CPU"));
    assertEquals("cuda", Device.parse("cuda").toString());
    assertEquals(Device.cuda(3), Device.parse("cuda:3"));
  }

  @Test
  void rejectsAnythingElseNamingTheForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    assertTrue(e.getMessage().contains("auto, cpu, cuda or cuda:N"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:-1"));
  }

  @Test
  void autoTakesTheGpuSparkAssignedToTheTask() {
    assertEquals(Device.cuda(1), Device.AUTO.resolve(List.of("1"), true));
  }

  @Test
  void autoFallsBackToCpuWithoutAnAssignedGpuOrWithoutCuda() {
    assertEquals(Device.CPU, Device.AUTO.resolve(List.of(), true));
    assertEquals(Device.CPU, Device.AUTO.resolve(List.of("0"), false));
  }

  @Test
  void cudaWithoutAUsableGpuIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Device.parse("cuda").resolve(List.of("0"), false));
    assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
  }

  @Test
  void plainCudaUsesTheAssignedAddressAndAnExplicitOrdinalWins() {
    assertEquals(Device.cuda(2), Device.parse("cuda").resolve(List.of("2"), true));
    assertEquals(Device.cuda(0), Device.parse("cuda").resolve(List.of(), true));
    assertEquals(Device.cuda(5), Device.parse("cuda:5").resolve(List.of("2"), true));
  }

  @Test
  void theCpuBuildOfOnnxRuntimeHasNoCudaProvider() {
    // the default build ships the CPU artifact; -Pgpu swaps in onnxruntime_gpu
    assertEquals(false, OnnxRuntimeEngine.INSTANCE.gpuUsable());
  }
}
