/** The web app's purpose words: the live view's "Purpose: ..." line and the camera form's analytics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowsText, analyticLabel, OFFERED_ANALYTICS, pickedAnalytics, purposeLine } from '../web/src/components/purpose-text.ts';

test('purposeLine shows the statement, or says that none was stated', () => {
  assert.equal(purposeLine({ statement: 'Count visitors at the main entrance' }), 'Purpose: Count visitors at the main entrance');
  assert.equal(purposeLine({ statement: '  Trimmed  ' }), 'Purpose: Trimmed');
  assert.equal(purposeLine({ statement: '' }), 'Purpose: not stated by the operator');
  assert.equal(purposeLine({ statement: '   ' }), 'Purpose: not stated by the operator');
});

test('allowsText and pickedAnalytics keep the canonical order and drop what is unknown', () => {
  assert.equal(allowsText([]), 'none');
  assert.equal(allowsText(['heatmap', 'counting']), 'counting, heatmap');
  assert.deepEqual(pickedAnalytics(['zones', 'emotions', 'counting', 7]), ['counting', 'zones']);
  assert.deepEqual(OFFERED_ANALYTICS, ['counting', 'zones', 'heatmap']);
  assert.match(analyticLabel('zones'), /^zones: zones/);
});
