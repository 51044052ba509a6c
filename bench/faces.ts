/**
 * `npm run bench` (a phase): face-detection recall per group on ../shared/data/faces (1,000 UTKFace
 * crops, 100 per gender x group, each holding one face). The redaction's face detector (BlazeFace
 * on onnxruntime, src/detect/blazeface.ts, at its default settings) runs on each crop twice: set in
 * a wider picture (100 grey pixels around the 200x200 crop, as a face appears in a camera's
 * picture) and as the crop itself (the face fills the picture edge to edge). A face counts as found
 * when the detector's best box is centred within 50 px of the crop's centre. The labels serve only
 * to measure errors per group; the product never infers them. Writes the "Face detection recall"
 * section of BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createFaceDetector, DEFAULT_FACE_DECODE } from '../src/detect/blazeface.ts';
import { writeSection } from './sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.resolve(ROOT, '../shared/data/faces');
const log = (m: string): void => void process.stderr.write(`[bench:faces] ${m}\n`);

interface GroupResult {
  readonly group: string;
  readonly crops: number;
  readonly foundWide: number;
  readonly foundTight: number;
}

/** Wilson 95 % interval of k successes out of n, in percent. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half)];
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    log('../shared/data/faces is missing: nothing measured');
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-faces-'));
  const faces = await createFaceDetector({ cacheDir: tmp });
  const results: GroupResult[] = [];
  let ms = 0;
  let runs = 0;
  try {
    for (const gender of readdirSync(DATA).sort()) {
      for (const group of readdirSync(path.join(DATA, gender)).sort()) {
        let foundWide = 0;
        let foundTight = 0;
        const files = readdirSync(path.join(DATA, gender, group)).filter((f) => f.endsWith('.jpg'));
        for (const file of files) {
          for (const surround of [100, 0]) {
            const { data, info } = await sharp(path.join(DATA, gender, group, file))
              .removeAlpha()
              .extend({ top: surround, bottom: surround, left: surround, right: surround, background: { r: 128, g: 128, b: 128 } })
              .raw()
              .toBuffer({ resolveWithObject: true });
            const started = performance.now();
            const [best] = await faces.detect({ width: info.width, height: info.height, data });
            ms += performance.now() - started;
            runs++;
            const found = best !== undefined && Math.abs(best.box.x + best.box.w / 2 - info.width / 2) <= 50 && Math.abs(best.box.y + best.box.h / 2 - info.height / 2) <= 50;
            if (found && surround > 0) foundWide++;
            if (found && surround === 0) foundTight++;
          }
        }
        results.push({ group: `${gender}/${group}`, crops: files.length, foundWide, foundTight });
        log(`${gender}/${group}: ${foundWide}/${files.length} in a wider picture, ${foundTight}/${files.length} as the crop`);
      }
    }
  } finally {
    await faces.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
  const pct = (k: number, n: number): string => `${((100 * k) / n).toFixed(1)} %`;
  const ci = (k: number, n: number): string => wilson(k, n).map((v) => v.toFixed(1)).join('–');
  const spread = (pick: (r: GroupResult) => number): string => {
    const rates = results.map((r) => (100 * pick(r)) / r.crops);
    return `${(Math.max(...rates) - Math.min(...rates)).toFixed(1)} points (best ${Math.max(...rates).toFixed(1)} %, worst ${Math.min(...rates).toFixed(1)} %)`;
  };
  const met = (pick: (r: GroupResult) => number): string => (results.every((r) => pick(r) / r.crops >= 0.99) ? 'met' : '**missed**');
  const md = [
    `Measured by \`npm run bench\` (\`bench/faces.ts\`) on ${os.availableParallelism()} cores, Node ${process.version}: the redaction's face detector (BlazeFace of \`@vladmandic/human\`, converted to ONNX, on onnxruntime's CPU provider, confidence from ${DEFAULT_FACE_DECODE.minScore}) on the 1,000 crops of \`../shared/data/faces\`. A face is found when the best box is centred within 50 px of the crop's centre. "In a wider picture": the 200x200 crop with 100 grey pixels around it, as a face appears in a camera's picture; "as the crop": the face fills the picture edge to edge, which BlazeFace, trained on faces with their surroundings, finds less surely. 95 % intervals (Wilson) for 100 crops a group.`,
    '',
    '| group | crops | found, in a wider picture | 95 % interval | found, as the crop | 95 % interval |',
    '|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.group} | ${r.crops} | ${r.foundWide} (${pct(r.foundWide, r.crops)}) | ${ci(r.foundWide, r.crops)} | ${r.foundTight} (${pct(r.foundTight, r.crops)}) | ${ci(r.foundTight, r.crops)} |`),
    '',
    `- Target >= 99 % in every group: in a wider picture ${met((r) => r.foundWide)}; as the crop ${met((r) => r.foundTight)}.`,
    `- Spread between the best and the worst group: in a wider picture ${spread((r) => r.foundWide)}; as the crop ${spread((r) => r.foundTight)}.`,
    `- Time per picture (320x320 or 200x200, fitted into the 256x256 input, on one thread): ${(ms / runs).toFixed(1)} ms.`,
  ].join('\n');
  writeSection(path.join(ROOT, 'BENCHMARKS.md'), 'Face detection recall', md);
  log('wrote the Face detection recall section of BENCHMARKS.md');
}

await main();
