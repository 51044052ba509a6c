/** System (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The System page. */
export const adminSystemPage: PageEntry = { path: 'system', title: 'System', nav: true, adminOnly: true, render: () => <section><h1>System</h1></section> };
