package io.sparkformers.inference.task.generation;

/** Softmax arithmetic over one row of next-token scores, where -inf marks a banned token. */
final class Scores {
  private Scores() {}

  static float[] softmax(float[] scores) {
    float max = max(scores);
    float[] out = new float[scores.length];
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      out[i] = (float) Math.exp(scores[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) out[i] = (float) (out[i] / sum);
    return out;
  }

  static float[] logSoftmax(float[] scores) {
    float logSum = logSumExp(scores);
    float[] out = new float[scores.length];
    for (int i = 0; i < scores.length; i++) out[i] = scores[i] - logSum;
    return out;
  }

  /** log(sum(exp(scores))): {@code scores[t] - logSumExp(scores)} is logSoftmax's entry t without the array. */
  static float logSumExp(float[] scores) {
    float max = max(scores);
    double sum = 0;
    for (float s : scores) sum += Math.exp(s - max);
    return (float) (max + Math.log(sum));
  }

  /** The first index of the highest score, as torch.argmax. */
  static int argmax(float[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    return best;
  }

  private static float max(float[] scores) {
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) max = Math.max(max, s);
    return max;
  }
}
