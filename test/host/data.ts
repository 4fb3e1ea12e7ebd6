/**
 * The real data the tests read (../shared/data, or AONCIM_DATA). A test file that cannot find it fails
 * with one clear line naming where it looked, not with an odd count or "no such file" deep in a test.
 */
import { existsSync } from 'node:fs';
import { sharedDataDir } from '../../host/paths.js';

export function requireData(path: string): string {
  if (!existsSync(path)) throw new Error(`data not found at ${path} (the tests read ../shared/data; set AONCIM_DATA=DIR to point elsewhere)`);
  return path;
}

/** The shared data folder, checked: `data not found at …` when it is missing. */
export function testData(): string {
  return requireData(sharedDataDir());
}
