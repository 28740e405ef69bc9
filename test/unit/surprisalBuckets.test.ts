// Surprisal colour buckets, worked out by hand from the legend the user reads
// ('< 1', '1–2', '2–4', '4–7', '7–11', '≥ 11' bits): a boundary value belongs to the bucket above it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_LABELS, bucketOf } from '../../src/util/surprisalBuckets';
import { surprisalBits } from '../../src/util/distribution';

test('bucket of values on and beside every boundary', () => {
  const cases: [number, number][] = [
    [0, 0], [0.5, 0], [0.999, 0],
    [1, 1], [1.5, 1], [1.999, 1],
    [2, 2], [3.999, 2],
    [4, 3], [6.999, 3],
    [7, 4], [10.999, 4],
    [11, 5], [20, 5], [Infinity, 5],
  ];
  for (const [bits, bucket] of cases) assert.equal(bucketOf(bits), bucket, `${bits} bits`);
});

test('probabilities the user meets: p = 1/2 is 1 bit (bucket 1), p = 1/2048 is 11 bits (the strongest)', () => {
  assert.equal(bucketOf(surprisalBits(0.9)), 0);
  assert.equal(bucketOf(surprisalBits(0.5)), 1);
  assert.equal(bucketOf(surprisalBits(0.25)), 2);
  assert.equal(bucketOf(surprisalBits(1 / 16)), 3);
  assert.equal(bucketOf(surprisalBits(1 / 128)), 4);
  assert.equal(bucketOf(surprisalBits(1 / 2048)), 5);
  assert.equal(bucketOf(surprisalBits(0)), 5, 'an impossible token (p = 0, infinite bits) is the strongest');
});

test('the legend labels name the same boundaries as the buckets', () => {
  assert.deepEqual(BUCKET_LABELS, ['< 1', '1–2', '2–4', '4–7', '7–11', '≥ 11']);
  BUCKET_LABELS.forEach((label, i) => {
    const [low] = label.match(/[\d.]+/g)!.map(Number);
    // the first label is "< 1": its values lie below; every other label starts at its bucket's lower bound
    assert.equal(bucketOf(i === 0 ? low - 0.01 : low), i, `label ${label}`);
  });
});
