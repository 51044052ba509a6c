/**
 * Review: review items (the events of one person's episode, or one group alarm, folded together),
 * newest first, with a marked thumbnail each, filters by camera, severity, reviewed or not and time;
 * a timeline per camera; the selected item's detail with its clip; marks "reviewed" per user, one
 * at a time, in bulk and from the keyboard. New events arriving over the tab's bus feed fold into
 * the list and the timeline as they come.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { itemDuration } from '../../../src/core/review-items.ts';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { User } from '../api/types.ts';
import { formatTime, useCameras } from '../components/ChartCameraPicker.tsx';
import { MarkedSnapshot } from '../components/MarkedSnapshot.tsx';
import { ReviewDetail } from '../components/ReviewDetail.tsx';
import { itemFilterOf, ReviewFilters, type ReviewFilter } from '../components/ReviewFilters.tsx';
import { addLiveEvent, addPage, durationText, EMPTY_REVIEW, eventOfMessage, itemTitle, liveEventFits, markEvents, shownItems, type ReviewItemFilter, type ReviewState, type ShownItem } from '../components/review-model.ts';
import { ReviewTimeline } from '../components/ReviewTimeline.tsx';
import { useBusFeed } from '../hooks/bus-feed.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { Route } from '../router.ts';
import type { PageEntry } from './registry.ts';

/** Items asked for per page. */
const PAGE_ITEMS = 50;
/** Events marked per request at most (the route's bound). */
const MARK_CHUNK = 1000;

/** What to load: the filter, and the `to` of the page (null: the newest). */
interface Request {
  readonly filter: ReviewItemFilter;
  readonly to: number | null;
  /** Bumped by each search, so that searching again loads afresh. */
  readonly n: number;
}

/** True when a key press is typing into a control that takes text or keys of its own. */
function typing(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input:not([type="checkbox"]), select, textarea, video, [contenteditable="true"]') !== null;
}

function ReviewPage({ route, user }: { readonly route: Route; readonly user: User }): ReactNode {
  const { cameras, error } = useCameras();
  const initial: ReviewFilter = { camera: route.query.get('camera') ?? '', severity: '', reviewed: '', from: '', to: '' };
  const [request, setRequest] = useState<Request>(() => ({ filter: itemFilterOf(initial), to: null, n: 0 }));
  const [state, setState] = useState<ReviewState>(EMPTY_REVIEW);
  const [nextTo, setNextTo] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set());
  const [saving, setSaving] = useState(false);
  const [markError, setMarkError] = useState<string | null>(null);
  const focusSelected = useRef(false);

  useEffect(() => {
    const ctl = new AbortController();
    const f = request.filter;
    setLoading(true);
    setLoadError(null);
    const query = {
      camera: f.camera === '' ? null : f.camera,
      severity: f.severity === '' ? null : f.severity,
      reviewed: f.reviewed === '' ? null : f.reviewed,
      from: f.from === null ? null : Math.max(0, f.from),
      to: request.to ?? (f.to === null ? null : Math.max(1, f.to)),
      limit: PAGE_ITEMS,
    };
    call(api.review, { query, signal: ctl.signal }).then(
      (page) => {
        setState((s) => addPage(s, page.items));
        setNextTo(page.nextTo);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        setLoadError(errorText(err));
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [request]);

  // New events, their updates and ends fold into the items as they come.
  useBusFeed((m) => {
    const e = eventOfMessage(m);
    if (e !== null && liveEventFits(e, request.filter)) setState((s) => addLiveEvent(s, e));
  });

  const items = useMemo(() => shownItems(state, request.filter), [state, request.filter]);
  const current = items.find((s) => s.item.id === selected) ?? null;
  const checkedItems = items.filter((s) => checked.has(s.item.id));

  useEffect(() => {
    if (!focusSelected.current || selected === null) return;
    focusSelected.current = false;
    const button = document.querySelector<HTMLElement>(`[data-item-button="${CSS.escape(selected)}"]`);
    button?.focus();
    button?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const apply = (f: ReviewFilter): void => {
    setState(EMPTY_REVIEW);
    setSelected(null);
    setChecked(new Set());
    setRequest((r) => ({ filter: itemFilterOf(f), to: null, n: r.n + 1 }));
  };

  const loadMore = (): void => {
    if (nextTo !== null) setRequest((r) => ({ ...r, to: nextTo }));
  };

  const mark = async (list: readonly ShownItem[], reviewed: boolean): Promise<void> => {
    const ids = list.flatMap((s) => s.item.events.map((e) => e.id));
    if (ids.length === 0 || saving) return;
    setSaving(true);
    setMarkError(null);
    try {
      for (let i = 0; i < ids.length; i += MARK_CHUNK) {
        const part = ids.slice(i, i + MARK_CHUNK);
        await call(api.markReviewed, { body: { eventIds: part, reviewed } });
        setState((s) => markEvents(s, part, reviewed));
      }
      setChecked((c) => new Set([...c].filter((id) => !list.some((s) => s.item.id === id))));
    } catch (err) {
      setMarkError(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  const toggleChecked = (id: string): void =>
    setChecked((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const select = (index: number): void => {
    const target = items[Math.min(Math.max(index, 0), items.length - 1)];
    if (target === undefined) return;
    focusSelected.current = true;
    setSelected(target.item.id);
  };

  // The page's keys: j/k (or the arrows in the list) move, r marks, x checks, Shift+R marks the checked.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  onKey.current = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    const inList = e.target instanceof Element && e.target.closest('.review-list') !== null;
    const index = items.findIndex((s) => s.item.id === selected);
    if (e.key === 'j' || (inList && e.key === 'ArrowDown')) select(index + 1);
    else if (e.key === 'k' || (inList && e.key === 'ArrowUp')) select(index < 0 ? 0 : index - 1);
    else if (e.key === 'r' && current !== null) void mark([current], !current.reviewed);
    else if (e.key === 'R' && checkedItems.length > 0) void mark(checkedItems, true);
    else if (e.key === 'x' && current !== null) toggleChecked(current.item.id);
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent): void => onKey.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  // Without a chosen range the timeline spans the items shown, with a little room on each side.
  const now = Date.now();
  const first = items.length === 0 ? now - 3_600_000 : Math.min(...items.map((s) => s.item.start));
  const last = items.length === 0 ? now : Math.max(...items.map((s) => s.item.end ?? now));
  const pad = Math.max(30_000, (last - first) * 0.02);
  const from = request.filter.from ?? first - pad;
  const to = request.filter.to ?? last + pad;
  // Who may export an event's person (the video:unredacted permission), asked once for the page.
  const me = useResource(api.me.path, (signal) => call(api.me, { signal }));
  const mayExportSubject = me.data?.mayRequestUnredacted === true;
  const cameraOf = (id: string) => cameras?.find((c) => c.id === id);
  const nameOf = (id: string): string => cameraOf(id)?.name ?? id;
  const events = items.reduce((n, s) => n + s.item.events.length, 0);
  const unreviewed = items.filter((s) => !s.reviewed).length;
  const allChecked = items.length > 0 && checkedItems.length === items.length;

  return (
    <section className="review">
      <h1>Review</h1>
      {error !== null && <p className="error">Could not load the cameras: {error}</p>}
      {cameras !== null && <ReviewFilters cameras={cameras} initial={initial} onApply={apply} />}
      {loadError !== null && (
        <p className="error" role="alert">
          Could not load the review items: {loadError}
        </p>
      )}
      {cameras !== null && <ReviewTimeline cameras={cameras} items={items} from={from} to={to} selected={selected} onSelect={setSelected} />}
      <details className="review-keys">
        <summary>Keyboard shortcuts</summary>
        <dl>
          <div>
            <dt>
              <kbd>j</kbd> / <kbd>k</kbd> (or <kbd>↓</kbd> / <kbd>↑</kbd> in the list)
            </dt>
            <dd>next / previous item</dd>
          </div>
          <div>
            <dt>
              <kbd>r</kbd>
            </dt>
            <dd>mark the selected item reviewed (again: not reviewed)</dd>
          </div>
          <div>
            <dt>
              <kbd>x</kbd>
            </dt>
            <dd>check or uncheck the selected item</dd>
          </div>
          <div>
            <dt>
              <kbd>Shift</kbd>+<kbd>R</kbd>
            </dt>
            <dd>mark the checked items reviewed</dd>
          </div>
        </dl>
      </details>
      <div className="review-body">
        <div className="review-list">
          <p className="muted" aria-live="polite">
            {loading && items.length === 0
              ? 'Loading…'
              : `${items.length} item${items.length === 1 ? '' : 's'} (${events} event${events === 1 ? '' : 's'}), ${unreviewed} not reviewed${nextTo === null ? '' : ' — older ones to load'}`}
          </p>
          {!loading && items.length === 0 && loadError === null && <p className="notice">No review items match these filters.</p>}
          {markError !== null && (
            <p className="error" role="alert">
              Could not save the review marks: {markError}
            </p>
          )}
          {items.length > 0 && (
            <div className="review-bulk" role="group" aria-label="Checked items">
              <label>
                <input type="checkbox" checked={allChecked} onChange={() => setChecked(allChecked ? new Set() : new Set(items.map((s) => s.item.id)))} /> Check all shown
              </label>
              <button type="button" disabled={checkedItems.length === 0 || saving} onClick={() => void mark(checkedItems, true)}>
                Mark {checkedItems.length} checked reviewed
              </button>
              <button type="button" disabled={checkedItems.length === 0 || saving} onClick={() => void mark(checkedItems, false)}>
                Mark checked not reviewed
              </button>
            </div>
          )}
          <ul aria-label="Review items">
            {items.map((s) => {
              const { item } = s;
              const duration = itemDuration(item);
              const title = itemTitle(item);
              return (
                <li key={item.id} className={`review-row${s.reviewed ? ' reviewed' : ''}`}>
                  <input type="checkbox" checked={checked.has(item.id)} aria-label={`Check ${title} at ${formatTime(item.start)}`} onChange={() => toggleChecked(item.id)} />
                  <button type="button" data-item-button={item.id} className={`review-item${item.id === selected ? ' selected' : ''}`} aria-pressed={item.id === selected} onClick={() => setSelected(item.id)}>
                    <MarkedSnapshot event={item.cover} alt="" frameSize={cameraOf(item.cameraId)?.health.frameSize ?? null} small />
                    <span>
                      <strong>{title}</strong> <span className={`severity ${item.severity}`}>{item.severity === 'alarm' ? 'Alarm' : 'Detection'}</span>
                      <br />
                      {item.rules.join(', ')} · {item.events.length} event{item.events.length === 1 ? '' : 's'} · {duration === null ? 'still open' : durationText(duration)}
                      <br />
                      <span className="muted">
                        {nameOf(item.cameraId)} · {formatTime(item.start)}
                        {s.reviewed && ' · Reviewed'}
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {nextTo !== null && (
            <button type="button" disabled={loading} onClick={loadMore}>
              Load more
            </button>
          )}
        </div>
        {current !== null ? (
          <ReviewDetail
            key={current.item.id}
            item={current.item}
            reviewed={current.reviewed}
            cameraName={nameOf(current.item.cameraId)}
            frameSize={cameraOf(current.item.cameraId)?.health.frameSize ?? null}
            user={user}
            mayExportSubject={mayExportSubject}
            busy={saving}
            onReviewed={(reviewed) => void mark([current], reviewed)}
          />
        ) : (
          items.length > 0 && <p className="muted review-hint">Select an item to see its snapshot and clip.</p>
        )}
      </div>
    </section>
  );
}

/** The Review page. */
export const reviewPage: PageEntry = { path: 'review', title: 'Review', nav: true, adminOnly: false, render: ({ route, user }) => <ReviewPage route={route} user={user} /> };
