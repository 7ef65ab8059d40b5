import { describe, expect, it } from "vitest";
import { compareHessians } from "../src/report/compare.js";
import { fmt, fmtShort, formatCompareReport, formatMatrix, formatVector, renderTable } from "../src/report/text.js";
import { elementLabels } from "../src/report/labels.js";
import { layout, referenceInput } from "./report-fixtures.js";

const seed = referenceInput("seed");
const tanh = referenceInput("tanh-3layer");

describe("number formatting", () => {
  it("prints 8 decimals like NumPy, with nan/inf", () => {
    expect(fmt(0.5)).toBe("0.50000000");
    expect(fmt(-5.610625883645397)).toBe("-5.61062588");
    expect(fmt(NaN)).toBe("nan");
    expect(fmt(Infinity)).toBe("inf");
    expect(fmt(-Infinity)).toBe("-inf");
    expect(fmt(1.5e9)).toBe("1.50000000e+9");
    expect(fmt(0.123456789, 3)).toBe("0.123");
    expect(fmtShort(1195.7684)).toBe("1196");
    expect(fmtShort(2.5e-7)).toBe("2.500e-7");
  });

  it("labels elements in C order", () => {
    expect(elementLabels(seed.xs)).toEqual(["w1[0,0]", "w1[0,1]", "w1[0,2]", "w1[1,0]", "w1[1,1]", "w1[1,2]", "b1[0,0]", "b1[1,0]", "w2[0,0]", "w2[0,1]", "b2[0,0]"]);
    expect(elementLabels(layout([{ name: "s", shape: [] }, { name: "v", shape: [2] }]))).toEqual(["s", "v[0]", "v[1]"]);
  });

  it("aligns tables", () => {
    expect(renderTable([["a", "bb"], ["ccc", "d"]], new Set([0]), new Set([0]))).toBe("a   | bb\n----+---\nccc |  d");
  });
});

describe("formatMatrix", () => {
  it("prints the full seed Hessian with block separators and labels", () => {
    const text = formatMatrix(seed.hessian, 11, seed.xs);
    const lines = text.split("\n");
    expect(lines).toHaveLength(1 + 11 + 4); // header, rows, header rule + 3 block rules
    expect(lines[0]).toMatch(/^\s+\|\s+w1\[0,0\]\s+w1\[0,1\]/);
    expect(lines[2]).toMatch(/^w1\[0,0\] \|\s+0\.46394094\s+-0\.54279197/);
    expect(lines.filter((l) => /^-+\+/.test(l))).toHaveLength(4);
    const bars = (l: string) => [...l].flatMap((c, i) => (c === "|" || c === "+" ? [i] : []));
    for (const l of lines) expect(bars(l)).toEqual(bars(lines[0])); // columns line up
    expect(bars(lines[0])).toHaveLength(4); // label column + 3 block boundaries
  });

  it("summarises large matrices", () => {
    const text = formatMatrix(tanh.hessian, 47, tanh.xs);
    let trace = 0;
    for (let i = 0; i < 47; i++) trace += tanh.hessian[i * 47 + i];
    expect(text).toContain("47×47 matrix, 6 variables: w1[5,4] b1[5,1] w2[3,5] b2[3,1] w3[1,3] b3[1,1]");
    expect(text).toContain(`trace ${fmt(trace)}`);
    expect(text).toContain("Frobenius norm");
    expect(text).toContain("b3[0,0]");
    expect(text.split("\n").length).toBeLessThan(15);
    expect(formatMatrix(tanh.hessian, 47, tanh.xs, { maxFull: 50 }).split("\n").length).toBeGreaterThan(47);
  });

  it("formats vectors", () => {
    const lines = formatVector(seed.gradient!, seed.xs).split("\n");
    expect(lines).toHaveLength(11 + 3);
    expect(lines[0]).toBe("w1[0,0]  -0.20980656");
    const long = formatVector(tanh.gradient!, tanh.xs).split("\n");
    expect(long).toHaveLength(7);
    expect(long[3]).toMatch(/^\.\.\./);
  });
});

describe("formatCompareReport", () => {
  it("reports the seed case", () => {
    const text = formatCompareReport(compareHessians(seed), seed);
    for (const s of [
      "n = 11 parameters, 4 variables: w1[2,3] b1[2,1] w2[1,2] b2[1,1]",
      "0.85433858 (85.4% of the norm",
      "-5.61062588", "-2.32219605", "10.94339033",
      "2 negative, 3 zero, 6 positive", "0 negative, 4 zero, 7 positive",
      "positive semi-definite", "pseudo-inverse (3 dropped)", "pseudo-inverse (4 dropped)",
      "angle between the two steps: 76.",
      "- exact: indefinite (a saddle); tf.hessians-style: positive semi-definite: the saddle is invisible to it.",
    ]) expect(text).toContain(s);
    const blockLines = text.split("\n").filter((l) => /^(w1|b1|w2|b2) +\|/.test(l));
    expect(blockLines).toHaveLength(4);
    expect(blockLines.map((l) => (l.match(/DROPPED/g) ?? []).length)).toEqual([3, 3, 3, 3]);
    expect(blockLines[0]).toContain("5.336 / 2.148 kept");
  });

  it("shows only the spectrum edges for larger n", () => {
    const text = formatCompareReport(compareHessians(tanh), tanh);
    expect(text).toContain("5 smallest and 5 largest");
    expect(text).toContain("24 negative, 0 zero, 23 positive");
    expect(text).toContain("solve (nonsingular)");
    const spectrumRows = text.split("\n").filter((l) => /^\d+ +-?\d/.test(l));
    expect(spectrumRows).toHaveLength(10);
  });
});
