/**
 * Positions the logit lens computes before its panel opens (`lens/get`'s `positions`): the last
 * ones, those nearest the cursor. Each lens cell is a full unembedding (768 × 50,257 multiply-adds
 * and a softmax on GPT-2 small; the whole grid of a 124M model is ~5 forward passes), so the first
 * batch is what the request costs above its forward pass: 16 columns × 13 rows were half a
 * forward's multiply-adds at 128 tokens, 10 are a third. The panel then asks for the rest of its
 * 128-position page with `lens/page` while the user reads the last ten tokens' rows, where the
 * next-token guess the lens explains is.
 */
export const LENS_FIRST_COLUMNS = 10;
