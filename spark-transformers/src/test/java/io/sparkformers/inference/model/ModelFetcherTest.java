package io.sparkformers.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.RemoteLikeFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetcherTest {
  private final Path fixture = Fixtures.model("text-classification-bert");
  private final Configuration conf = new Configuration();

  @Test
  void localPathsAndFileAndLocalUrisAreUsedInPlace() {
    assertEquals(fixture, ModelFetcher.localFolder(fixture.toString(), conf));
    assertEquals(fixture, ModelFetcher.localFolder(fixture.toUri().toString(), conf));
    // Spark's local: scheme, a path every node has
    assertEquals(fixture, ModelFetcher.localFolder("local:" + fixture, conf));
    assertTrue(ModelFetcher.isLocal("local:" + fixture));
  }

  @Test
  void aRemoteFolderIsCopiedOnceIntoTheLocalCache(@TempDir Path remote) throws Exception {
    // a folder of its own, so no earlier run's cache entry can answer for it
    Files.createDirectories(remote.resolve("onnx"));
    for (String f : new String[] {"config.json", "tokenizer.json", "onnx/model.onnx"}) {
      Files.copy(fixture.resolve(f), remote.resolve(f));
    }
    // the scheme exists only in the configuration handed over, as s3a: credentials would
    conf.set(RemoteLikeFileSystem.implKey("remotetest"), RemoteLikeFileSystem.class.getName());
    String uri = "remotetest://" + remote.toAbsolutePath();
    int before = RemoteLikeFileSystem.OPENS.get();
    Path local = ModelFetcher.localFolder(uri, conf);
    int opens = RemoteLikeFileSystem.OPENS.get() - before;
    assertNotEquals(fixture, local);
    assertTrue(opens > 0, "files were read through the remote file system");
    assertArrayEquals(Files.readAllBytes(fixture.resolve("onnx/model.onnx")),
        Files.readAllBytes(local.resolve("onnx/model.onnx")));
    assertEquals(local, ModelFetcher.localFolder(uri, conf));
    assertEquals(before + opens, RemoteLikeFileSystem.OPENS.get(), "the second call is served from the cache");
    assertEquals("bert", ModelBundle.open(local).modelType());
    try (var entries = Files.list(local.getParent())) {
      assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith("fetch-")), "no staging folder left");
    }
  }
}
