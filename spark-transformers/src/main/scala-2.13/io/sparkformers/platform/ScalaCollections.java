package io.sparkformers.platform;

import java.util.List;
import java.util.Map;
import scala.jdk.javaapi.CollectionConverters;

/** Java and Scala collections, converted with Scala 2.13's converters (2.12 has its own copy of this class). */
public final class ScalaCollections {
  private ScalaCollections() {}

  /** An immutable Scala Seq of the list's elements, as Spark's Row encoder and Catalyst take. */
  public static <T> scala.collection.Seq<T> seq(List<T> items) {
    return CollectionConverters.asScala(items).toSeq();
  }

  /** A Java view of a Scala Seq. */
  public static <T> List<T> javaList(scala.collection.Seq<T> seq) {
    return CollectionConverters.asJava(seq);
  }

  /** A Java view of a Scala map. */
  public static <K, V> Map<K, V> javaMap(scala.collection.Map<K, V> map) {
    return CollectionConverters.asJava(map);
  }
}
