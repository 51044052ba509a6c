/**
 * The user store on SQLite: the `users` and `user_cameras` tables, throttled sign-ins through the
 * SQLite login throttle and the first admin made in one transaction with its setup token; see
 * ./users.ts for the rules every implementation follows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { normalizeRemote, throttleKeys, type ThrottlePolicy } from '../security/login-throttle.ts';
import { hashPassword, needsRehash, OWASP_ARGON2_PARAMS, verifyPassword, type Argon2Params } from '../security/passwords.ts';
import { SqliteLoginThrottle } from './sqlite-login-throttle.ts';
import { SqliteSetupTokenStore } from './sqlite-setup-tokens.ts';
import {
  checkPolicy,
  checkRole,
  checkUserName,
  normalizeUserName,
  setupRefusal,
  type AttemptOrigin,
  type LoginResult,
  type NewUser,
  type PasswordChangeResult,
  type User,
  type UserChanges,
  type UserRole,
  type UserStore,
} from './users.ts';

/** Injected dependencies of the user store. */
export interface UserStoreOptions {
  /** The clock of creation times, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Makes user ids. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
  /** argon2id cost of new hashes (tests pass cheap ones). Default {@link OWASP_ARGON2_PARAMS}. */
  readonly hashParams?: Argon2Params;
  /** Sign-in throttling rules. Default the throttle's default policy. */
  readonly throttle?: ThrottlePolicy;
  /** Hashes a password (tests count its calls). Default argon2id {@link hashPassword}. */
  readonly hasher?: (password: string, params: Argon2Params) => Promise<string>;
  /** Checks a password against a hash (tests watch which hashes sign-ins verify). Default argon2id {@link verifyPassword}. */
  readonly verifier?: (hash: string, password: string) => Promise<boolean>;
}

interface UserRow {
  id: string;
  name: string;
  password_hash: string;
  role: UserRole;
  created_at: number;
  disabled: number;
  unredacted_video: number;
}

const toUser = (r: UserRow): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, disabled: r.disabled === 1, unredactedVideo: r.unredacted_video === 1 });

/** The users of one database connection; the connection stays the caller's. */
export class SqliteUserStore implements UserStore {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #params: Argon2Params;
  readonly #hash: (password: string, params: Argon2Params) => Promise<string>;
  readonly #verify: (hash: string, password: string) => Promise<boolean>;
  readonly #throttle: SqliteLoginThrottle;
  readonly #setup: SqliteSetupTokenStore;
  readonly #dummyHash: Promise<string>;
  readonly #s;

  /** A user store over an open, migrated connection. */
  constructor(db: Database, options: UserStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
    this.#params = options.hashParams ?? OWASP_ARGON2_PARAMS;
    this.#hash = options.hasher ?? hashPassword;
    this.#verify = options.verifier ?? verifyPassword;
    this.#throttle = new SqliteLoginThrottle(db, options.throttle);
    this.#setup = new SqliteSetupTokenStore(db);
    // Made now, not at the first unknown name, so that first attempt takes no longer than the others.
    this.#dummyHash = this.#hash(randomBytes(32).toString('base64url'), this.#params);
    this.#dummyHash.catch(() => undefined);
    this.#s = {
      byId: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      byName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?'),
      all: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name'),
      insert: db.prepare<[string, string, string, string, number]>('INSERT INTO users (id, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)'),
      setHash: db.prepare<[string, string, string]>('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?'),
      setDisabled: db.prepare<[number, string]>('UPDATE users SET disabled = ? WHERE id = ?'),
      // A viewer never holds the unredacted-video flag (the table's CHECK holds it too).
      setRole: db.prepare<{ role: string; id: string }>("UPDATE users SET role = @role, unredacted_video = CASE WHEN @role = 'viewer' THEN 0 ELSE unredacted_video END WHERE id = @id"),
      setUnredacted: db.prepare<[number, string]>('UPDATE users SET unredacted_video = ? WHERE id = ?'),
      admins: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0"),
      cameraExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM cameras WHERE id = ?'),
      grant: db.prepare<[string, string]>('INSERT INTO user_cameras (user_id, camera_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      revoke: db.prepare<[string, string]>('DELETE FROM user_cameras WHERE user_id = ? AND camera_id = ?'),
      camerasOf: db.prepare<[string], { camera_id: string }>('SELECT camera_id FROM user_cameras WHERE user_id = ? ORDER BY camera_id'),
      may: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM user_cameras WHERE user_id = ? AND camera_id = ?'),
    };
  }

  /**
   * Creates a user after checking the name (USER_INVALID), role (USER_INVALID) and password policy
   * (PASSWORD_WEAK); STORE_CONFLICT when the name is taken.
   */
  async create(input: NewUser): Promise<User> {
    const name = checkUserName(input.name);
    const role = checkRole(input.role);
    checkPolicy(input.password, name);
    const hash = await this.#hash(input.password, this.#params);
    return this.#insert(name, hash, role);
  }

  /**
   * Creates the first admin through the setup link: the token is used up and the admin inserted in
   * one transaction. SETUP_TOKEN_INVALID when the token is wrong, used or expired; SETUP_CLOSED when
   * an admin exists; USER_INVALID or PASSWORD_WEAK for the name or password (the token stays unused).
   */
  async createFirstAdmin(token: string, input: { readonly name: string; readonly password: string }): Promise<User> {
    // The token is checked (cheaply, in constant time) before the password is hashed, so a wrong
    // token costs no argon2 work; it is checked again, and used up, when the admin is inserted.
    const usable = this.#setup.check(token, this.#now());
    if (!usable.ok) throw setupRefusal(usable.reason);
    const name = checkUserName(input.name);
    checkPolicy(input.password, name);
    const hash = await this.#hash(input.password, this.#params);
    return this.#db.transaction((): User => {
      const used = this.#setup.consume(token, this.#now());
      if (!used.ok) throw setupRefusal(used.reason);
      return this.#insert(name, hash, 'admin');
    }).immediate();
  }

  /** The user with this name (normalised first), if any. */
  findByName(name: string): User | undefined {
    const row = this.#s.byName.get(normalizeUserName(name));
    return row === undefined ? undefined : toUser(row);
  }

  /** The user with this id, if any. */
  findById(id: string): User | undefined {
    const row = this.#s.byId.get(id);
    return row === undefined ? undefined : toUser(row);
  }

  /** Every user, by name, without password hashes. */
  list(): User[] {
    return this.#s.all.all().map(toUser);
  }

  /**
   * Changes a user's own password after verifying the current one, throttled like a sign-in of
   * that user from `origin` (the same pair key, so guessing here and at sign-in share one count):
   * locked, invalid for a wrong current password, or ok. Throws USER_NOT_FOUND, and PASSWORD_WEAK
   * for a new password that breaks the policy or equals the old (checked before anything is counted).
   */
  async changePassword(id: string, currentPassword: string, newPassword: string, origin: AttemptOrigin): Promise<PasswordChangeResult> {
    const row = this.#row(id);
    if (newPassword === currentPassword) throw new SightlineError('PASSWORD_WEAK', 'The new password must differ from the current one.');
    checkPolicy(newPassword, row.name);
    const keys = throttleKeys({ name: row.name, remote: normalizeRemote(origin.remote).slice(0, 64), device: origin.device, known: true });
    const admission = this.#throttle.admit(keys, origin.now);
    if (admission.lockedMs > 0) return { status: 'locked', retryAfterMs: admission.lockedMs };
    if (!(await verifyPassword(row.password_hash, currentPassword))) return { status: 'invalid' };
    this.#throttle.forgive(keys, 0, admission, origin.now);
    await this.#replaceHash(row, newPassword);
    return { status: 'ok' };
  }

  /**
   * An admin's change of a user's role, disabled flag, password and unredacted-video flag, all or
   * nothing: every change is checked first (USER_NOT_FOUND, USER_INVALID, also for the unredacted-video
   * flag on a user who is or becomes a viewer, PASSWORD_WEAK, STORE_CONFLICT when the user would stop
   * being the last enabled admin or the password changed meanwhile), then all are written in one
   * transaction. A user made a viewer loses the unredacted-video flag. Returns the user and whether
   * the password was changed.
   */
  async update(id: string, changes: UserChanges): Promise<{ readonly user: User; readonly passwordChanged: boolean }> {
    const before = this.#row(id);
    const role = changes.role === undefined ? undefined : checkRole(changes.role);
    if (changes.password !== undefined) checkPolicy(changes.password, before.name);
    const check = (row: UserRow): void => {
      if (changes.unredactedVideo === true && (role ?? row.role) === 'viewer') {
        throw new SightlineError('USER_INVALID', `${row.name} is ${role === undefined ? 'a viewer' : 'made a viewer'}: viewers may never see unredacted video; make them an operator first`);
      }
      const wasAdmin = row.role === 'admin' && row.disabled === 0;
      const staysAdmin = (role ?? row.role) === 'admin' && !(changes.disabled ?? row.disabled === 1);
      if (wasAdmin && !staysAdmin && this.countAdmins() <= 1) {
        throw new SightlineError('STORE_CONFLICT', `${row.name} is the last enabled admin: enable or make another admin first`);
      }
    };
    check(before);
    const hash = changes.password === undefined ? undefined : await this.#hash(changes.password, this.#params);
    return this.#db.transaction(() => {
      const row = this.#row(id);
      check(row);
      if (hash !== undefined && this.#s.setHash.run(hash, id, before.password_hash).changes === 0) {
        throw new SightlineError('STORE_CONFLICT', `the password of ${row.name} was changed meanwhile: try again`);
      }
      if (role !== undefined && role !== row.role) this.#s.setRole.run({ role, id });
      if (changes.disabled !== undefined && changes.disabled !== (row.disabled === 1)) this.#s.setDisabled.run(changes.disabled ? 1 : 0, id);
      if (changes.unredactedVideo !== undefined) this.#s.setUnredacted.run(changes.unredactedVideo ? 1 : 0, id);
      return { user: toUser(this.#row(id)), passwordChanged: hash !== undefined };
    }).immediate();
  }

  /** Sets a user's password without the current one (an admin's reset): USER_NOT_FOUND or PASSWORD_WEAK. */
  async setPassword(id: string, newPassword: string): Promise<void> {
    await this.#replaceHash(this.#row(id), newPassword);
  }

  /** Disables or re-enables a user: USER_NOT_FOUND, or STORE_CONFLICT when it would disable the last enabled admin. */
  setDisabled(id: string, disabled: boolean): User {
    return this.#db.transaction((): User => {
      const row = this.#row(id);
      if (disabled && row.role === 'admin' && row.disabled === 0 && this.countAdmins() <= 1) {
        throw new SightlineError('STORE_CONFLICT', `${row.name} is the last enabled admin: enable or create another admin first`);
      }
      this.#s.setDisabled.run(disabled ? 1 : 0, id);
      return toUser(this.#row(id));
    }).immediate();
  }

  /** Changes a user's role (a new viewer loses the unredacted-video flag): USER_NOT_FOUND, USER_INVALID for an unknown role, or STORE_CONFLICT when it would demote the last enabled admin. */
  setRole(id: string, role: UserRole): User {
    const checked = checkRole(role);
    return this.#db.transaction((): User => {
      const row = this.#row(id);
      if (row.role === 'admin' && checked !== 'admin' && row.disabled === 0 && this.countAdmins() <= 1) {
        throw new SightlineError('STORE_CONFLICT', `${row.name} is the last enabled admin: make another admin first`);
      }
      this.#s.setRole.run({ role: checked, id });
      return toUser(this.#row(id));
    }).immediate();
  }

  /** How many enabled admins exist. */
  countAdmins(): number {
    return this.#s.admins.get()?.n ?? 0;
  }

  /** Lets a user see a camera (no-op if already allowed): USER_NOT_FOUND or CAMERA_NOT_FOUND. */
  grantCamera(userId: string, cameraId: string): void {
    this.#row(userId);
    if (this.#s.cameraExists.get(cameraId) === undefined) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${cameraId}`);
    this.#s.grant.run(userId, cameraId);
  }

  /** Takes a camera away from a user; true when it had been granted. */
  revokeCamera(userId: string, cameraId: string): boolean {
    return this.#s.revoke.run(userId, cameraId).changes > 0;
  }

  /** Makes a user's grants exactly these cameras, in one transaction. */
  setCameras(userId: string, cameraIds: readonly string[]): string[] {
    const wanted = new Set(cameraIds);
    return this.#db.transaction((): string[] => {
      this.#row(userId);
      for (const id of this.camerasOf(userId)) if (!wanted.has(id)) this.#s.revoke.run(userId, id);
      for (const id of wanted) this.grantCamera(userId, id);
      return this.camerasOf(userId);
    }).immediate();
  }

  /** The camera ids granted to a user, sorted (admins see all cameras whatever this says). */
  camerasOf(userId: string): string[] {
    return this.#s.camerasOf.all(userId).map((r) => r.camera_id);
  }

  /** True when the user may see the camera: never when disabled; admins every camera; others only those granted. */
  canViewCamera(user: Pick<User, 'id' | 'role' | 'disabled'>, cameraId: string): boolean {
    if (user.disabled) return false;
    if (user.role === 'admin') return true;
    return this.#s.may.get(user.id, cameraId) !== undefined;
  }

  /**
   * Checks a sign-in, throttled as src/security/login-throttle.ts describes: locked when a key that
   * applies to the attempt is throttled (the password is then not checked). Otherwise one failure is
   * counted against those keys first, the password verified (against a dummy hash of the same cost
   * when there is no such user, so time and writes are the same), and on success the pair's
   * failures are cleared, the others' count taken back and the address remembered as known for the
   * name; an outdated hash is then upgraded. `device` is the id of a device cookie the caller
   * verified for this name.
   */
  async checkLogin(name: string, password: string, remote: string, now: number, device?: string): Promise<LoginResult> {
    const userName = normalizeUserName(name).slice(0, 64);
    const address = normalizeRemote(remote).slice(0, 64);
    const known = device !== undefined || this.#throttle.isKnown(userName, address, now);
    const keys = throttleKeys({ name: userName, remote: address, device, known });
    const admission = this.#throttle.admit(keys, now);
    if (admission.lockedMs > 0) return { status: 'locked', retryAfterMs: admission.lockedMs };
    const row = this.#s.byName.get(userName);
    const hash = row?.password_hash ?? (await this.#dummyHash);
    const matches = await this.#verify(hash, password);
    // Read again after the wait: the user may have been disabled or changed meanwhile.
    const current = row === undefined ? undefined : this.#s.byId.get(row.id);
    if (!matches || current === undefined || current.disabled === 1 || current.password_hash !== hash) return { status: 'invalid' };
    this.#throttle.reset(keys[0]!);
    for (let i = 1; i < keys.length; i++) this.#throttle.forgive(keys, i, admission, now);
    this.#throttle.remember(userName, address, now);
    if (needsRehash(hash, this.#params)) this.#s.setHash.run(await this.#hash(password, this.#params), current.id, hash);
    return { status: 'ok', user: toUser(current) };
  }

  /** Deletes the throttling rows that no longer count at `now`, returning how many. */
  pruneLoginFailures(now: number): number {
    return this.#throttle.prune(now);
  }

  #insert(name: string, hash: string, role: UserRole): User {
    const id = this.#newId();
    try {
      this.#s.insert.run(id, name, hash, role, this.#now());
    } catch (cause) {
      if (cause instanceof BetterSqlite3.SqliteError && cause.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new SightlineError('STORE_CONFLICT', `the user name ${name} is taken`, { cause });
      }
      throw new SightlineError('DATABASE_FAILED', `could not create the user: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return toUser(this.#row(id));
  }

  #row(id: string): UserRow {
    const row = this.#s.byId.get(id);
    if (row === undefined) throw new SightlineError('USER_NOT_FOUND', `no user has the id ${id}`);
    return row;
  }

  async #replaceHash(row: UserRow, newPassword: string): Promise<void> {
    checkPolicy(newPassword, row.name);
    const hash = await this.#hash(newPassword, this.#params);
    if (this.#s.setHash.run(hash, row.id, row.password_hash).changes === 0) {
      throw new SightlineError('STORE_CONFLICT', `the password of ${row.name} was changed meanwhile: try again`);
    }
  }
}
