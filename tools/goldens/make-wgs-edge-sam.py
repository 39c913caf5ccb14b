#!/usr/bin/env python3
"""A small SAM with every case a coverage collector must classify, for the collect-wgs goldens.

    python3 tools/goldens/make-wgs-edge-sam.py SEED OUT   -> OUT.sam, OUT.fa (deterministic for a seed)

Three contigs with reference N runs, lower-case and IUPAC bases; pairs with duplicates, QC failures, MAPQ 0-60,
overlapping mates, a pile-up hot spot, soft and hard clips, insertions, deletions, N skips, =/X operations, N read
bases, qualities 0-40, unpaired reads and placed mates of unmapped reads, adapter-like reads, secondary alignments
(SEQ '*') and supplementary alignments overlapping their own primary; unplaced unmapped pairs at the end.
test/fixtures/wgs/edge.{sam,fa} is seed 2.
"""
import random, sys
seed=int(sys.argv[1]); out=sys.argv[2]; R=random.Random(seed)
lens=[R.randint(800,2500), R.randint(300,1200), 200]
names=['chrA','chrB','chrC']
ref={}
for n,L in zip(names,lens):
    s=[R.choice('ACGT') for _ in range(L)]
    for _ in range(3):
        a=R.randint(0,L-30); b=a+R.randint(1,25)
        for i in range(a,b): s[i]='N'
    for _ in range(3):
        a=R.randint(0,L-10)
        for i in range(a,a+R.randint(1,6)): s[i]=R.choice('nacgtRY')
    ref[n]=''.join(s)
with open(out+'.fa','w') as f:
    for n in names:
        f.write('>'+n+'\n'); s=ref[n]
        for i in range(0,len(s),60): f.write(s[i:i+60]+'\n')
ADP="AGATCGGAAGAGCGGTTCAGCAGGAATGCCGAGACCGATCTCGTATGCCGTCTTCTGCTTG"
def rc(s): return s[::-1].translate(str.maketrans('ACGTN','TGCAN'))
def mkseq(c,pos,cig):
    # build read seq consistent-ish with reference
    s=[]; p=pos-1
    for n,op in cig:
        if op in 'M=X':
            for i in range(n): s.append(ref[c][p+i].upper() if ref[c][p+i].upper() in 'ACGT' else 'A'); 
            p+=n
        elif op in 'IS': s+= [R.choice('ACGT') for _ in range(n)]
        elif op in 'DN': p+=n
    s=[ (R.choice('ACGTN') if R.random()<0.03 else b) for b in s]
    return ''.join(s)
def mkqual(n):
    q=[]
    for i in range(n):
        r=R.random()
        if r<0.05: q.append(R.randint(0,2))
        elif r<0.15: q.append(R.randint(3,19))
        else: q.append(R.choice([20,25,30,30,30,35,37,40]))
    return ''.join(chr(x+33) for x in q)
def rand_cigar(L):
    k=R.random()
    if k<0.6: return [(L,'M')]
    if k<0.7: a=R.randint(5,30); return [(a,'S'),(L-a,'M')]
    if k<0.8: a=R.randint(10,L-20); d=R.randint(1,8); return [(a,'M'),(d,'D'),(L-a,'M')]
    if k<0.87: a=R.randint(10,L-20); d=R.randint(1,5); return [(a,'M'),(d,'I'),(L-a-d,'M')]
    if k<0.92: a=R.randint(10,L-20); d=R.randint(20,60); return [(a,'M'),(d,'N'),(L-a,'M')]
    if k<0.96: a=R.randint(3,10); return [(a,'H'),(L-a,'M'),(a,'S')][0:3] if False else [(a,'H'),(L-10,'M'),(10,'S')]
    return [(L-12,'M'),(2,'X'),(10,'=')]
def reflen(cig): return sum(n for n,op in cig if op in 'MDN=X')
def cigstr(c): return ''.join(f'{n}{op}' for n,op in c)
recs=[]
rid=0
hot=(names[0], R.randint(100, lens[0]-400))
for c,L in zip(names,lens):
    npairs = {0:int(L*0.3), 1:int(L*0.2), 2:3}[names.index(c)]
    for _ in range(npairs):
        rid+=1; qn=f'r{rid}'
        RL=R.choice([50,60,75])
        if names.index(c)==0 and R.random()<0.25: p1=hot[1]+R.randint(0,20)
        else: p1=R.randint(1,L-RL-70)
        ins=R.randint(-20,60); p2=max(1,min(L-RL-10,p1+ins))
        c1=rand_cigar(RL); c2=rand_cigar(RL)
        if p1+reflen(c1)-1>L or p2+reflen(c2)-1>L: continue
        mq1=R.choice([60,60,60,60,30,20,19,10,0]); mq2=R.choice([60,60,60,60,30,20,19,0])
        base=1|2
        dup = 0x400 if R.random()<0.08 else 0
        qc = 0x200 if R.random()<0.04 else 0
        kind=R.random()
        s1=mkseq(c,p1,c1); s2=mkseq(c,p2,c2)
        q1=mkqual(len(s1)); q2=mkqual(len(s2))
        if R.random()<0.05 and mq1==0:
            s1=ADP[R.randint(0,20):][:16]+s1[16:]
        if R.random()<0.05 and mq2==0:
            a=ADP[R.randint(0,20):][:16]; s2=s2[:-16]+rc(a)
        if kind<0.05: # unpaired single read
            recs.append([qn,str(dup|qc),c,p1,mq1,cigstr(c1),'*',0,0,s1,q1]); continue
        if kind<0.10: # mate unmapped, placed
            f1=1|8|0x40|dup|qc; f2=1|4|0x80|qc
            recs.append([qn,str(f1),c,p1,mq1,cigstr(c1),'=',p1,0,s1,q1])
            recs.append([qn,str(f2),c,p1,0,'*','=',p1,0,s2,q2]); continue
        f1=base|0x40|0x20|dup|qc; f2=base|0x80|0x10|dup|qc
        recs.append([qn,str(f1),c,p1,mq1,cigstr(c1),'=',p2,0,s1,q1])
        recs.append([qn,str(f2),c,p2,mq2,cigstr(c2),'=',p1,0,s2,q2])
        if R.random()<0.03:  # secondary
            recs.append([qn,str(f1|0x100),c,R.randint(1,L-RL-5),60,f'{RL}M','=',p2,0,'*','*'])
        if R.random()<0.03:  # supplementary of read1, overlapping itself sometimes
            ps=max(1,min(L-40,p1+R.randint(-10,10)))
            recs.append([qn,str(f1|0x800),c,ps,R.choice([60,10]),'30M','=',p2,0,s1[:30],q1[:30]])
# unmapped, unplaced
for i in range(5):
    rid+=1; recs.append([f'u{rid}','77','*',0,0,'*','*',0,0,'ACGTACGTACGTACGTAC','IIIIIIIIIIIIIIIIII'])
    recs.append([f'u{rid}','141','*',0,0,'*','*',0,0,'AGATCGGAAGAGCGGTTCAG','IIIIIIIIIIIIIIIIIIII'])
ci={n:i for i,n in enumerate(names)}
recs.sort(key=lambda r:(ci.get(r[2],99), r[3]))
with open(out+'.sam','w') as f:
    f.write('@HD\tVN:1.6\tSO:coordinate\n')
    for n,L in zip(names,lens): f.write(f'@SQ\tSN:{n}\tLN:{L}\n')
    f.write('@RG\tID:rg1\tSM:s1\n')
    for r in recs: f.write('\t'.join(map(str,r))+'\tRG:Z:rg1\n')
print(len(recs))
