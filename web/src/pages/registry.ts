/**
 * Every page of the app, by the first segment of its route. Each page lives in its own file under
 * src/pages/ and is listed here once; the layout builds its navigation from this list.
 */
import type { ReactNode } from 'react';
import type { Route } from '../router.ts';
import type { User } from '../api/types.ts';

/** A page: its route segment, its title in the navigation, who may open it, and its component. */
export interface PageEntry {
  readonly path: string;
  readonly title: string;
  /** Shown in the navigation (pages reached from other pages are not). */
  readonly nav: boolean;
  readonly adminOnly: boolean;
  readonly render: (props: { readonly route: Route; readonly user: User }) => ReactNode;
}
