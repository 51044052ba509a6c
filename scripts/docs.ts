// Regenerates docs/configuration.md from the configuration schema.
import { writeFile } from 'node:fs/promises';
import { configReferenceMarkdown } from '../src/config/reference.ts';

await writeFile(new URL('../docs/configuration.md', import.meta.url), configReferenceMarkdown());
console.log('wrote docs/configuration.md');
