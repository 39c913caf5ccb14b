// Random alignment problems for rust-bio's Aligner::custom and its port (pairwise-aligner.ts), one per
// line: x y gap_open gap_extend match mismatch xclip_prefix xclip_suffix yclip_prefix yclip_suffix
// (match 99: mbf's IUPAC scoring, +1 when the pattern letter accepts the read letter, else -1).
// Half use mbf's ExtractIUPACWithIndel settings, half other gap, match and clip values.
const MIN_SCORE = -858_993_459;
const count = Number(process.argv[2] ?? 3000);
let seed = 12345;
const rnd = (k) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % k;
};
const pick = (s) => s[rnd(s.length)];
const lines = [];
for (let t = 0; t < count; t++) {
  const iupacMode = rnd(2) === 0;
  const alpha = iupacMode ? (rnd(2) ? 'ACGTN' : 'ACGTNRYKM') : rnd(2) ? 'AC' : 'ACGT';
  const readAlpha = iupacMode ? 'ACGTN' : alpha;
  const lx = 1 + rnd(9);
  const ly = 1 + rnd(14);
  let x = '';
  for (let k = 0; k < lx; k++) x += pick(alpha);
  let y = '';
  for (let k = 0; k < ly; k++) y += pick(readAlpha);
  const clip = () => pick([MIN_SCORE, 0, -1, -2, -5, -10]);
  const gapOpen = iupacMode ? 0 : pick([0, -1, -2, -5]);
  const gapExtend = iupacMode ? -1 : pick([0, -1, -2]);
  const match = iupacMode ? 99 : pick([1, 2, 4]);
  const mismatch = iupacMode ? 0 : pick([0, -1, -3, -7]);
  const clips = iupacMode
    ? [
        MIN_SCORE,
        MIN_SCORE,
        ...pick([
          [MIN_SCORE, 0],
          [0, MIN_SCORE],
          [0, 0],
        ]),
      ]
    : [clip(), clip(), clip(), clip()];
  lines.push([x, y, gapOpen, gapExtend, match, mismatch, ...clips].join(' '));
}
process.stdout.write(lines.join('\n') + '\n');
