/** Heat map (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Heat map page. */
export const heatmapPage: PageEntry = { path: 'heatmap', title: 'Heat map', nav: true, adminOnly: false, render: () => <section><h1>Heat map</h1></section> };
