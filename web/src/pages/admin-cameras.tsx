/** Cameras (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Cameras page. */
export const adminCamerasPage: PageEntry = { path: 'cameras', title: 'Cameras', nav: true, adminOnly: true, render: () => <section><h1>Cameras</h1></section> };
