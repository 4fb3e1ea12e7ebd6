import { afterEach, describe, expect, it } from 'vitest';
import { requireData, testData } from './data.js';

describe('tests without their data say where they looked', () => {
  const saved = process.env['AONCIM_DATA'];
  afterEach(() => {
    if (saved === undefined) delete process.env['AONCIM_DATA'];
    else process.env['AONCIM_DATA'] = saved;
  });

  it('data not found at <path>', () => {
    expect(() => requireData('/nonexistent/data')).toThrow(/^data not found at \/nonexistent\/data \(/);
    process.env['AONCIM_DATA'] = '/nonexistent/shared';
    expect(() => testData()).toThrow(/^data not found at \/nonexistent\/shared/);
  });
});
