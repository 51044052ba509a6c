/**
 * What Sightline never infers about a person: ethnicity, gender, age or emotion. One word list,
 * checked wherever a model enters: the allow-list of shipped models (their names, output tensors
 * and weights), a user's YOLO model (its file name, outputs and class names) and the configuration.
 * Names are split into words (at punctuation, `_`, `/`, digits and camelCase), so `age_pred/Softmax`
 * matches `age` while `images` or `average` do not.
 */

/** Words that name, or name a model or class for, an inference of ethnicity, gender, age or emotion. */
export const FORBIDDEN_INFERENCE_WORDS: readonly string[] = [
  // ethnicity
  'race', 'races', 'racial', 'ethnic', 'ethnicity', 'ethnicities', 'skintone',
  // gender
  'gender', 'genders', 'sex', 'male', 'female', 'man', 'woman', 'men', 'women', 'boy', 'girl',
  // age
  'age', 'ages', 'child', 'children', 'adult', 'elderly', 'ssrnet',
  // emotion
  'emotion', 'emotions', 'expression', 'expressions', 'affect', 'affectnet', 'mood', 'happy', 'sad', 'angry', 'anger', 'fear', 'disgust', 'surprise',
  // models that infer several of them (GEAR: gender, emotion, age, race)
  'gear',
];

const FORBIDDEN = new Set(FORBIDDEN_INFERENCE_WORDS);

/** The words of a name: split at camelCase, digits and anything not a letter, lower-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
}

/** The names among `names` that hold a forbidden word, each once, in order. */
export function forbiddenInferenceNames(names: Iterable<string>): string[] {
  const hits: string[] = [];
  for (const name of new Set(names)) if (nameWords(name).some((w) => FORBIDDEN.has(w))) hits.push(name);
  return hits;
}
