// Sentence embeddings by transformers.js (the npm package @huggingface/transformers), the second,
// independent reference for the FeatureExtractor tests: its own tokenizer, pooling and normalization
// over the same ONNX graph. Offline: the model folder is local and remote models are off.
//
//   node embed.mjs <model folder> <model file: model.onnx | model_quantized.onnx> <pooling: mean | cls | none> <sentences.json>
//
// mean and cls are normalized (the models' cards); none gives every token's vector, unnormalized.
// The folder holds config.json, tokenizer.json, tokenizer_config.json and the graph; transformers.js
// wants the graph under onnx/, so a scratch folder links the files in that layout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

const [folder, modelFile, pooling, sentencesFile] = process.argv.slice(2);
const dtype = { 'model.onnx': 'fp32', 'model_quantized.onnx': 'q8' }[modelFile];
if (!dtype || !['mean', 'cls', 'none'].includes(pooling)) {
  console.error('usage: node embed.mjs <model folder> <model.onnx|model_quantized.onnx> <mean|cls|none> <sentences.json>');
  process.exit(2);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-models-'));
const layout = path.join(root, 'model');
fs.mkdirSync(path.join(layout, 'onnx'), { recursive: true });
for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
  fs.symlinkSync(path.resolve(folder, f), path.join(layout, f));
}
fs.symlinkSync(path.resolve(folder, modelFile), path.join(layout, 'onnx', modelFile));

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root + path.sep;

const sentences = JSON.parse(fs.readFileSync(sentencesFile, 'utf8'));
const extractor = await pipeline('feature-extraction', 'model', { dtype, device: 'cpu' });
const vectors = [];
for (const text of sentences) {
  // one sentence at a time: no padding in the reference
  const out = await extractor(text, { pooling, normalize: pooling !== 'none' });
  // 9 significant digits: enough to give back each float32 exactly
  const f32 = (v) => Number(v.toPrecision(9));
  vectors.push(pooling === 'none' ? out.tolist()[0].map((t) => t.map(f32)) : Array.from(out.data, f32));
}
const pkg = JSON.parse(fs.readFileSync(new URL('./node_modules/@huggingface/transformers/package.json',
  'file://' + process.cwd() + '/'), 'utf8'));
process.stdout.write(JSON.stringify({
  reference: `@huggingface/transformers ${pkg.version}`,
  model_file: modelFile, pooling, normalize: pooling !== 'none', sentences, vectors,
}) + '\n');
fs.rmSync(root, { recursive: true });
