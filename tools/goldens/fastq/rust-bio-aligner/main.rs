#![allow(dead_code, non_snake_case, unused_imports)]
mod pw {
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignmentOperation { Match, Subst, Del, Ins, Xclip(usize), Yclip(usize) }
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignmentMode { Local, Semiglobal, Global, Custom }
#[derive(Debug, Clone)]
pub struct Alignment { pub score: i32, pub ystart: usize, pub xstart: usize, pub yend: usize, pub xend: usize, pub ylen: usize, pub xlen: usize, pub operations: Vec<AlignmentOperation>, pub mode: AlignmentMode }
impl Alignment { pub fn filter_clip_operations(&mut self) { use AlignmentOperation::*; self.operations.retain(|x| *x == Match || *x == Subst || *x == Ins || *x == Del); } }
pub type TextSlice<'a> = &'a [u8];
include!("body.rs");
}
use pw::*;
use std::io::BufRead;
// Reads make-cases.mjs lines on stdin, writes rust-bio's answer to each (score xstart xend ystart yend ops).
// stdin lines: x y go ge ms mm xp xs yp ys   (ms==99 => iupac scoring)
fn iupac(a: u8, b: u8) -> bool {
    if a == b { return true; }
    matches!((a, b), (b'R', b'A' | b'G') | (b'Y', b'C' | b'T') | (b'S', b'G' | b'C') | (b'W', b'A' | b'T') | (b'K', b'G' | b'T') | (b'M', b'A' | b'C') | (b'B', b'C' | b'G' | b'T') | (b'D', b'A' | b'G' | b'T') | (b'H', b'A' | b'C' | b'T') | (b'V', b'A' | b'C' | b'G') | (b'N', _))
}
fn main() {
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split(' ').collect();
        let x = f[0].as_bytes(); let y = f[1].as_bytes();
        let n: Vec<i32> = f[2..].iter().map(|s| s.parse().unwrap()).collect();
        let (ms, mm) = (n[2], n[3]);
        let score = move |a: u8, b: u8| if ms == 99 { if iupac(a, b) { 1 } else { -1 } } else if a == b { ms } else { mm };
        let scoring = Scoring { gap_open: n[0], gap_extend: n[1], match_fn: score, match_scores: None, xclip_prefix: n[4], xclip_suffix: n[5], yclip_prefix: n[6], yclip_suffix: n[7] };
        let mut al = Aligner::with_scoring(scoring);
        let a = al.custom(x, y);
        let ops: Vec<String> = a.operations.iter().map(|o| match o { AlignmentOperation::Xclip(k) => format!("X{}", k), AlignmentOperation::Yclip(k) => format!("Y{}", k), o => format!("{:?}", o) }).collect();
        println!("{} {} {} {} {} {}", a.score, a.xstart, a.xend, a.ystart, a.yend, ops.join(","));
    }
}
