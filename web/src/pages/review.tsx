/** Review: search events, see them on a timeline per camera, and play the clip of the one selected. */
import { useState, type ReactNode } from 'react';
import { call, urlOf } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { SightlineEvent, User } from '../api/types.ts';
import { formatTime, useCameras } from '../components/ChartCameraPicker.tsx';
import { ReviewDetail } from '../components/ReviewDetail.tsx';
import { ReviewFilters, eventQuery, fromLocalInput, type ReviewFilter } from '../components/ReviewFilters.tsx';
import { ReviewTimeline, typeClass } from '../components/ReviewTimeline.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { Route } from '../router.ts';
import type { PageEntry } from './registry.ts';

function ReviewPage({ route, user }: { readonly route: Route; readonly user: User }): ReactNode {
  const { cameras, error } = useCameras();
  const [filter, setFilter] = useState<ReviewFilter>(() => ({ camera: route.query.get('camera') ?? '', type: '', rule: '', cls: '', from: '', to: '' }));
  // The pages loaded before the one asked for now, and that page's cursor (null for the first).
  const [earlier, setEarlier] = useState<readonly SightlineEvent[]>([]);
  const [after, setAfter] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [searchedAt, setSearchedAt] = useState(() => Date.now());
  const query = { ...Object.fromEntries(new URLSearchParams(eventQuery(filter))), cursor: after };
  // The search time is part of the key: searching again with the same filter loads afresh.
  const page = useResource(`${urlOf(api.events.path, {}, query)}#${searchedAt}`, (signal) => call(api.events, { query, signal }));
  const events = page.data === null ? earlier : [...earlier, ...page.data.events];
  const cursor = page.data?.nextCursor ?? null;
  const loading = page.loading;
  const loadError = page.error;

  const apply = (f: ReviewFilter): void => {
    setFilter(f);
    setSelected(null);
    setEarlier([]);
    setAfter(null);
    setSearchedAt(Date.now());
  };

  const loadMore = (): void => {
    if (cursor === null) return;
    setEarlier(events);
    setAfter(cursor);
  };

  // Without a chosen range the timeline spans the loaded events, with a little room on each side.
  const first = events.length === 0 ? searchedAt - 3_600_000 : Math.min(...events.map((e) => e.startTime));
  const last = events.length === 0 ? searchedAt : Math.max(...events.map((e) => e.endTime ?? e.startTime));
  const pad = Math.max(30_000, (last - first) * 0.02);
  const from = fromLocalInput(filter.from) ?? first - pad;
  const to = fromLocalInput(filter.to) ?? last + pad;
  const event = events.find((e) => e.id === selected) ?? null;
  // Who may export an event's person (the video:unredacted permission), asked once for the page.
  const me = useResource(api.me.path, (signal) => call(api.me, { signal }));
  const mayExportSubject = me.data?.mayRequestUnredacted === true;
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
            <button type="button" disabled={loading} onClick={loadMore}>
              Load more
            </button>
          )}
        </div>
        {event !== null ? <ReviewDetail key={event.id} event={event} cameraName={nameOf(event.cameraId)} user={user} mayExportSubject={mayExportSubject} /> : events.length > 0 && <p className="muted review-hint">Select an event to see its snapshot and clip.</p>}
      </div>
    </section>
  );
}

/** The Review page. */
export const reviewPage: PageEntry = { path: 'review', title: 'Review', nav: true, adminOnly: false, render: ({ route, user }) => <ReviewPage route={route} user={user} /> };
