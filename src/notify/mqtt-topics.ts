/**
 * What Sightline publishes over MQTT, as pure functions: the topic layout (after Frigate's), the
 * event JSON, and Home Assistant discovery configs.
 *
 * Topics (all under the configured prefix, default `sightline`):
 * - `<prefix>/available`: `online` / `offline`, retained; `offline` is also the broker's last will.
 * - `<prefix>/events`: `{"type":"new"|"update"|"end","before":{...},"after":{...}}` per event step, QoS 1, not retained.
 * - `<prefix>/<camera>/<object>`: confirmed tracks of that class now in view, retained.
 * - `<prefix>/<camera>/<line>/in` and `/out`: today's (UTC) totals of a counting line, retained.
 * - `<prefix>/<camera>/<zone>/<alarm>`: `ON` while an intrusion, loitering or crowd alarm is open, else `OFF`, retained.
 */
import type { LiveEventBody } from '../events/live-event.ts';
import type { JsonObject } from '../core/json.ts';

/** Duration alarms of a zone that get an ON/OFF topic. */
export const ZONE_ALARMS = ['intrusion', 'loitering', 'crowd'] as const;

/** A zone alarm type. */
export type ZoneAlarm = (typeof ZONE_ALARMS)[number];

/** A camera as MQTT discovery announces it. */
export interface AnnouncedCamera {
  /** Stable id: Home Assistant's unique ids are built from it, so renaming a camera keeps its entities. */
  readonly id: string;
  /** Name used in topics. */
  readonly name: string;
  /** Counting lines: each gets an `in` and an `out` sensor. */
  readonly lines: readonly string[];
  /** Zones with the alarms they raise: each alarm gets a binary sensor. */
  readonly zones: readonly { readonly name: string; readonly alarms: readonly ZoneAlarm[] }[];
  /** Object classes counted in view (`person`, ...): each gets a count sensor. */
  readonly classes: readonly string[];
}

/** True for the event types that have an ON/OFF topic. */
export function isZoneAlarm(type: string): type is ZoneAlarm {
  return (ZONE_ALARMS as readonly string[]).includes(type);
}

/** `<prefix>/available`. */
export function availabilityTopic(prefix: string): string {
  return `${prefix}/available`;
}

/** `<prefix>/events`. */
export function eventsTopic(prefix: string): string {
  return `${prefix}/events`;
}

/** `<prefix>/<camera>/<object>`. */
export function objectCountTopic(prefix: string, camera: string, objectClass: string): string {
  return `${prefix}/${camera}/${objectClass}`;
}

/** `<prefix>/<camera>/<line>/in` or `/out`. */
export function lineCountTopic(prefix: string, camera: string, line: string, direction: 'in' | 'out'): string {
  return `${prefix}/${camera}/${line}/${direction}`;
}

/** `<prefix>/<camera>/<zone>/<alarm>`. */
export function zoneAlarmTopic(prefix: string, camera: string, zone: string, alarm: ZoneAlarm): string {
  return `${prefix}/${camera}/${zone}/${alarm}`;
}

/**
 * An event as `<prefix>/events` carries it, in Frigate's snake_case shape: `id`, `camera` (its
 * name), `label` (the class), `start_time` and `end_time` in seconds since the epoch (`end_time`
 * null while open), `zones`, `has_snapshot`, `has_clip`; plus Sightline's `sightline_type`, `rule`,
 * `direction`, `track_id` and `data`.
 */
export function frigateEvent(body: LiveEventBody): JsonObject {
  return {
    id: body.id,
    camera: body.cameraName,
    label: body.class,
    start_time: body.startTime / 1000,
    end_time: body.endTime === null ? null : body.endTime / 1000,
    zones: [body.rule],
    has_snapshot: body.snapshotPath !== null,
    has_clip: body.recording !== null,
    sightline_type: body.type,
    rule: body.rule,
    direction: body.direction,
    track_id: body.trackId,
    data: body.data,
  };
}

/** Where discovery goes and which topics its entities read. */
export interface DiscoverySettings {
  readonly prefix: string;
  readonly discoveryPrefix: string;
}

/** Home Assistant device class of each zone alarm's binary sensor. */
const ALARM_DEVICE_CLASS: Readonly<Record<ZoneAlarm, string>> = { intrusion: 'safety', loitering: 'occupancy', crowd: 'occupancy' };

/**
 * Home Assistant MQTT discovery configs, by config topic: per camera a `total_increasing` sensor
 * for each line's `in` and `out` (the daily totals go back to 0 at midnight, which that state class
 * takes as a new meter cycle), a `measurement` sensor counting each class in view, and a binary
 * sensor for each zone alarm. Each names the camera as its device and `<prefix>/available` as its
 * availability.
 */
export function discoveryConfigs(settings: DiscoverySettings, cameras: readonly AnnouncedCamera[]): Map<string, JsonObject> {
  const { prefix, discoveryPrefix } = settings;
  const out = new Map<string, JsonObject>();
  const nodePrefix = prefix.replace(/\//g, '_');
  for (const cam of cameras) {
    const node = `${nodePrefix}_${cam.name}`;
    const common = (objectId: string, name: string): JsonObject => ({
      name,
      unique_id: `sightline_${cam.id}_${objectId}`,
      availability_topic: availabilityTopic(prefix),
      payload_available: 'online',
      payload_not_available: 'offline',
      device: { identifiers: [`sightline_${cam.id}`], name: cam.name, manufacturer: 'Sightline', model: 'Sightline NVR camera' },
      origin: { name: 'Sightline' },
    });
    for (const line of cam.lines) {
      for (const dir of ['in', 'out'] as const) {
        const objectId = `${line}_${dir}`;
        out.set(`${discoveryPrefix}/sensor/${node}/${objectId}/config`, {
          ...common(objectId, `${line} ${dir}`),
          state_topic: lineCountTopic(prefix, cam.name, line, dir),
          state_class: 'total_increasing',
          icon: dir === 'in' ? 'mdi:location-enter' : 'mdi:location-exit',
        });
      }
    }
    for (const cls of cam.classes) {
      const objectId = `${cls}_count`;
      out.set(`${discoveryPrefix}/sensor/${node}/${objectId}/config`, {
        ...common(objectId, `${cls} count`),
        state_topic: objectCountTopic(prefix, cam.name, cls),
        state_class: 'measurement',
        icon: cls === 'person' ? 'mdi:account-group' : 'mdi:counter',
      });
    }
    for (const zone of cam.zones) {
      for (const alarm of zone.alarms) {
        const objectId = `${zone.name}_${alarm}`;
        out.set(`${discoveryPrefix}/binary_sensor/${node}/${objectId}/config`, {
          ...common(objectId, `${zone.name} ${alarm}`),
          state_topic: zoneAlarmTopic(prefix, cam.name, zone.name, alarm),
          payload_on: 'ON',
          payload_off: 'OFF',
          device_class: ALARM_DEVICE_CLASS[alarm],
        });
      }
    }
  }
  return out;
}
