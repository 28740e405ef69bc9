/** Upper bounds (bits) of the surprisal colour buckets; the last bucket is open. Shared by the
 * editor decorations and the next-token panel's chips so both read the same. */
export const SURPRISAL_BUCKETS = [1, 2, 4, 7, 11] as const;
export const BUCKET_LABELS = ['< 1', '1–2', '2–4', '4–7', '7–11', '≥ 11'];

export function bucketOf(bits: number): number {
  const i = SURPRISAL_BUCKETS.findIndex((b) => bits < b);
  return i === -1 ? SURPRISAL_BUCKETS.length : i;
}
