import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { INSTALL_CHROMIUM, findChromium } from '../e2e/chromium';

const dir = mkdtempSync(join(tmpdir(), 'site-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findChromium', () => {
  test('takes CHROMIUM_PATH when it exists, and nothing else when it does not', () => {
    const binary = join(dir, 'my-chrome');
    writeFileSync(binary, '');
    expect(findChromium({ CHROMIUM_PATH: binary, PATH: '' })).toBe(binary);
    expect(findChromium({ CHROMIUM_PATH: join(dir, 'missing'), PATH: dir })).toBeUndefined();
  });

  test('looks for chromium, then Chrome, on the PATH', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    expect(findChromium({ PATH: bin })).toBeUndefined();
    writeFileSync(join(bin, 'google-chrome'), '');
    expect(findChromium({ PATH: bin })).toBe(join(bin, 'google-chrome'));
    writeFileSync(join(bin, 'chromium'), '');
    expect(findChromium({ PATH: bin })).toBe(join(bin, 'chromium'));
  });

  test('the message without a browser says how to install one', () => {
    expect(INSTALL_CHROMIUM).toContain('apt-get install -y chromium');
    expect(INSTALL_CHROMIUM).toContain('CHROMIUM_PATH=');
  });
});
