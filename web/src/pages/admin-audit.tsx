/** Audit log (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Audit log page. */
export const adminAuditPage: PageEntry = { path: 'audit', title: 'Audit log', nav: true, adminOnly: true, render: () => <section><h1>Audit log</h1></section> };
