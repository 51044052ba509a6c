/**
 * Changing a user's role, which UserStore does not offer yet (it belongs there as `setRole`; this
 * moves once it does): one transaction that refuses to demote the last enabled admin.
 */
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../../core/errors.ts';
import type { User, UserRole, UserStore } from '../../store/users.ts';

/** Sets a user's role: USER_NOT_FOUND, or STORE_CONFLICT when it would demote the last enabled admin. */
export function setUserRole(db: Database, users: UserStore, id: string, role: UserRole): User {
  return db
    .transaction((): User => {
      const user = users.findById(id);
      if (user === undefined) throw new SightlineError('USER_NOT_FOUND', `no user has the id ${id}`);
      if (user.role === 'admin' && role !== 'admin' && !user.disabled && users.countAdmins() <= 1) {
        throw new SightlineError('STORE_CONFLICT', `${user.name} is the last enabled admin: make another admin first`);
      }
      db.prepare<[string, string]>('UPDATE users SET role = ? WHERE id = ?').run(role, id);
      return users.findById(id)!;
    })
    .immediate();
}
