/** Zones and lines (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Zones and lines page. */
export const editorPage: PageEntry = { path: 'editor', title: 'Zones and lines', nav: false, adminOnly: true, render: () => <section><h1>Zones and lines</h1></section> };
