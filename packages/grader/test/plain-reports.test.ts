import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainText, readableParseError, stripAnsi } from '../src/format/plain';
import { noteOf } from '../src/format/csv';
import { grade, toCsv, toGradescope, toJUnit } from '../src/index';
import type { Report } from '../src/index';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const work = mkdtempSync(join(tmpdir(), 'course-plain-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ESC = '\u001b';

describe('plain text', () => {
  it('stripAnsi removes colours, 256-colour codes, cursor moves and hyperlinks', () => {
    const coloured =
      `${ESC}[31m[PARSE_ERROR] ${ESC}[0mUnexpected ${ESC}[38;5;246m╭${ESC}[0m token` +
      `${ESC}[2K${ESC}]8;;https://example.org${ESC}\\link${ESC}]8;;${ESC}\\`;
    expect(stripAnsi(coloured)).toBe('[PARSE_ERROR] Unexpected ╭ tokenlink');
  });

  it("plainText names the learner's file instead of the staged copy", () => {
    const staged = { dir: '/repo/.course/targets/target-Ab12/', sourceDir: '/home/ada/work' };
    expect(
      plainText('TypeError: boom (at /repo/.course/targets/target-Ab12/rnn/x.ts:7:7)', staged),
    ).toBe('TypeError: boom (at /home/ada/work/rnn/x.ts:7:7)');
  });

  it('a syntax error says where it is on its first line and keeps the code frame', () => {
    const message =
      'Transform failed with 1 error:\n\n[PARSE_ERROR] Unexpected token\n' +
      '   ╭─[ exercises/rnn/word-embedding.ts:7:7 ]\n 7 │ const = ;\n───╯';
    expect(readableParseError(message).split('\n')).toEqual([
      'syntax error at exercises/rnn/word-embedding.ts:7:7: Unexpected token',
      '   ╭─[ exercises/rnn/word-embedding.ts:7:7 ]',
      ' 7 │ const = ;',
      '───╯',
    ]);
  });
});

describe('reports of a submission that does not parse', () => {
  it('every file report is plain text and names the submitted file, whatever FORCE_COLOR says', async () => {
    const submission = join(work, 'syntax-error');
    cpSync(target('correct'), submission, { recursive: true });
    // line 3 of scale.ts gets a statement that does not parse
    writeFileSync(
      join(submission, 'fixture/scale.ts'),
      '/** Every entry of xs times s. */\nexport function scale(xs: number[], s: number): number[] {\n' +
        '  const = ;\n  return xs.map((x) => x * s);\n}\n',
    );
    const before = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '1';
    let report: Report;
    try {
      report = await grade({ manifests: [fixtureChapter], submission });
    } finally {
      if (before === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = before;
    }
    const scale = report.exercises.find((e) => e.id === 'fixture/scale');
    expect(scale?.status).toBe('error');
    expect(scale?.message).toContain(`syntax error at ${submission}/fixture/scale.ts:3:`);
    const files = {
      json: JSON.stringify(report),
      gradescope: JSON.stringify(toGradescope(report)),
      junit: toJUnit(report),
      csv: toCsv(['fixture/scale', 'fixture/sum'], [{ student: 'ada', report }]),
    };
    for (const [format, text] of Object.entries(files)) {
      expect([format, text.includes(ESC), text.includes('\\u001b')]).toEqual([
        format,
        false,
        false,
      ]);
      expect([format, text.includes('.course/targets')]).toEqual([format, false]);
      expect([format, text.includes(`${submission}/fixture/scale.ts:3:`)]).toEqual([format, true]);
    }
  });

  it('the class CSV notes why a student scored what they did', () => {
    const exercise = (id: string, status: 'passed' | 'error', message: string) => ({
      id,
      chapter: 'rnn',
      title: id,
      status,
      score: 0,
      maxScore: 2,
      message,
      file: `${id}.ts`,
      tests: [],
    });
    const report: Report = {
      target: 'ada',
      score: 0,
      maxScore: 6,
      durationMs: 1,
      warnings: [],
      chapters: [],
      notes: ['found the exercise files at the top level of ada/, not in rnn/'],
      exercises: [
        exercise(
          'rnn/a',
          'error',
          `could not import ada/rnn/a.ts: syntax error at ada/rnn/a.ts:7:7: Unexpected token\n ${ESC}[38;5;246m╭`,
        ),
        exercise(
          'rnn/b',
          'error',
          'could not import ada/rnn/a.ts: syntax error at ada/rnn/a.ts:7:7: Unexpected token',
        ),
        exercise(
          'rnn/c',
          'error',
          "rnn/c.ts:2 imports '@rnn-course/rnn': that is this chapter's reference implementation",
        ),
        exercise('rnn/d', 'passed', ''),
      ],
    };
    expect(noteOf({ student: 'ada', report })).toBe(
      'found the exercise files at the top level of ada/, not in rnn/; ' +
        'rnn/a, rnn/b: could not import ada/rnn/a.ts: syntax error at ada/rnn/a.ts:7:7: Unexpected token; ' +
        "rnn/c: rnn/c.ts:2 imports '@rnn-course/rnn': that is this chapter's reference implementation",
    );
    expect(noteOf({ student: 'bob', error: 'timed out after 300s' })).toBe('timed out after 300s');
  });
});
