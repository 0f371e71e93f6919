package io.sparkformers.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * What a resumable run's output depends on, as named entries: every input file and model file
 * (size and modification time) and every option given. A run resumes only over an output whose
 * fingerprint is the same, and otherwise names the entries that changed.
 */
record ResumeFingerprint(Map<String, String> entries) {
  static ResumeFingerprint of(Configuration conf, List<FileStatus> inputFiles, String model, Map<String, String> options)
      throws IOException {
    Map<String, String> entries = new TreeMap<>();
    for (FileStatus f : inputFiles) entries.put("input " + f.getPath(), describe(f));
    Path modelDir = new Path(model);
    FileSystem fs = modelDir.getFileSystem(conf);
    Path root = fs.makeQualified(modelDir);
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext()) {
      LocatedFileStatus f = files.next();
      entries.put("model file " + root.toUri().relativize(f.getPath().toUri()), describe(f));
    }
    options.forEach((name, value) -> entries.put("option " + name, value));
    return new ResumeFingerprint(entries);
  }

  private static String describe(FileStatus f) {
    return f.getLen() + " bytes, modified " + f.getModificationTime();
  }

  /** Each entry that differs from {@code earlier}'s: "option --batch-size: 16, now 32". */
  List<String> changesSince(ResumeFingerprint earlier) {
    List<String> changes = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(entries.keySet());
    names.addAll(earlier.entries.keySet());
    for (String name : names) {
      String before = earlier.entries.get(name);
      String now = entries.get(name);
      if (Objects.equals(before, now)) continue;
      changes.add(name + ": " + (before == null ? "absent" : before) + ", now " + (now == null ? "absent" : now));
    }
    return changes;
  }
}
