/**
 * JPEG encoding of analysed frames for event snapshots and the live view. libvips (through sharp)
 * encodes on libuv's thread pool, so the event loop that runs the cameras' tracking and rules is
 * not held while a snapshot is compressed.
 */
import sharp from 'sharp';

/** An RGB24 picture and the part of it to keep (the letterbox padding is cut off). */
export interface RgbPicture {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes, row by row. */
  readonly data: Uint8Array;
}

/** Default JPEG quality, 1..100. */
export const DEFAULT_JPEG_QUALITY = 80;

/** Encodes the top-left `crop` of an RGB24 picture (default all of it) as a baseline JPEG. The picture must not change until the promise settles. */
export async function encodeJpeg(picture: RgbPicture, crop: { readonly width: number; readonly height: number } = picture, quality = DEFAULT_JPEG_QUALITY): Promise<Buffer> {
  const width = Math.max(1, Math.min(picture.width, Math.round(crop.width)));
  const height = Math.max(1, Math.min(picture.height, Math.round(crop.height)));
  if (picture.data.length < picture.width * picture.height * 3) throw new RangeError(`picture data holds ${picture.data.length} bytes, expected ${picture.width * picture.height * 3}`);
  let image = sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } });
  if (width !== picture.width || height !== picture.height) image = image.extract({ left: 0, top: 0, width, height });
  return image.jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false }).toBuffer();
}
