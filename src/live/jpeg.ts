/** JPEG encoding of analysed frames for event snapshots and the live view (pure JavaScript, jpeg-js). */
import jpeg from 'jpeg-js';

/** An RGB24 picture and the part of it to keep (the letterbox padding is cut off). */
export interface RgbPicture {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes, row by row. */
  readonly data: Uint8Array;
}

/** Default JPEG quality, 1..100. */
export const DEFAULT_JPEG_QUALITY = 80;

/** Encodes the top-left `crop` of an RGB24 picture (default all of it) as a baseline JPEG. */
export function encodeJpeg(picture: RgbPicture, crop: { readonly width: number; readonly height: number } = picture, quality = DEFAULT_JPEG_QUALITY): Buffer {
  const width = Math.max(1, Math.min(picture.width, Math.round(crop.width)));
  const height = Math.max(1, Math.min(picture.height, Math.round(crop.height)));
  if (picture.data.length < picture.width * picture.height * 3) throw new RangeError(`picture data holds ${picture.data.length} bytes, expected ${picture.width * picture.height * 3}`);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    let src = y * picture.width * 3;
    let dst = y * width * 4;
    for (let x = 0; x < width; x++) {
      rgba[dst] = picture.data[src]!;
      rgba[dst + 1] = picture.data[src + 1]!;
      rgba[dst + 2] = picture.data[src + 2]!;
      rgba[dst + 3] = 255;
      src += 3;
      dst += 4;
    }
  }
  return jpeg.encode({ width, height, data: rgba }, quality).data;
}
