/**
 * Every error code Sightline reports, with its HTTP status and what it means. The codes are stable:
 * tools and users may match on them.
 */
export const ERROR_CODES = {
  CONFIG_NOT_FOUND: { status: 400, doc: 'The configuration file does not exist or cannot be read.' },
  CONFIG_SYNTAX: { status: 400, doc: 'The configuration file is not valid YAML.' },
  CONFIG_INVALID: { status: 400, doc: 'The configuration does not match the schema; the message lists each field.' },
  FFMPEG_NOT_FOUND: { status: 500, doc: 'ffmpeg or ffprobe is not installed or not executable; the message says how to install it.' },
  SOURCE_NOT_FOUND: { status: 404, doc: 'The video file does not exist, or the server has no such stream.' },
  SOURCE_UNREACHABLE: { status: 502, doc: 'The camera or stream server refused, timed out or denied access.' },
  INVALID_MEDIA: { status: 422, doc: 'The file or stream is not a video ffmpeg can read, or it is corrupt.' },
  NO_VIDEO_STREAM: { status: 422, doc: 'The file or stream has no video stream.' },
  DECODE_FAILED: { status: 502, doc: 'ffmpeg failed for another reason; the message holds its last error lines, credentials redacted.' },
  MODEL_CONVERT_FAILED: { status: 500, doc: 'A TFJS graph model could not be converted to ONNX; the message names the op and node.' },
  DETECTOR_FAILED: { status: 500, doc: 'The object detector could not be loaded or failed on a frame.' },
  USAGE: { status: 400, doc: 'A command was called with missing or wrong arguments.' },
  INPUT_INVALID: { status: 400, doc: 'An input file (ground truth, tracks, counts) is malformed.' },
  OUTPUT_FAILED: { status: 500, doc: 'Results could not be written.' },
  DATABASE_NOT_FOUND: { status: 404, doc: 'The database file does not exist in the data directory (check --data-dir or SIGHTLINE_DATA_DIR).' },
  DATABASE_FAILED: { status: 500, doc: 'The database could not be opened, migrated, read or written; the message holds the cause.' },
  DATABASE_TOO_NEW: { status: 500, doc: 'The database was written by a newer Sightline (its schema version is above what this version knows); upgrade Sightline.' },
  CAMERA_NOT_FOUND: { status: 404, doc: 'No camera has the given id.' },
  EVENT_NOT_FOUND: { status: 404, doc: 'No event has the given id.' },
  STORE_INPUT_INVALID: { status: 400, doc: 'A value given to the store is invalid: a time range, limit, cursor or record field; the message names it.' },
  STORE_CONFLICT: { status: 409, doc: 'A write conflicts with stored data: a camera name already taken, an event already ended at another time, heat grids of different shapes.' },
  AUTH_FAILED: { status: 401, doc: 'The user name or password is wrong (the message never says which), or the current password given to change it is wrong.' },
  LOGIN_LOCKED: { status: 429, doc: 'Too many failed sign-ins for this user name or from this address; the message says when to try again.' },
  PASSWORD_WEAK: { status: 400, doc: 'The new password breaks the password policy (12 to 256 characters, not the user name, not a common password); the message lists each problem.' },
  USER_INVALID: { status: 400, doc: 'A user name or role breaks the rules: names are 3 to 32 lower-case letters, digits, dots, dashes or underscores; roles are admin, operator or viewer.' },
  USER_NOT_FOUND: { status: 404, doc: 'No user has the given id or name.' },
  SETUP_CLOSED: { status: 409, doc: 'An admin exists already, so the one-time setup link is closed; sign in as that admin instead.' },
  SETUP_TOKEN_INVALID: { status: 401, doc: 'The setup link is wrong, was used already or has expired; restart the server for a new one.' },
  KEY_FILE_UNSAFE: { status: 500, doc: 'A private key file (secret.key or a TLS key) can be read by other users; the message gives the chmod that fixes it.' },
  DATA_DIR_UNSAFE: { status: 500, doc: 'A file or folder of the data directory is open to other users and cannot be made owner-only (it belongs to another user); the message names it and the fix.' },
  CURSOR_INVALID: { status: 400, doc: 'A paging cursor is damaged, from another server, or was made for another query or caller: start again without a cursor.' },
  KEY_FILE_INVALID: { status: 500, doc: 'The secret key file cannot be read or does not hold exactly 32 bytes.' },
  SECRET_OPEN_FAILED: { status: 500, doc: 'An encrypted value (a camera credential) could not be decrypted: it was altered, is in an unknown format, or was sealed with another key.' },
  TLS_CERT_INVALID: { status: 400, doc: 'The configured TLS certificate or key cannot be used: unreadable, not PEM, a key that does not match the certificate, expired or not yet valid.' },
  TLS_FAILED: { status: 500, doc: 'The self-signed TLS certificate could not be generated or written to the data directory.' },
  CAMERA_INVALID: { status: 400, doc: 'A camera definition is invalid: a bad URL scheme, a URL with credentials in it, or analytics settings that do not match the schema; the message names the field.' },
  CAMERA_MANAGED_BY_CONFIG: { status: 409, doc: 'The camera is defined in the YAML configuration file; change it there and restart, not through the API.' },
  CAMERA_CREDENTIALS_REQUIRED: { status: 409, doc: 'A change moves a camera with stored credentials to another scheme, host or port: give `credentials` again in the same request, or `credentials: null` to drop them.' },
  PURPOSE_FORBIDS: { status: 422, doc: 'A camera change asks for an analytic (counting lines, zones) that the camera\'s stated purpose does not allow; the message names the field and the analytic: add it to `purpose.allows` in the same change, or drop what asks for it.' },
  CAMERA_NETWORK_REFUSED: { status: 400, doc: 'A camera URL names a host outside the networks of `server.cameraNetworks`, or a host that does not resolve while that list is set.' },
  GRANT_NOT_FOUND: { status: 404, doc: 'No grant of unredacted video has the given id, or it is another user\'s (only admins see everyone\'s).' },
  RECORDING_NOT_FOUND: { status: 404, doc: 'No recording covers the requested camera and time range.' },
  EXPORT_FAILED: { status: 500, doc: 'ffmpeg could not join the recorded segments into one MP4; the message holds its last error lines.' },
  PLAYBACK_FAILED: { status: 500, doc: 'ffmpeg could not stream the recorded segments for playback (or a preview picture); the message holds its last error lines.' },
  SUBJECT_NOT_FOUND: { status: 422, doc: 'A subject-access export cannot tell whom to leave visible: the event names no tracked person (no track or no box), or no person tracked in its clip matches the event\'s person.' },
  EXPORT_TOO_LONG: { status: 400, doc: 'The requested export range is longer than the export limit (default 24 hours).' },
  SETTINGS_INVALID: { status: 400, doc: 'A change of the runtime settings (notification targets, retention, object filters) is invalid: a field out of range, a new webhook without a secret, a test of a target that is not set; the message names each field.' },
  NOTIFY_FAILED: { status: 502, doc: 'A notification (MQTT, webhook, email) could not be delivered; it stays queued and is retried with backoff.' },
  AUTH_REQUIRED: { status: 401, doc: 'The route needs a signed-in session or an API token, and the request had neither (or an expired one).' },
  FORBIDDEN: { status: 403, doc: 'The signed-in user or token lacks the role, scope or camera permission the route needs.' },
  CSRF_FAILED: { status: 403, doc: 'A state-changing request with a session cookie lacked the matching x-csrf-token header.' },
  TOKEN_INVALID: { status: 401, doc: 'The API token is malformed, unknown, expired or revoked.' },
  REQUEST_INVALID: { status: 400, doc: 'The request body, query or path parameters do not match the route\'s schema; the message names each field.' },
  NOT_FOUND: { status: 404, doc: 'No such route or resource.' },
  PAYLOAD_TOO_LARGE: { status: 413, doc: 'The request body is larger than the server accepts.' },
  MEDIA_TYPE_UNSUPPORTED: { status: 415, doc: 'The request body is not JSON (content-type: application/json); forms and plain text are refused so that no cross-site form can post.' },
  INTERNAL_ERROR: { status: 500, doc: 'The server failed to answer for a reason of its own (a bug, a disk failure); the message is generic and the server log has the details.' },
  TOO_BUSY: { status: 429, doc: 'The server (or this caller) already runs as many clip or export jobs as it allows; wait the Retry-After seconds and try again.' },
  HOST_NOT_ALLOWED: { status: 421, doc: 'The Host header names no address of this server (a defence against DNS rebinding); reach it by its IP address, localhost or a name in server.allowedHosts.' },
  LISTEN_FAILED: { status: 500, doc: 'The server could not listen on the configured address and port: another program uses the port, the address is not this machine\'s, or the port needs privileges; the message says which.' },
} as const satisfies Record<string, { status: number; doc: string }>;

/** A stable error code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of Sightline: a stable code, an HTTP status, a human message and an optional cause. */
export class SightlineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SightlineError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
  }
}

/** A result of an operation that can fail in an expected way. */
export type Result<T, E = SightlineError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
