package io.sparkformers.inference.model;

import java.io.File;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A local directory seen through a non-local scheme ({@code remotetest:///...}), standing in for
 * hdfs:, s3a: or dbfs: in tests; counts file opens so tests can tell a fetch from a cache hit.
 */
public final class RemoteLikeFileSystem extends RawLocalFileSystem {
  public static final AtomicInteger OPENS = new AtomicInteger();

  @Override
  public String getScheme() {
    return "remotetest";
  }

  @Override
  public URI getUri() {
    return URI.create("remotetest:///");
  }

  @Override
  public File pathToFile(Path path) {
    return new File(path.toUri().getPath());
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws java.io.IOException {
    OPENS.incrementAndGet();
    return super.open(f, bufferSize);
  }
}
