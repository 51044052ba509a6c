/**
 * The runtime settings seam: one stored row per section of the settings the app writes over the
 * configuration file. The store keeps what it is given; sealing the secrets is the caller's (the
 * settings service seals them with the secret box before they come here).
 */
import type { JsonObject } from '../core/json.ts';

/** One stored section. */
export interface StoredSettings {
  /** The section without its secrets. */
  readonly value: JsonObject;
  /** The section's secrets, sealed; null when it has none. */
  readonly sealed: Uint8Array | null;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
  /** Who wrote it, as the audit log names actors. */
  readonly updatedBy: string;
}

/** Runtime settings by section. */
export interface SettingsStore {
  /** The stored section, or null when the configuration file's applies. */
  read(section: string): StoredSettings | null;
  /** Stores (or replaces) a section. */
  write(section: string, settings: StoredSettings): void;
  /** Forgets a section (the configuration file's applies again); false when none was stored. */
  remove(section: string): boolean;
}
