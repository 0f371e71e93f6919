#!/usr/bin/env bash
# Benchmark: bash jobs/bench.sh text|vision|audio|generation|gpu-sim [-Dbench.rows=N] [-Donnxruntime.version=X] [-Dbench.djl=false] [-Pgpu]
#   Builds the spark-transformers test classes, then runs io.sparkformers.bench.<Task>Bench on the
#   test class path (the model comes from the langchain4j test dependency). -Donnxruntime.version
#   picks the ONNX Runtime jar and -P profiles (-Pgpu: onnxruntime_gpu) go to Maven; other -D
#   options go to the benchmark JVM. Logs go to
#   spark-transformers/target/bench.log; stdout ends with one JSON line.
set -euo pipefail
task=${1:-}
case "$task" in
  text) main=TextBench ;;
  vision) main=VisionBench ;;
  audio) main=AudioBench ;;
  generation) main=GenerationBench ;;
  gpu-sim) main=GpuSimBench ;;
  *) echo "usage: bash jobs/bench.sh text|vision|audio|generation|gpu-sim [-Dbench.rows=N] [-Donnxruntime.version=X]" >&2
     exit 2 ;;
esac
shift
cd "$(dirname "$0")/../spark-transformers"

maven_opts=()
jvm_opts=()
for arg in "$@"; do
  case "$arg" in
    -Donnxruntime.version=*|-P*) maven_opts+=("$arg") ;;
    *) jvm_opts+=("$arg") ;;
  esac
done

mvn -B -q -Dstyle.color=never test-compile "${maven_opts[@]}" >&2
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath "${maven_opts[@]}" >&2
# Maven 3.8 prints colour resets even in batch mode: strip escape sequences
flags=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=spark.module.flags -DforceStdout \
  | sed 's/\x1b\[[0-9;]*m//g')

# The job (text only): its classes compiled against this module's, with picocli, for job_scaling_2_cores
if [[ $task == text && ! " ${jvm_opts[*]} " =~ " -Dbench.jobRows=0 " ]]; then
  mkdir -p target/bench-job
  # picocli by coordinates: resolving the jobs module's dependencies would need this module installed
  picocli=$(mvn -B -q -Dstyle.color=never help:evaluate -f ../jobs/pom.xml -Dexpression=picocli.version -DforceStdout \
    | sed 's/\x1b\[[0-9;]*m//g')
  mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="info.picocli:picocli:$picocli" \
    -DoutputDirectory="$PWD/target/bench-job" >&2
  echo "$PWD/target/bench-job/picocli-$picocli.jar" > target/bench-job/picocli.classpath
  rm -rf target/bench-job/classes
  javac -d target/bench-job/classes -cp "target/classes:$(cat target/bench.classpath):$(cat target/bench-job/picocli.classpath)" \
    $(find ../jobs/src/main/java -name '*.java')
  jvm_opts+=("-Dbench.job.classpath=$PWD/target/bench-job/classes:$(cat target/bench-job/picocli.classpath)")
fi

# The peer DJL Spark extension (text only, optional): its jar is not on Maven Central for Scala 2.12,
# so it is used when a local build is present ($DJL_SPARK_JAR); Spark 3.5 and DJL come from
# jobs/peers/djl/pom.xml. TextBench runs it in its own JVM, or reports it as not available.
djl_jar=${DJL_SPARK_JAR:-/work/shared/peers/djl-spark/djl-spark_2.12-0.36.0-local.jar}
if [[ $task == text && -f $djl_jar && ! " ${jvm_opts[*]} " =~ " -Dbench.djl=false " ]]; then
  mkdir -p target/peers/djl
  mvn -B -q -Dstyle.color=never dependency:build-classpath -f ../jobs/peers/djl/pom.xml \
    -Dmdep.outputFile="$PWD/target/peers/djl/classpath" >&2
  djl_cp="$PWD/target/peers/djl/classes:$djl_jar:$(cat target/peers/djl/classpath)"
  rm -rf target/peers/djl/classes
  javac -d target/peers/djl/classes -cp "$djl_cp" $(find ../jobs/peers/djl/src -name '*.java')
  jvm_opts+=("-Dbench.djl.classpath=$djl_cp")
fi

# shellcheck disable=SC2086 # the module flags are a list of separate options
java -Xmx2g $flags "${jvm_opts[@]}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "io.sparkformers.bench.$main" "$task" 2>target/bench.log
