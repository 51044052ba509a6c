import { FfmpegSource } from '../src/ingest/ffmpeg-source.ts';
import { frameSourceContract } from './contracts/frame-source-contract.ts';

frameSourceContract('FfmpegSource', (file, options) => new FfmpegSource({ url: file, live: false, ...options }));
