import { describe, expect, it } from 'vitest';
import { formatDuration, progress } from '../src/progress';

/** A non-TTY stream that records what was written, and a clock advancing 100 ms per call. */
function fakes(tty = false) {
  const chunks: string[] = [];
  let t = 0;
  return {
    chunks,
    stream: { isTTY: tty, write: (s: string) => chunks.push(s) },
    now: () => (t += 100),
  };
}

describe('progress on a non-TTY stream', () => {
  it('prints one plain line per tenth of the run with step/total, loss, rate and ETA', () => {
    const f = fakes();
    const bar = progress(50, 'train', { stream: f.stream, now: f.now });
    for (let i = 0; i < 50; i++) bar.tick(2);
    bar.done();
    const lines = f.chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(
      /^train {2} 5\/50 {2} 10% {2}loss 2\.0000 {2}\d+\.\d steps\/s {2}ETA \d+s$/,
    );
    expect(lines[9]).toMatch(/^train {2}50\/50 {2}100% {2}loss 2\.0000 .* took \d+s$/);
    expect(f.chunks.join('')).not.toContain('\r');
  });

  it('reports a bias-corrected running loss: a constant loss reads as that constant', () => {
    const f = fakes();
    const bar = progress(3, 'x', { stream: f.stream, now: f.now, beta: 0.9 });
    bar.tick(5);
    expect(bar.runningLoss).toBeCloseTo(5, 12);
    bar.tick(1);
    // ema = 0.9 * 0.5 + 0.1 * 1 = 0.55 before correction; / (1 - 0.81) = 2.8947...
    expect(bar.runningLoss).toBeCloseTo(0.55 / 0.19, 12);
  });

  it('prints the partial state when done() comes early, and log() lines as they are', () => {
    const f = fakes();
    const bar = progress(1000, 'x', { stream: f.stream, now: f.now });
    bar.tick(1);
    bar.log('validation loss 3.2');
    bar.done();
    const out = f.chunks.join('');
    expect(out).toContain('validation loss 3.2\n');
    expect(out).toMatch(/x {2}\s*1\/1000 {2} {2}0% {2}loss 1\.0000/);
  });

  it('redraws in place with a bar on a TTY', () => {
    const f = fakes(true);
    const bar = progress(4, 'tty', { stream: f.stream, now: f.now, width: 4, redrawMs: 0 });
    for (let i = 0; i < 4; i++) bar.tick();
    bar.done();
    const out = f.chunks.join('');
    expect(out).toContain('\rtty  [####]  4/4  100%');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('rejects a non-positive total', () => {
    expect(() => progress(0, 'x')).toThrow(/positive integer/);
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(187)).toBe('3m07s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
