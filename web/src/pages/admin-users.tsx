/** Users (placeholder until its page lands). */
import type { PageEntry } from './registry.ts';

/** The Users page. */
export const adminUsersPage: PageEntry = { path: 'users', title: 'Users', nav: true, adminOnly: true, render: () => <section><h1>Users</h1></section> };
