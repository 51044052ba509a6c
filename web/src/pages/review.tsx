/** Review: search events, see them on a timeline per camera, and play the clip of the one selected. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { getJson, type SightlineEvent, type User } from '../api.ts';
import { formatTime, useCameras } from '../components/ChartCameraPicker.tsx';
import { ReviewDetail } from '../components/ReviewDetail.tsx';
import { ReviewFilters, eventQuery, fromLocalInput, type ReviewFilter } from '../components/ReviewFilters.tsx';
import { ReviewTimeline, typeClass } from '../components/ReviewTimeline.tsx';
import type { Route } from '../router.ts';
import type { PageEntry } from './registry.ts';

interface EventPage {
  readonly events: SightlineEvent[];
  readonly nextCursor: string | null;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function ReviewPage({ route, user }: { readonly route: Route; readonly user: User }): ReactNode {
  const { cameras, error } = useCameras();
  const [filter, setFilter] = useState<ReviewFilter>(() => ({ camera: route.query.get('camera') ?? '', type: '', rule: '', cls: '', from: '', to: '' }));
  const [events, setEvents] = useState<readonly SightlineEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [searchedAt, setSearchedAt] = useState(() => Date.now());

  const load = useCallback(async (f: ReviewFilter, after: string | null): Promise<void> => {
    setLoading(true);
    setLoadError(null);
    try {
      const page = await getJson<EventPage>(`/api/events?${eventQuery(f)}${after === null ? '' : `&cursor=${encodeURIComponent(after)}`}`);
      setEvents((old) => (after === null ? page.events : [...old, ...page.events]));
      setCursor(page.nextCursor);
    } catch (e) {
      setLoadError(message(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filter, null);
    // The first search runs on its own (load is stable); later ones come from the form.
  }, [load]);

  const apply = (f: ReviewFilter): void => {
    setFilter(f);
    setSelected(null);
    setSearchedAt(Date.now());
    void load(f, null);
  };

  // Without a chosen range the timeline spans the loaded events, with a little room on each side.
  const first = events.length === 0 ? searchedAt - 3_600_000 : Math.min(...events.map((e) => e.startTime));
  const last = events.length === 0 ? searchedAt : Math.max(...events.map((e) => e.endTime ?? e.startTime));
  const pad = Math.max(30_000, (last - first) * 0.02);
  const from = fromLocalInput(filter.from) ?? first - pad;
  const to = fromLocalInput(filter.to) ?? last + pad;
  const event = events.find((e) => e.id === selected) ?? null;
  const nameOf = (id: string): string => cameras?.find((c) => c.id === id)?.name ?? id;

  return (
    <section className="review">
      <h1>Review</h1>
      {error !== null && <p className="error">Could not load the cameras: {error}</p>}
      {cameras !== null && <ReviewFilters cameras={cameras} initial={filter} onApply={apply} />}
      {loadError !== null && (
        <p className="error" role="alert">
          Could not load the events: {loadError}
        </p>
      )}
      {cameras !== null && <ReviewTimeline cameras={cameras} events={events} from={from} to={to} selected={selected} onSelect={setSelected} />}
      <div className="review-body">
        <div className="review-list">
          <p className="muted" aria-live="polite">
            {loading ? 'Loading…' : `${events.length} event${events.length === 1 ? '' : 's'}${cursor === null ? '' : ' (more available)'}`}
          </p>
          {!loading && events.length === 0 && loadError === null && <p className="notice">No events match these filters.</p>}
          <ul>
            {events.map((e) => (
              <li key={e.id}>
                <button type="button" className={`review-item${e.id === selected ? ' selected' : ''}`} aria-pressed={e.id === selected} onClick={() => setSelected(e.id)}>
                  <span className={`review-dot ${typeClass(e.type)}`} aria-hidden="true" />
                  <span>
                    <strong>{e.type.replace('_', ' ')}</strong> · {e.rule} · {e.class}
                    {e.direction !== null && ` · ${e.direction}`}
                    <br />
                    <span className="muted">
                      {nameOf(e.cameraId)} · {formatTime(e.startTime)}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {cursor !== null && (
            <button type="button" disabled={loading} onClick={() => void load(filter, cursor)}>
              Load more
            </button>
          )}
        </div>
        {event !== null ? <ReviewDetail key={event.id} event={event} cameraName={nameOf(event.cameraId)} user={user} /> : events.length > 0 && <p className="muted review-hint">Select an event to see its snapshot and clip.</p>}
      </div>
    </section>
  );
}

/** The Review page. */
export const reviewPage: PageEntry = { path: 'review', title: 'Review', nav: true, adminOnly: false, render: ({ route, user }) => <ReviewPage route={route} user={user} /> };
