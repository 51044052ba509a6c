/**
 * The soak's viewer storm, run in a process of its own (`bench/soak.ts` starts it) so that the
 * storm's own HTTPS clients, their TLS state and the bodies they read do not count in the memory
 * of the server under test. N viewers, each with its own keep-alive connection and one of the
 * given sessions, fetch in turn the events list, a camera's live.jpg and an event's snapshot
 * until the time is up; prints one JSON line: the requests' latencies (ms), the count per kind
 * and status, and the errors.
 *
 * Input, one JSON object on stdin: { base, ca, cameras: [ids], sessions: [headers], viewers, seconds }.
 */
import { Agent, request as httpsRequest } from 'node:https';

export interface StormInput {
  readonly base: string;
  /** The server's certificate (PEM), trusted for this connection only. */
  readonly ca: string;
  readonly cameras: readonly string[];
  /** Request headers of signed-in sessions (the viewers share them round robin). */
  readonly sessions: readonly Record<string, string>[];
  readonly viewers: number;
  readonly seconds: number;
}

export interface StormOutput {
  readonly latencies: number[];
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

/** One GET over a viewer's own keep-alive connection. */
function get(agent: Agent, base: string, url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(url, base), { method: 'GET', agent, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end();
  });
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function storm(input: StormInput): Promise<StormOutput> {
  const until = Date.now() + input.seconds * 1000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const count = (key: string): void => void (statuses[key] = (statuses[key] ?? 0) + 1);
  const viewer = async (i: number): Promise<void> => {
    const agent = new Agent({ ca: input.ca, servername: 'localhost', keepAlive: true, maxSockets: 1 });
    const auth = input.sessions[i % input.sessions.length]!;
    let snapshots: string[] = [];
    try {
      for (let k = 0; Date.now() < until; k++) {
        const step = k % 3;
        const what = step === 0 || (step === 2 && snapshots.length === 0) ? 'events' : step === 1 ? 'live.jpg' : 'snapshot';
        const url =
          what === 'events'
            ? '/api/events?order=desc&limit=50'
            : what === 'live.jpg'
              ? `/api/cameras/${input.cameras[(i + k) % input.cameras.length]}/live.jpg?t=${Date.now()}`
              : `/api/events/${snapshots[(i + k) % snapshots.length]}/snapshot.jpg`;
        const t = performance.now();
        try {
          const r = await get(agent, input.base, url, auth);
          latencies.push(performance.now() - t);
          count(`${what} ${r.status}`);
          if (what === 'events' && r.status === 200) {
            snapshots = (JSON.parse(r.body.toString()) as { events: { id: string; snapshotPath: string | null }[] }).events.filter((e) => e.snapshotPath !== null).map((e) => e.id);
          }
        } catch (error) {
          errors++;
          count(`${what} error: ${messageOf(error).slice(0, 60)}`);
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: input.viewers }, (_, i) => viewer(i)));
  return { latencies, statuses, errors };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString()) as StormInput;
  process.stdout.write(`${JSON.stringify(await storm(input))}\n`);
}
