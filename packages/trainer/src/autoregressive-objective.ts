// The autoregressive baseline (SPEC §3 "AR baseline"): a causal model trained with next-token
// cross-entropy; its held-out metric is the same cross-entropy in nats per predicted token.
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { scoreCompletionsAutoregressive } from './score-completions.js';
import type { TrainingObjective } from './training-objective.js';

/** Mean next-token cross-entropy of logits [B, N, V] on tokens [B, N] (positions 0..N−2 predict 1..N−1). */
export function nextTokenCrossEntropy(logits: Tensor3D, tokens: Tensor2D): Scalar {
  return tf.tidy(() => {
    const [B, N, V] = logits.shape;
    const pred = tf.slice(logits, [0, 0, 0], [B, N - 1, V]); // [B, N−1, V]
    const target = tf.slice(tokens, [0, 1], [B, N - 1]); // [B, N−1]
    const logp = tf.logSoftmax(pred); // [B, N−1, V]
    // oneHot in int32 then cast: float32 oneHot is wrong on the wasm backend.
    const onehot = tf.cast(tf.oneHot(tf.cast(target, 'int32'), V), 'float32'); // [B, N−1, V]
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), -1))) as Scalar;
  });
}

export function autoregressiveObjective(): TrainingObjective {
  return {
    kind: 'autoregressive',
    causal: true,
    terms(model, x) {
      const logits = model.apply(x); // [B, N, V]
      const ce = nextTokenCrossEntropy(logits, x);
      return { loss: ce, nats: ce.clone(), tokens: tf.scalar(x.shape[0] * (x.shape[1] - 1)) };
    },
    evaluate(model, x) {
      const nats = tf.tidy(() => nextTokenCrossEntropy(model.apply(x), x).dataSync()[0]!);
      return { natsPerToken: nats, tokens: x.shape[0] * (x.shape[1] - 1) };
    },
    async evaluateAsync(model, x) {
      const ce = tf.tidy(() => nextTokenCrossEntropy(model.apply(x), x));
      const nats = (await ce.data())[0]!;
      ce.dispose();
      return { natsPerToken: nats, tokens: x.shape[0] * (x.shape[1] - 1) };
    },
    scoreCompletions: (model, items, o) => scoreCompletionsAutoregressive(model, items, o),
  };
}
