// Reference conv2d gradients from the tfjs `cpu` backend, in its own process (never switch backends
// in one process). stdin: JSON cases {x, xShape, w, wShape, dy, stride}; stdout: JSON [{dx, dw}].
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode(); // no "running TensorFlow.js in Node.js" banner
await tf.setBackend('cpu');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const out = cases.map((c) => {
  const x = tf.tensor4d(c.x, c.xShape);
  const w = tf.tensor4d(c.w, c.wShape);
  const dy = tf.tensor4d(c.dy, c.dyShape);
  const [dx, dw] = tf.grads((a, b) => tf.conv2d(a, b, c.stride, 'same'))([x, w], dy);
  return { dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()), y: Array.from(tf.conv2d(x, w, c.stride, 'same').dataSync()) };
});
process.stdout.write(JSON.stringify(out));
