#!/usr/bin/env bash
# Benchmark: bash jobs/bench.sh text|vision|audio [-Dbench.rows=N] [-Donnxruntime.version=X]
#   Builds the spark-transformers test classes, then runs io.sparkformers.bench.<Task>Bench on the
#   test class path (the model comes from the langchain4j test dependency). -Donnxruntime.version
#   picks the ONNX Runtime jar; other -D options go to the benchmark JVM. Logs go to
#   spark-transformers/target/bench.log; stdout ends with one JSON line.
set -euo pipefail
task=${1:-}
case "$task" in
  text) main=TextBench ;;
  vision) main=VisionBench ;;
  audio) main=AudioBench ;;
  *) echo "usage: bash jobs/bench.sh text|vision|audio [-Dbench.rows=N] [-Donnxruntime.version=X]" >&2
     exit 2 ;;
esac
shift
cd "$(dirname "$0")/../spark-transformers"

maven_opts=()
jvm_opts=()
for arg in "$@"; do
  case "$arg" in
    -Donnxruntime.version=*) maven_opts+=("$arg") ;;
    *) jvm_opts+=("$arg") ;;
  esac
done

mvn -B -q -Dstyle.color=never test-compile "${maven_opts[@]}" >&2
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath "${maven_opts[@]}" >&2
# Maven 3.8 prints colour resets even in batch mode: strip escape sequences
flags=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=spark.module.flags -DforceStdout \
  | sed 's/\x1b\[[0-9;]*m//g')

# The DJL Spark extension as a peer (text only), when the offline rebuild of its jar is at hand
# (../shared/peers, see its README); without it the benchmark runs without the peer.
djl_jar=$(cd .. && pwd)/../shared/peers/djl-spark/djl-spark_2.12-0.36.0-local.jar
if [[ "$task" == "text" && -f "$djl_jar" ]]; then
  peer=../jobs/peers/djl
  mvn -B -q -Dstyle.color=never -f "$peer/pom.xml" dependency:build-classpath -Dmdep.outputFile="$PWD/target/djl.classpath" >&2
  mkdir -p target/djl-classes
  javac -d target/djl-classes -cp "$(cat target/djl.classpath):$djl_jar:target/test-classes" \
    "$peer/src/main/java/peers/DjlTextEmbedder.java"
  jvm_opts+=("-Dbench.djl.classpath=target/djl-classes:$(cat target/djl.classpath):$djl_jar:target/test-classes")
fi

# shellcheck disable=SC2086 # the module flags are a list of separate options
java -Xmx2g $flags "${jvm_opts[@]}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "io.sparkformers.bench.$main" "$task" 2>target/bench.log
