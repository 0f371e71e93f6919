package io.sparkformers.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A local directory seen through a non-local scheme ({@code <scheme>:///...}), standing in for
 * hdfs:, s3a: or dbfs: in tests; counts file opens so tests can tell a fetch from a cache hit.
 * It is deliberately not a registered service: a scheme reaches it only through the configuration
 * key {@link #implKey}, the way a cluster names its file systems, so a test can tell which
 * configuration a fetch used.
 */
public class RemoteLikeFileSystem extends RawLocalFileSystem {
  public static final AtomicInteger OPENS = new AtomicInteger();
  private URI uri; // set by initialize, from the scheme this instance was created for

  /** The configuration key that makes {@code scheme} name this file system. */
  public static String implKey(String scheme) {
    return "fs." + scheme + ".impl";
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    uri = URI.create(name.getScheme() + ":///");
    super.initialize(name, conf);
  }

  @Override
  public String getScheme() {
    return getUri().getScheme();
  }

  @Override
  public URI getUri() {
    // RawLocalFileSystem's constructor qualifies its working directory before initialize runs
    return uri != null ? uri : super.getUri();
  }

  @Override
  public File pathToFile(Path path) {
    return new File(path.toUri().getPath());
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    OPENS.incrementAndGet();
    return super.open(f, bufferSize);
  }
}
