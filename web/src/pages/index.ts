/** The list of pages, in navigation order. Each page's file exports one PageEntry. */
import { accountPage } from './account.tsx';
import { adminAuditPage } from './admin-audit.tsx';
import { adminCamerasPage } from './admin-cameras.tsx';
import { adminNotificationsPage } from './admin-notifications.tsx';
import { adminSettingsPage } from './admin-settings.tsx';
import { adminSystemPage } from './admin-system.tsx';
import { adminUsersPage } from './admin-users.tsx';
import { countsPage } from './counts.tsx';
import { editorPage } from './editor.tsx';
import { heatmapPage } from './heatmap.tsx';
import { livePage } from './live.tsx';
import type { PageEntry } from './registry.ts';
import { recordingsPage } from './recordings.tsx';
import { reviewPage } from './review.tsx';

/** Every page of the app. */
export const PAGES: readonly PageEntry[] = [
  livePage,
  reviewPage,
  recordingsPage,
  countsPage,
  heatmapPage,
  editorPage,
  adminCamerasPage,
  adminUsersPage,
  adminNotificationsPage,
  adminSettingsPage,
  adminAuditPage,
  adminSystemPage,
  accountPage,
];
