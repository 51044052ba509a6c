/** A one-line progress bar for a terminal; silent when the stream is not a TTY. */
export interface ProgressBar {
  update(done: number, total: number | undefined, note?: string): void;
  finish(): void;
}

/** Creates a progress bar on `stream` (stderr by default), redrawn at most every 100 ms. */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const enabled = stream.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note = '') {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 40));
      let text: string;
      if (total !== undefined && total > 0) {
        const f = Math.min(1, done / total);
        const full = Math.round(f * width);
        text = `${label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}% ${done}/${total} ${note}`;
      } else {
        text = `${label} ${done} ${note}`;
      }
      stream.write(`\r${text.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (enabled && drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
