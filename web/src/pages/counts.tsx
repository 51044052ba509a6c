/** Counting (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Counting page. */
export const countsPage: PageEntry = { path: 'counts', title: 'Counting', nav: true, adminOnly: false, render: () => <section><h1>Counting</h1></section> };
