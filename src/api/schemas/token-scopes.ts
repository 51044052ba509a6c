/**
 * The scopes an API token may hold, as a plain list without Zod, so that the browser app can show
 * them without loading any schema. `user-view.ts` builds its enum from it; `user.ts` checks that it
 * equals the token store's `API_TOKEN_SCOPES`.
 */
export const apiTokenScopes = ['metrics:read', 'events:read', 'cameras:read', 'recordings:read'] as const;
