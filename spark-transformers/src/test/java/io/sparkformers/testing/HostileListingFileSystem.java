package io.sparkformers.testing;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * A remote-like file system whose listing of a folder also holds one entry that is not a child of
 * it: {@link #LIE}, a name such as ".." or "../secret" (taken relative to the folder listed) or an
 * absolute path, as a compromised or buggy object store could return.
 */
public final class HostileListingFileSystem extends RemoteLikeFileSystem {
  public static final ThreadLocal<String> LIE = new ThreadLocal<>();

  @Override
  public FileStatus[] listStatus(Path folder) throws IOException {
    FileStatus[] honest = super.listStatus(folder);
    String lie = LIE.get();
    if (lie == null) return honest;
    Path entry = lie.startsWith("/") ? makeQualified(new Path(lie)) : new Path(folder.toString() + "/" + lie);
    FileStatus[] out = Arrays.copyOf(honest, honest.length + 1);
    out[honest.length] = new FileStatus(21, false, 1, 1, 0, entry);
    return out;
  }
}
