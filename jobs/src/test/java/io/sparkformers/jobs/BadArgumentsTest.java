package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad command line exits 2 with a one-line reason on stderr (and the usage), never a stack trace. */
class BadArgumentsTest {
  @TempDir
  Path dir;

  private List<String> valid() {
    Path input = JobRun.write(dir.resolve("in.jsonl"), "{\"text\": \"I love this movie\"}\n");
    return new ArrayList<>(List.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", dir.resolve("out").toString()));
  }

  private static JobRun rejected(List<String> args, String reason, boolean usage) {
    JobRun run = JobRun.of(args.toArray(String[]::new));
    assertEquals(BatchInferenceJob.BAD_ARGUMENTS, run.exitCode(), run.err());
    String firstLine = run.err().lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith("sparkformers: ") && firstLine.contains(reason), run.err());
    assertEquals(usage, run.err().contains("Usage: sparkformers-job"), run.err());
    // not the command line's syntax: one line, and where to read it
    if (!usage) assertEquals(List.of(firstLine), run.err().lines().toList());
    if (!usage) assertTrue(firstLine.endsWith(" (--help for usage)"), firstLine);
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    assertEquals("", run.out());
    return run;
  }

  private List<String> with(String flag, String value) {
    List<String> args = valid();
    int at = args.indexOf(flag);
    if (at >= 0) {
      args.set(at + 1, value);
    } else {
      args.addAll(List.of(flag, value));
    }
    return args;
  }

  @Test
  void anUnknownTaskNamesTheSupportedOnes() {
    rejected(with("--task", "no-such-task"), "unknown task 'no-such-task'; supported: text-classification", true);
  }

  @Test
  void aMissingModelIsNamed() {
    List<String> args = valid();
    args.subList(args.indexOf("--model"), args.indexOf("--model") + 2).clear();
    rejected(args, "--model", true);
  }

  @Test
  void anUnknownOptionNamesTheValidOnes() {
    JobRun run = rejected(with("--option", "topk=3"), "unknown option 'topk'", true);
    assertTrue(run.err().contains("top_k") && run.err().contains("function_to_apply"), run.err());
  }

  @Test
  void anOptionValueOfTheWrongTypeIsNamed() {
    rejected(with("--option", "top_k=three"), "option top_k", true);
  }

  @Test
  void anOptionValueOutsideItsChoicesIsNamed() {
    rejected(with("--option", "function_to_apply=tanh"), "option function_to_apply: invalid value 'tanh'", true);
  }

  @Test
  void anUnknownInputFormatIsNamed() {
    rejected(with("--input-format", "xml"), "--input-format", true);
  }

  @Test
  void aMissingInputIsNamed() {
    rejected(with("--input", dir.resolve("nothing-here.jsonl").toString()), "does not exist", false);
  }

  @Test
  void anExistingOutputIsOneLineNamingOverwrite() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    rejected(valid(), "output " + dir.resolve("out") + " already exists; pass --overwrite to replace it", false);
  }

  @Test
  void helpListsTheLanguagePairFormOfTranslation() {
    JobRun run = JobRun.of("--help");
    assertEquals(0, run.exitCode());
    // picocli wraps the list wherever a line ends
    assertTrue(run.out().replaceAll("\\s+", "").contains("translation,translation_{src}_to_{tgt},"), run.out());
  }

  @Test
  void aMissingInputColumnNamesTheColumnsThereAre() {
    rejected(with("--input-col", "review"), "input column 'review' not found", false);
  }

  @Test
  void aModelFolderWithoutATokenizerIsNamed() throws Exception {
    Path model = dir.resolve("model");
    Files.createDirectories(model.resolve("onnx"));
    Files.copy(JobRun.TEXT_CLASSIFIER.resolve("config.json"), model.resolve("config.json"));
    Files.copy(JobRun.TEXT_CLASSIFIER.resolve("onnx/model.onnx"), model.resolve("onnx/model.onnx"));
    rejected(with("--model", model.toString()), "tokenizer.json", false);
  }
}
