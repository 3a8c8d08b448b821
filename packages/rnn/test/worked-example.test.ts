/**
 * The worked example of one RNN step in the chapter ("A worked example", README.md) is checked
 * here against the reference: the inputs are read from the chapter's table, the reference's
 * `rnnStep` runs on them (gradients by autograd, upstream gradient from the table), and every
 * number the table prints must be the reference's value rounded to four decimals. Text and
 * code cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { add, matmul, mul, sub, sum, tensor } from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';
import { rnnStep } from '../src/index';

const README = new URL('../README.md', import.meta.url);
const START = '<!-- worked-example: start -->';
const END = '<!-- worked-example: end -->';

/** The table's rows: first cell (the symbol, as written) -> the array in the last cell. */
function readTable(): Map<string, NestedArray> {
  const text = readFileSync(README, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md: no block between ${START} and ${END}`);
  const rows = new Map<string, NestedArray>();
  for (const line of text.slice(from + START.length, to).split('\n')) {
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    const value = /^`(.*)`$/.exec(cells.at(-1) ?? '');
    if (cells.length < 3 || !value) continue;
    rows.set(cells[0] as string, JSON.parse(value[1] as string) as NestedArray);
  }
  return rows;
}

const table = readTable();

/** The table's value of `symbol` as a tensor. */
function given(symbol: string, requiresGrad = false): Tensor {
  const value = table.get(symbol);
  if (value === undefined) throw new Error(`README.md worked example: no row ${symbol}`);
  return tensor(value, { requiresGrad });
}

/** Every number the table prints for `symbol` is the computed one, rounded to 4 decimals. */
function expectPrinted(symbol: string, computed: Tensor): void {
  const printed = given(symbol);
  expect(printed.shape, `${symbol}: shape`).toEqual(computed.shape);
  const rounded = Array.from(computed.data, (v) => Number(v.toFixed(4)));
  expect(Array.from(printed.data), `${symbol} in README.md`).toEqual(rounded);
}

describe("the chapter's worked example of one step", () => {
  const x = given('$x_t$', true);
  const prevH = given('$h_{t-1}$', true);
  const Wx = given('$W_x$', true);
  const Wh = given('$W_h$', true);
  const b = given('$b$', true);
  const dnextH = given('$\\partial L / \\partial h_t$');
  const nextH = rnnStep(x, prevH, Wx, Wh, b); // [1, H]
  sum(mul(nextH, dnextH)).backward();

  it('has small inputs a learner can multiply by hand: N = 1, D = 2, H = 2', () => {
    expect([x.shape, prevH.shape, Wx.shape, Wh.shape, b.shape]).toEqual([
      [1, 2],
      [1, 2],
      [2, 2],
      [2, 2],
      [2],
    ]);
    expect(table.size).toBe(17);
  });

  it('prints the forward pass of the reference (eq. 1.1)', () => {
    const xWx = matmul(x.detach(), Wx.detach()); // [1, H]
    const hWh = matmul(prevH.detach(), Wh.detach()); // [1, H]
    expectPrinted('$x_t W_x$', xWx);
    expectPrinted('$h_{t-1} W_h$', hWh);
    expectPrinted('$a_t$', add(add(xWx, hWh), b.detach()));
    expectPrinted('$h_t$', nextH.detach());
  });

  it('prints the backward pass of the reference (eqs. 1.2-1.3)', () => {
    const h = nextH.detach();
    const local = sub(1, mul(h, h)); // tanh' read off the output
    expectPrinted('$1 - h_t \\odot h_t$', local);
    expectPrinted('$\\delta_t$', mul(dnextH, local)); // eq. 1.2
    expectPrinted('$\\partial L / \\partial x_t$', x.grad as Tensor);
    expectPrinted('$\\partial L / \\partial h_{t-1}$', prevH.grad as Tensor);
    expectPrinted('$\\partial L / \\partial W_x$', Wx.grad as Tensor);
    expectPrinted('$\\partial L / \\partial W_h$', Wh.grad as Tensor);
    expectPrinted('$\\partial L / \\partial b$', b.grad as Tensor);
  });
});
