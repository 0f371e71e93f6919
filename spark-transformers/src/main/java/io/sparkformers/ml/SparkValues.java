package io.sparkformers.ml;

import io.sparkformers.platform.ScalaCollections;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import scala.collection.Seq;

/** Java values to the external types Spark's Row encoder takes. */
final class SparkValues {
  private SparkValues() {}

  static <T> Seq<Object> seq(List<T> items, Function<T, Object> each) {
    List<Object> out = new ArrayList<>(items.size());
    for (T t : items) out.add(each.apply(t));
    return ScalaCollections.seq(out);
  }
}
