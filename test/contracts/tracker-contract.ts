import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OBJECT_CLASSES, type Detection, type ObjectClass, type Track } from '../../src/core/detection.ts';
import { iou, type Box } from '../../src/core/geometry.ts';

/** What the contract needs of a tracker: one call per frame, taking that frame's detections and returning the tracks after it. */
export interface TrackerUnderTest {
  update(detections: readonly Detection[]): readonly Track[];
}

/** A scenario: the detections of each frame, and what must hold of the tracks the tracker reported for them. */
interface Scenario {
  readonly name: string;
  readonly frames: readonly (readonly Detection[])[];
  readonly expect: (outputs: readonly (readonly Track[])[], frames: readonly (readonly Detection[])[]) => void;
}

/** Frames a tracker may take to confirm and report a new object, counting the frame it first appears in. */
const CONFIRM_WITHIN = 3;
/** How far, in pixels, an observed track's box edges may be from its steadily moving detection. */
const FOLLOW_PX = 3;
/** A gap long enough that any tracker has ended a track that saw no detection during it. */
const LONG_GAP = 120;

/** A detection of `cls` with a box of `w` x `h` at `(x, y)`, scored 0.9. */
function det(cls: ObjectClass, x: number, y: number, w = 40, h = 80, score = 0.9): Detection {
  return { class: cls, box: { x, y, w, h }, score };
}

/** `n` frames built by `at(i)` for the 0-based frame number i. */
function frames(n: number, at: (i: number) => readonly Detection[]): Detection[][] {
  return Array.from({ length: n }, (_, i) => [...at(i)]);
}

/** A deterministic jitter in [-1, 1] for frame i and stream k, so detections are not perfectly smooth. */
function jitter(i: number, k: number): number {
  return (((i * 7919 + k * 104_729 + 13) % 201) / 100) - 1;
}

/** The reported track whose box overlaps `box` most (IoU at least `minIou`), if any. */
function trackAt(tracks: readonly Track[], box: Box, minIou = 0.3): Track | undefined {
  let best: Track | undefined;
  let bestIou = minIou;
  for (const t of tracks) {
    const o = iou(t.box, box);
    if (o >= bestIou) {
      best = t;
      bestIou = o;
    }
  }
  return best;
}

/** Asserts that the object whose detection in frame i is `boxOf(i)` (null when absent) keeps one id from its confirmation on, and returns that id. */
function assertFollowed(outputs: readonly (readonly Track[])[], boxOf: (i: number) => Box | null, cls: ObjectClass, what: string): number {
  let id: number | undefined;
  let firstSeen: number | undefined;
  outputs.forEach((tracks, i) => {
    const box = boxOf(i);
    if (box === null) return;
    firstSeen ??= i;
    const track = trackAt(tracks, box);
    if (track === undefined) {
      assert.ok(id === undefined && i - firstSeen < CONFIRM_WITHIN, `${what}: no track on its detection in frame ${i + 1} (tracks: ${JSON.stringify(tracks)})`);
      return;
    }
    assert.equal(track.class, cls, `${what}: frame ${i + 1}: class`);
    assert.equal(track.observed, true, `${what}: frame ${i + 1}: detected but not observed`);
    if (id === undefined) id = track.id;
    else assert.equal(track.id, id, `${what}: id changed in frame ${i + 1}`);
  });
  assert.ok(id !== undefined, `${what}: never reported`);
  return id;
}

/** Asserts what every tracker output holds in every frame, whatever the scenario. */
function assertInvariants(outputs: readonly (readonly Track[])[], input: readonly (readonly Detection[])[]): void {
  outputs.forEach((tracks, i) => {
    const detections = input[i]!;
    const ids = new Set<number>();
    for (const t of tracks) {
      const where = `frame ${i + 1}, track ${t.id}`;
      assert.ok(Number.isInteger(t.id) && t.id > 0, `${where}: id must be a positive integer`);
      assert.ok(!ids.has(t.id), `${where}: id reported twice in one frame`);
      ids.add(t.id);
      assert.ok((OBJECT_CLASSES as readonly string[]).includes(t.class), `${where}: class ${t.class}`);
      const { x, y, w, h } = t.box;
      assert.ok([x, y, w, h].every(Number.isFinite) && w > 0 && h > 0, `${where}: box ${JSON.stringify(t.box)}`);
      assert.ok(Number.isFinite(t.score) && t.score >= 0 && t.score <= 1, `${where}: score ${t.score}`);
      if (t.observed) {
        assert.ok(detections.some((d) => d.class === t.class && iou(d.box, t.box) >= 0.5),
          `${where}: observed, but no ${t.class} detection in this frame overlaps its box ${JSON.stringify(t.box)}`);
      }
    }
    for (const cls of OBJECT_CLASSES) {
      const observed = tracks.filter((t) => t.observed && t.class === cls).length;
      const detected = detections.filter((d) => d.class === cls).length;
      assert.ok(observed <= detected, `frame ${i + 1}: ${observed} observed ${cls} tracks for ${detected} detections`);
    }
  });
}

/** A person walking right and down at a steady pace, with a pixel of jitter. */
function walker(i: number): Box {
  return { x: 20 + 5 * i + jitter(i, 1), y: 40 + 2 * i + jitter(i, 2), w: 40 + jitter(i, 3), h: 80 + jitter(i, 4) };
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'empty frames give no tracks',
    frames: frames(20, () => []),
    expect: (outputs) => {
      outputs.forEach((tracks, i) => assert.deepEqual(tracks, [], `frame ${i + 1}`));
    },
  },
  {
    name: 'one object moving steadily keeps one id for 30 frames, its box on the detection',
    frames: frames(30, (i) => [{ class: 'person', box: walker(i), score: 0.9 }]),
    expect: (outputs) => {
      const id = assertFollowed(outputs, walker, 'person', 'walker');
      outputs.forEach((tracks, i) => {
        if (i < CONFIRM_WITHIN) return;
        assert.equal(tracks.length, 1, `frame ${i + 1}: ${tracks.length} tracks for one object`);
        const t = tracks[0]!;
        assert.equal(t.id, id);
        const d = walker(i);
        const off = Math.max(Math.abs(t.box.x - d.x), Math.abs(t.box.y - d.y), Math.abs(t.box.x + t.box.w - d.x - d.w), Math.abs(t.box.y + t.box.h - d.y - d.h));
        assert.ok(off <= FOLLOW_PX, `frame ${i + 1}: box ${JSON.stringify(t.box)} is ${off.toFixed(2)} px from the detection ${JSON.stringify(d)}`);
      });
    },
  },
  (() => {
    // Two people walk towards each other on nearly the same line and pass, their boxes overlapping for several frames.
    const a = (i: number): Box => ({ x: 10 + 6 * i, y: 60, w: 40, h: 80 });
    const b = (i: number): Box => ({ x: 190 - 6 * i, y: 70, w: 40, h: 80 });
    return {
      name: 'two objects crossing keep their ids',
      frames: frames(30, (i) => [det('person', a(i).x, a(i).y), det('person', b(i).x, b(i).y)]),
      expect: (outputs) => {
        // Before and after the crossing the two boxes are apart, so the track on each is unambiguous.
        const apart = (i: number): boolean => iou(a(i), b(i)) === 0;
        const idA = assertFollowed(outputs, (i) => (apart(i) ? a(i) : null), 'person', 'A');
        const idB = assertFollowed(outputs, (i) => (apart(i) ? b(i) : null), 'person', 'B');
        assert.notEqual(idA, idB);
        outputs.forEach((tracks, i) => {
          if (i >= CONFIRM_WITHIN) assert.deepEqual(tracks.map((t) => t.id).sort((p, q) => p - q), [idA, idB].sort((p, q) => p - q), `frame ${i + 1}: ids`);
        });
      },
    };
  })(),
  (() => {
    const box = (i: number): Box => ({ x: 20 + 4 * i, y: 50, w: 40, h: 80 });
    const hidden = (i: number): boolean => i >= 12 && i < 17;
    return {
      name: 'a 5-frame occlusion, then re-acquisition, keeps the id',
      frames: frames(30, (i) => (hidden(i) ? [] : [det('person', box(i).x, box(i).y)])),
      expect: (outputs) => {
        const before = assertFollowed(outputs, (i) => (i < 12 ? box(i) : null), 'person', 'before the occlusion');
        const afterwards = assertFollowed(outputs, (i) => (i >= 17 ? box(i) : null), 'person', 'after the occlusion');
        assert.equal(afterwards, before, 'the object came back with a new id');
        for (let i = 12; i < 17; i++) {
          for (const t of outputs[i]!) assert.equal(t.observed, false, `frame ${i + 1}: track ${t.id} observed with no detection`);
        }
        // Re-acquired on its first frame back, not after a new confirmation.
        assert.equal(trackAt(outputs[17]!, box(17))?.id, before, 'not re-acquired on the first frame back');
      },
    };
  })(),
  (() => {
    const walkerBox = (i: number): Box => ({ x: 20 + 4 * i, y: 50, w: 40, h: 80 });
    const ghost: Detection = det('person', 400, 300, 50, 90);
    return {
      name: 'a one-frame false positive is never reported, alone or beside a real object',
      frames: [
        ...frames(10, () => []),
        [ghost],
        ...frames(10, () => []),
        ...frames(20, (i) => (i === 8 ? [det('person', walkerBox(i).x, walkerBox(i).y), ghost] : [det('person', walkerBox(i).x, walkerBox(i).y)])),
      ],
      expect: (outputs) => {
        const offset = 21;
        const id = assertFollowed(outputs, (i) => (i >= offset ? walkerBox(i - offset) : null), 'person', 'walker');
        outputs.forEach((tracks, i) => {
          for (const t of tracks) {
            assert.ok(i >= offset && t.id === id, `frame ${i + 1}: track ${t.id} at ${JSON.stringify(t.box)} reported, only the walker (id ${id}) exists`);
          }
        });
      },
    };
  })(),
  (() => {
    const spot = { x: 100, y: 100, w: 80, h: 60 };
    const person = { x: 102, y: 98, w: 76, h: 62 };
    const atSpot = (cls: ObjectClass, b: Box): Detection => det(cls, b.x, b.y, b.w, b.h);
    return {
      name: 'a person never takes a car\'s track (class separation)',
      frames: [
        // A parked car, then a person on the same spot as the car, together and then after the car is missed.
        ...frames(10, () => [atSpot('car', spot)]),
        ...frames(10, () => [atSpot('car', spot), atSpot('person', person)]),
        ...frames(10, () => [atSpot('person', person)]),
      ],
      expect: (outputs) => {
        const carId = assertFollowed(outputs, (i) => (i < 20 ? spot : null), 'car', 'car');
        const classes = new Map<number, ObjectClass>();
        outputs.forEach((tracks, i) => {
          for (const t of tracks) {
            const seen = classes.get(t.id);
            assert.ok(seen === undefined || seen === t.class, `frame ${i + 1}: track ${t.id} changed class from ${seen ?? ''} to ${t.class}`);
            classes.set(t.id, t.class);
          }
          if (i >= 10 + CONFIRM_WITHIN) {
            const people = tracks.filter((t) => t.class === 'person');
            assert.equal(people.length, 1, `frame ${i + 1}: ${people.length} person tracks`);
            assert.notEqual(people[0]!.id, carId, `frame ${i + 1}: the person has the car's id`);
            assert.equal(people[0]!.observed, true, `frame ${i + 1}: the person is not observed`);
          }
          if (i >= 20) {
            for (const t of tracks.filter((u) => u.id === carId)) assert.equal(t.observed, false, `frame ${i + 1}: the car's track took the person's detection`);
          }
        });
      },
    };
  })(),
  (() => {
    // Three objects, one after another, each far from where the last one was, with long empty gaps between.
    const places: readonly Box[] = [{ x: 20, y: 20, w: 40, h: 80 }, { x: 400, y: 300, w: 40, h: 80 }, { x: 250, y: 150, w: 40, h: 80 }];
    const life = 10;
    const period = life + LONG_GAP;
    const boxOf = (k: number) => (i: number): Box | null => {
      const local = i - k * period;
      const p = places[k]!;
      return local >= 0 && local < life ? { ...p, x: p.x + 3 * local } : null;
    };
    return {
      name: 'ids are never reused after a track ends',
      frames: frames(places.length * period, (i) => {
        const box = places.map((_, k) => boxOf(k)(i)).find((b) => b !== null);
        return box === undefined || box === null ? [] : [det('person', box.x, box.y, box.w, box.h)];
      }),
      expect: (outputs) => {
        const ids = places.map((_, k) => assertFollowed(outputs, boxOf(k), 'person', `object ${k + 1}`));
        assert.equal(new Set(ids).size, ids.length, `ids reused: ${ids.join(', ')}`);
        const all = new Set(outputs.flatMap((tracks) => tracks.map((t) => t.id)));
        assert.deepEqual([...all].sort((p, q) => p - q), [...ids].sort((p, q) => p - q), 'tracks reported for objects that are not there');
      },
    };
  })(),
  (() => {
    const box = (i: number): Box => ({ x: 30 + 3 * i, y: 30, w: 40, h: 80 });
    const seen = (i: number): boolean => i < 10 || i >= 13;
    return {
      name: 'observed is true exactly in the frames where the object was detected',
      frames: frames(25, (i) => (seen(i) ? [det('person', box(i).x, box(i).y)] : [])),
      expect: (outputs) => {
        const id = assertFollowed(outputs, (i) => (seen(i) ? box(i) : null), 'person', 'object');
        outputs.forEach((tracks, i) => {
          const t = tracks.find((u) => u.id === id);
          if (seen(i) && i >= CONFIRM_WITHIN) assert.equal(t?.observed, true, `frame ${i + 1}: detected, reported ${JSON.stringify(t)}`);
          if (!seen(i) && t !== undefined) assert.equal(t.observed, false, `frame ${i + 1}: not detected, but observed`);
        });
      },
    };
  })(),
];

/**
 * The contract every tracker passes: table-driven scenarios of detections frame by frame (steady motion,
 * crossing, occlusion, false positives, class separation, id reuse), plus invariants checked on every output.
 */
export function trackerContract(name: string, create: () => TrackerUnderTest): void {
  describe(`Tracker contract: ${name}`, () => {
    for (const scenario of SCENARIOS) {
      test(scenario.name, () => {
        const tracker = create();
        const outputs = scenario.frames.map((detections) => [...tracker.update(detections)]);
        assertInvariants(outputs, scenario.frames);
        scenario.expect(outputs, scenario.frames);
      });
    }
  });
}
