/** Review (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Review page. */
export const reviewPage: PageEntry = { path: 'review', title: 'Review', nav: true, adminOnly: false, render: () => <section><h1>Review</h1></section> };
