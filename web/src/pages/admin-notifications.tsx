/** Notifications (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Notifications page. */
export const adminNotificationsPage: PageEntry = { path: 'notifications', title: 'Notifications', nav: true, adminOnly: true, render: () => <section><h1>Notifications</h1></section> };
