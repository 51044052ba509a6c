/** Events per second over a sliding time window (frames received, frames analysed). */
export class RateWindow {
  private readonly times: number[] = [];

  /** @param windowMs width of the window in milliseconds. */
  constructor(private readonly windowMs: number) {}

  /** Records one event at `at` (epoch ms, non-decreasing). */
  add(at: number): void {
    this.times.push(at);
    this.trim(at);
  }

  /** Events per second over the window ending at `now`. */
  rate(now: number): number {
    this.trim(now);
    if (this.times.length < 2) return this.times.length / (this.windowMs / 1000);
    const span = Math.max(now - this.times[0]!, 1);
    return ((this.times.length - 1) * 1000) / Math.min(span, this.windowMs);
  }

  private trim(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
  }
}
