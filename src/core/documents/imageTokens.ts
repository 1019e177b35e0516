/**
 * An estimate of the prompt tokens an image costs on a vision chat model, for the attachment chip's cost
 * estimate and for fitting the prompt before usage is known. DeepSeek does not publish its image tokenisation;
 * this follows the common scheme of vision encoders (the image scaled to fit 1024×1024, one token per 32×32
 * pixels after patch merging, plus two delimiters). The figure a request is billed at comes from its usage.
 */
export const IMAGE_MAX_SIDE = 1024;
export const IMAGE_TOKEN_PIXELS = 32;
/** Used when the image's size is unknown: as for a 1024×1024 image. */
export const UNKNOWN_IMAGE_TOKENS = (IMAGE_MAX_SIDE / IMAGE_TOKEN_PIXELS) ** 2 + 2;

export function imageTokenEstimate(width: number | undefined, height: number | undefined): number {
  if (!width || !height || width <= 0 || height <= 0) return UNKNOWN_IMAGE_TOKENS;
  const scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return Math.ceil(w / IMAGE_TOKEN_PIXELS) * Math.ceil(h / IMAGE_TOKEN_PIXELS) + 2;
}
