package io.sparkformers.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetcherTest {
  private final Path fixture = Fixtures.model("text-classification-bert");

  @Test
  void localPathsAndFileUrisAreUsedInPlace() {
    assertEquals(fixture, ModelFetcher.localFolder(fixture.toString()));
    assertEquals(fixture, ModelFetcher.localFolder(fixture.toUri().toString()));
  }

  @Test
  void aRemoteFolderIsCopiedOnceIntoTheLocalCache(@TempDir Path remote) throws Exception {
    // a folder of its own, so no earlier run's cache entry can answer for it
    Files.createDirectories(remote.resolve("onnx"));
    for (String f : new String[] {"config.json", "tokenizer.json", "onnx/model.onnx"}) {
      Files.copy(fixture.resolve(f), remote.resolve(f));
    }
    String uri = "remotetest://" + remote.toAbsolutePath();
    int before = RemoteLikeFileSystem.OPENS.get();
    Path local = ModelFetcher.localFolder(uri);
    int opens = RemoteLikeFileSystem.OPENS.get() - before;
    assertNotEquals(fixture, local);
    assertTrue(opens > 0, "files were read through the remote file system");
    assertArrayEquals(Files.readAllBytes(fixture.resolve("onnx/model.onnx")),
        Files.readAllBytes(local.resolve("onnx/model.onnx")));
    assertEquals(local, ModelFetcher.localFolder(uri));
    assertEquals(before + opens, RemoteLikeFileSystem.OPENS.get(), "the second call is served from the cache");
    assertEquals("bert", ModelBundle.open(local).modelType());
  }
}
