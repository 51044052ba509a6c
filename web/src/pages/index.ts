/** The list of pages, in navigation order. */
import type { PageEntry } from './registry.ts';
import { livePage } from './live.tsx';
import { accountPage } from './account.tsx';

/** Every page of the app. */
export const PAGES: readonly PageEntry[] = [livePage, accountPage];
